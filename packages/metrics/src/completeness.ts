import { gtToPred, mean, requireGroundTruth } from './core.js';
import { EMPTY_PREDICTION_SCORES } from './emptyPolicy.js';
import { checkCloud, type PointsInput } from './validate.js';

/**
 * **Completeness**: mean over the ground-truth points of the Euclidean (not squared) distance to the
 * nearest predicted point (ON:im2mesh/eval.py `eval_pointcloud`; REFERENCE §4). Lower is better.
 *
 * @param pred predicted points `[N·3]` (or a {@link PointCloud}); normals are ignored.
 * @param gt ground-truth points `[M·3]`.
 * @returns a distance ≥ 0; √3 for an empty prediction (see {@link EMPTY_PREDICTION_SCORES}).
 * @example
 * ```ts
 * const comp = completeness(predPoints, gtPoints);
 * ```
 * @throws {MetricsError} `BAD_LENGTH`, `NON_FINITE`, `EMPTY_GROUND_TRUTH`.
 * @category Metrics
 */
export function completeness(pred: PointsInput, gt: PointsInput): number {
  const p = checkCloud(pred, 'pred');
  const g = checkCloud(gt, 'gt');
  requireGroundTruth(g);
  if (p.count === 0) return EMPTY_PREDICTION_SCORES.completeness;
  return mean(gtToPred(p, g).distances);
}
