import { bothWays, harmonic, requireGroundTruth, sharesWithin } from './core.js';
import { checkCloud, checkThresholds, type PointsInput } from './validate.js';

/** Result of {@link precisionRecallFScore}: one entry per threshold, in the order given. */
export interface PrecisionRecallFScore {
  /** The distance thresholds t, as given (unit-cube units). */
  thresholds: number[];
  /** Share of predicted points whose nearest ground-truth point is within t (distance ≤ t). */
  precision: number[];
  /** Share of ground-truth points whose nearest predicted point is within t. */
  recall: number[];
  /** F-score 2PR/(P + R); 0 when P = R = 0. */
  fScore: number[];
}

/**
 * **Precision, recall and F-score** at each distance threshold (CON:src/eval.py `eval_pointcloud`;
 * REFERENCE §4): precision(t) = share of *predicted* points within t of the ground truth, recall(t) =
 * share of *ground-truth* points within t of the prediction (distance ≤ t, Euclidean), F = 2PR/(P+R).
 * The papers report F@0.01 ("1%"), F@0.015 and F@0.02 in unit-cube units. Both nearest-neighbour passes run
 * once for all thresholds.
 *
 * @param pred predicted points `[N·3]` (or a {@link PointCloud}).
 * @param gt ground-truth points `[M·3]`.
 * @param thresholds distances t ≥ 0, e.g. `[0.01, 0.015, 0.02]`.
 * @returns per-threshold arrays; all 0 for an empty prediction (see {@link EMPTY_PREDICTION_SCORES}).
 * @example
 * ```ts
 * const { fScore } = precisionRecallFScore(pred, gt, [0.01, 0.015, 0.02]);
 * ```
 * @throws {MetricsError} `BAD_OPTION` (no thresholds, negative or non-finite ones), `BAD_LENGTH`,
 *   `NON_FINITE`, `EMPTY_GROUND_TRUTH`.
 * @category Metrics
 */
export function precisionRecallFScore(
  pred: PointsInput,
  gt: PointsInput,
  thresholds: ArrayLike<number>,
): PrecisionRecallFScore {
  const ts = checkThresholds(thresholds);
  const p = checkCloud(pred, 'pred');
  const g = checkCloud(gt, 'gt');
  requireGroundTruth(g);
  if (p.count === 0) {
    const zeros = ts.map(() => 0);
    return { thresholds: ts, precision: zeros, recall: zeros.slice(), fScore: zeros.slice() };
  }
  const { acc, comp } = bothWays(p, g);
  const precision = sharesWithin(acc.distances, ts);
  const recall = sharesWithin(comp.distances, ts);
  return { thresholds: ts, precision, recall, fScore: precision.map((pr, i) => harmonic(pr, recall[i])) };
}
