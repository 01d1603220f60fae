import { MetricsError } from './errors.js';

/**
 * Centres of the cells of an R³ voxel grid spanning the unit cube [−0.5, 0.5]³, where the reference evaluates the
 * network for `iou_voxels` (ON:im2mesh/onet/training.py: `make_3d_grid((-0.5 + 1/64,)*3, (0.5 - 1/64,)*3,
 * (32,)*3)`): coordinate −0.5 + (i + ½)/R on each axis, C order with i along x, so centre n lines up with
 * `parseBinvox(...).data[n]` of a ShapeNet `model.binvox`.
 *
 * @param resolution R, cells per axis (reference 32).
 * @returns `Float32Array [R³·3]`, x y z per centre, index n = (i·R + j)·R + k.
 * @example
 * ```ts
 * const centres = voxelCellCentres(32); // 32 768 points to evaluate the network at
 * ```
 * @throws {MetricsError} `BAD_OPTION` when R is not an integer in [1, 1024].
 * @category Metrics
 */
export function voxelCellCentres(resolution = 32): Float32Array {
  if (!Number.isInteger(resolution) || resolution < 1 || resolution > 1024) {
    throw new MetricsError('BAD_OPTION', `resolution must be an integer in [1, 1024], got ${resolution}.`);
  }
  const r = resolution;
  const axis = Float32Array.from({ length: r }, (_, i) => -0.5 + (i + 0.5) / r);
  const out = new Float32Array(r * r * r * 3);
  let o = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      for (let k = 0; k < r; k++) {
        out[o++] = axis[i];
        out[o++] = axis[j];
        out[o++] = axis[k];
      }
    }
  }
  return out;
}
