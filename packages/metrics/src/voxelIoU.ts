import { MetricsError } from './errors.js';
import { occupancyIoU, type OccupancyInput } from './occupancyIoU.js';

/** Options of {@link voxelIoU}. */
export interface VoxelIoUOptions {
  /** Probability at or above which a predicted value counts as occupied (the reference uses its test threshold, 0.2). */
  threshold?: number;
}

/** Defaults of {@link VoxelIoUOptions}: 0.5, so 0/1 labels work as they are. */
export const VOXEL_IOU_DEFAULTS: Required<VoxelIoUOptions> = { threshold: 0.5 };

/**
 * **Voxel IoU**, the reference's `iou_voxels`: IoU between a prediction at the centres of an R³ grid (see
 * {@link voxelCellCentres}) and the shape's voxelisation on the same grid (ShapeNet's 32³ `model.binvox`, read
 * with `parseBinvox`), both `[R³]` in C order with i along x.
 *
 * **Not the paper's IoU.** {@link occupancyIoU} on the 100 000 uniform `points.npz` points of the padded box is the
 * `iou` of the paper's tables; `iou_voxels` only compares against a 32³ voxelisation (1/32 cells, filled by the
 * voxeliser's rules) and is a sanity check. The two generally differ on the same prediction; say which one you
 * report (REFERENCE §2.5 "Validation IoU", ON#31).
 *
 * @param predicted `[R³]` probabilities (or 0/1 labels) at the cell centres; occupied when ≥ `threshold`.
 * @param voxels `[R³]` ground-truth voxels; occupied when ≥ 0.5.
 * @returns a value in [0, 1]; higher is better.
 * @example
 * ```ts
 * const probs = sigmoid(await network(voxelCellCentres(32)));
 * const iouVoxels = voxelIoU(probs, parseBinvox(bytes).data, { threshold: 0.2 });
 * ```
 * @throws {MetricsError} `SHAPE_MISMATCH` (lengths differ or are not a cube), `BAD_OPTION` (threshold not in
 *   (0, 1]), and every error of {@link occupancyIoU}.
 * @category Metrics
 */
export function voxelIoU(predicted: OccupancyInput, voxels: OccupancyInput, options: VoxelIoUOptions = {}): number {
  const { threshold } = { ...VOXEL_IOU_DEFAULTS, ...options };
  if (!(threshold > 0 && threshold <= 1)) {
    throw new MetricsError('BAD_OPTION', `threshold must be a probability in (0, 1], got ${threshold}.`);
  }
  const r = Math.round(Math.cbrt(voxels.length));
  if (r ** 3 !== voxels.length || voxels.length === 0) {
    throw new MetricsError('SHAPE_MISMATCH', `voxels must hold R³ values for some R ≥ 1, got ${voxels.length}.`);
  }
  if (predicted.length !== voxels.length) {
    throw new MetricsError('SHAPE_MISMATCH', `predicted has ${predicted.length} values, the ${r}³ voxels ${voxels.length}: evaluate at voxelCellCentres(${r}).`);
  }
  if (!(predicted instanceof Uint8Array || predicted instanceof Float32Array)) {
    throw new MetricsError('BAD_LENGTH', 'predicted must be a Uint8Array or Float32Array [R³].');
  }
  const labels = new Uint8Array(predicted.length);
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i];
    if (p !== p) throw new MetricsError('NON_FINITE', `predicted value ${i} is NaN.`);
    labels[i] = p >= threshold ? 1 : 0;
  }
  return occupancyIoU(labels, voxels);
}
