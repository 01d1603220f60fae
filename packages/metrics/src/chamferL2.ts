import { bothWays, meanSquare, requireGroundTruth } from './core.js';
import { EMPTY_PREDICTION_SCORES } from './emptyPolicy.js';
import { checkCloud, type PointsInput } from './validate.js';

/**
 * **Chamfer-L2** = ½(mean d²(pred→gt) + mean d²(gt→pred)): the mean **squared** nearest-neighbour
 * distance in each direction, averaged (the reference's `chamfer-L2`, ON:im2mesh/eval.py; REFERENCE §4 —
 * before reference commit 2fa5496 the key was `chamfer` and held the unhalved sum). Units are squared
 * distances. Lower is better.
 *
 * @param pred predicted points `[N·3]` (or a {@link PointCloud}).
 * @param gt ground-truth points `[M·3]`.
 * @returns a squared distance ≥ 0; 3 for an empty prediction (see {@link EMPTY_PREDICTION_SCORES}).
 * @example
 * ```ts
 * const cd2 = chamferL2(predPoints, gtPoints);
 * ```
 * @throws {MetricsError} `BAD_LENGTH`, `NON_FINITE`, `EMPTY_GROUND_TRUTH`.
 * @category Metrics
 */
export function chamferL2(pred: PointsInput, gt: PointsInput): number {
  const p = checkCloud(pred, 'pred');
  const g = checkCloud(gt, 'gt');
  requireGroundTruth(g);
  if (p.count === 0) return EMPTY_PREDICTION_SCORES.chamferL2;
  const { acc, comp } = bothWays(p, g);
  return 0.5 * (meanSquare(acc.distances) + meanSquare(comp.distances));
}
