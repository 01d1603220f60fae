import { MetricsError } from './errors.js';

/** Occupancy labels `[N]`: 1 (any value ≥ 0.5) = inside, 0 = outside. */
export type OccupancyInput = Uint8Array | Float32Array;

/**
 * **Volumetric IoU** = |A ∩ B| / |A ∪ B| of two occupancy labellings of the **same** query points
 * (ON:im2mesh/common.py `compute_iou`; REFERENCE §4). A point is occupied when its value is ≥ 0.5, so 0/1
 * labels, 0/255 masks and probabilities all work.
 *
 * @param a occupancy `[N]` (e.g. predicted mesh contains the points).
 * @param b occupancy `[N]` (e.g. ground-truth labels).
 * @returns a value in [0, 1]; higher is better.
 * @example
 * ```ts
 * const iou = occupancyIoU(contains(predMesh, points), gtOccupancies);
 * ```
 * @throws {MetricsError} `SHAPE_MISMATCH` (different lengths), `EMPTY_GROUND_TRUTH` (no points, or
 *   neither labelling has an occupied point: IoU is 0/0 — the reference returns NaN there; check the
 *   labels), `NON_FINITE` (NaN label), `BAD_LENGTH` (not a Uint8Array/Float32Array).
 * @category Metrics
 */
export function occupancyIoU(a: OccupancyInput, b: OccupancyInput): number {
  for (const [x, what] of [
    [a, 'a'],
    [b, 'b'],
  ] as const) {
    if (!(x instanceof Uint8Array || x instanceof Float32Array)) {
      throw new MetricsError('BAD_LENGTH', `occupancy ${what} must be a Uint8Array or Float32Array [N].`);
    }
  }
  if (a.length !== b.length) {
    throw new MetricsError(
      'SHAPE_MISMATCH',
      `occupancies have ${a.length} and ${b.length} labels: label the same query points on both sides.`,
    );
  }
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x !== x || y !== y) throw new MetricsError('NON_FINITE', `occupancy label ${i} is NaN.`);
    const ia = x >= 0.5, ib = y >= 0.5;
    if (ia && ib) inter++;
    if (ia || ib) union++;
  }
  if (union === 0) {
    throw new MetricsError(
      'EMPTY_GROUND_TRUTH',
      a.length === 0
        ? 'occupancyIoU got no points.'
        : 'neither occupancy has an inside point, so IoU is 0/0: check the ground-truth labels and the query box.',
    );
  }
  return inter / union;
}
