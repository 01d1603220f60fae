import { precisionRecallFScore } from './precisionRecallFScore.js';
import type { PointsInput } from './validate.js';

/**
 * **F-score at one threshold** t: 2PR/(P+R) with precision P = share of predicted points within t of the
 * ground truth and recall R = share of ground-truth points within t of the prediction (CON:src/eval.py;
 * REFERENCE §4). 0 when P = R = 0 and for an empty prediction. For several thresholds at once use
 * {@link precisionRecallFScore}, which searches the neighbours only once.
 *
 * @param pred predicted points `[N·3]` (or a {@link PointCloud}).
 * @param gt ground-truth points `[M·3]`.
 * @param threshold distance t ≥ 0 in the inputs' units (0.01 = "F@1%" for unit-cube shapes).
 * @returns a value in [0, 1]; higher is better.
 * @example
 * ```ts
 * const f1 = fScore(pred, gt, 0.01);
 * ```
 * @throws {MetricsError} `BAD_OPTION`, `BAD_LENGTH`, `NON_FINITE`, `EMPTY_GROUND_TRUTH`.
 * @category Metrics
 */
export function fScore(pred: PointsInput, gt: PointsInput, threshold: number): number {
  return precisionRecallFScore(pred, gt, [threshold]).fScore[0];
}
