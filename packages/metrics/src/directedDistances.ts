import { KdTree, type NearestResult } from './kdtree.js';
import { checkCoordinates } from './validate.js';

/**
 * Distance from every point of `from` `[N·3]` to its nearest point in `to` `[M·3]`, with that point's
 * index — the reference's `distance_p2p` without the normals (ON:im2mesh/eval.py). Exact (k-d tree),
 * Euclidean, not squared, float64. Accuracy is `mean(directedDistances(pred, gt).distances)`.
 *
 * @returns `distances` `[N]` and `indices` `[N]` into `to`; empty arrays for an empty `from`.
 * @example
 * ```ts
 * const { distances, indices } = directedDistances(predPoints, gtPoints);
 * ```
 * @throws {MetricsError} `EMPTY` (empty `to`), `BAD_LENGTH`, `NON_FINITE`.
 * @category Nearest neighbours
 */
export function directedDistances(from: Float32Array, to: Float32Array): NearestResult {
  checkCoordinates(from, 'from');
  return KdTree.build(to).nearest(from);
}
