import { mean, predToGt, requireGroundTruth } from './core.js';
import { EMPTY_PREDICTION_SCORES } from './emptyPolicy.js';
import { checkCloud, type PointsInput } from './validate.js';

/**
 * **Accuracy**: mean over the predicted points of the Euclidean (not squared) distance to the nearest
 * ground-truth point (ON:im2mesh/eval.py `eval_pointcloud`; REFERENCE §4). Lower is better. Units are those
 * of the input (the unit-cube frame for ShapeNet; see {@link toPaperUnits}).
 *
 * @param pred predicted points `[N·3]` (or a {@link PointCloud}); normals are ignored.
 * @param gt ground-truth points `[M·3]`.
 * @returns a distance ≥ 0; √3 for an empty prediction (see {@link EMPTY_PREDICTION_SCORES}).
 * @example
 * ```ts
 * const acc = accuracy(predPoints, gtPoints);
 * ```
 * @throws {MetricsError} `BAD_LENGTH`, `NON_FINITE`, `EMPTY_GROUND_TRUTH`.
 * @category Metrics
 */
export function accuracy(pred: PointsInput, gt: PointsInput): number {
  const p = checkCloud(pred, 'pred');
  const g = checkCloud(gt, 'gt');
  requireGroundTruth(g);
  if (p.count === 0) return EMPTY_PREDICTION_SCORES.accuracy;
  return mean(predToGt(p, g).distances);
}
