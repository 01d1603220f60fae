import { bothWays, mean, requireGroundTruth } from './core.js';
import { EMPTY_PREDICTION_SCORES } from './emptyPolicy.js';
import { checkCloud, type PointsInput } from './validate.js';

/**
 * **Chamfer-L1** = ½(accuracy + completeness): the mean Euclidean — **not squared** — nearest-neighbour
 * distance in each direction, averaged (the reference's `chamfer-L1`, ON:im2mesh/eval.py; REFERENCE §4).
 * The papers print it ×10: see {@link toPaperUnits}. Lower is better.
 *
 * @param pred predicted points `[N·3]` (or a {@link PointCloud}).
 * @param gt ground-truth points `[M·3]`.
 * @returns a distance ≥ 0; √3 for an empty prediction (see {@link EMPTY_PREDICTION_SCORES}).
 * @example
 * ```ts
 * const cd = chamferL1(predPoints, gtPoints); // 0.0215 here is 0.215 in the paper's tables
 * ```
 * @throws {MetricsError} `BAD_LENGTH`, `NON_FINITE`, `EMPTY_GROUND_TRUTH`.
 * @category Metrics
 */
export function chamferL1(pred: PointsInput, gt: PointsInput): number {
  const p = checkCloud(pred, 'pred');
  const g = checkCloud(gt, 'gt');
  requireGroundTruth(g);
  if (p.count === 0) return EMPTY_PREDICTION_SCORES.chamferL1;
  const { acc, comp } = bothWays(p, g);
  return 0.5 * (mean(acc.distances) + mean(comp.distances));
}
