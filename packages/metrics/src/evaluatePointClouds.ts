import type { PointCloud } from '@onet/io';
import { bothWays, harmonic, mean, meanAbsNormalDot, meanSquare, requireGroundTruth, sharesWithin } from './core.js';
import { EMPTY_PREDICTION_SCORES } from './emptyPolicy.js';
import { checkCloud, checkThresholds } from './validate.js';

/** Options of {@link evaluatePointClouds}. */
export interface EvaluatePointCloudsOptions {
  /** F-score distance thresholds in the inputs' units (unit cube: 0.01 is the papers' "F@1%"). */
  thresholds?: ArrayLike<number>;
}

/**
 * Defaults of {@link EvaluatePointCloudsOptions}: the thresholds the papers report (CON:src/eval.py reads
 * them at indices 9, 14, 19 of `linspace(0.001, 1, 1000)`, whose index 9 is 0.010000000000000002 — a
 * distance would have to fall in that 2e-18 gap for the two to count differently).
 */
export const EVALUATE_POINT_CLOUDS_DEFAULTS: Required<EvaluatePointCloudsOptions> = {
  thresholds: [0.01, 0.015, 0.02],
};

/**
 * Every point-set metric of the reference at once (ON:im2mesh/eval.py, CON:src/eval.py
 * `eval_pointcloud`). Distances are Euclidean in the inputs' units (unit cube for ShapeNet).
 */
export interface PointCloudMetrics {
  /** True when the prediction had no points: every value is then the penalty of {@link EMPTY_PREDICTION_SCORES}. */
  empty: boolean;
  /** Mean distance from predicted points to their nearest ground-truth point. */
  accuracy: number;
  /** Mean distance from ground-truth points to their nearest predicted point. */
  completeness: number;
  /** ½(accuracy + completeness) — not squared (×10 in the papers, see {@link toPaperUnits}). */
  chamferL1: number;
  /** Mean squared distance pred → gt (the reference's `accuracy2`). */
  accuracySquared: number;
  /** Mean squared distance gt → pred (the reference's `completeness2`). */
  completenessSquared: number;
  /** ½(accuracySquared + completenessSquared). */
  chamferL2: number;
  /** Mean |n̂_pred · n̂_gt(nn)| over predicted points; null unless both sides have normals. */
  normalAccuracy: number | null;
  /** Mean |n̂_gt · n̂_pred(nn)| over ground-truth points; null unless both sides have normals. */
  normalCompleteness: number | null;
  /** ½(normalAccuracy + normalCompleteness); null unless both sides have normals. */
  normalConsistency: number | null;
  /** The F-score thresholds, as given. */
  thresholds: number[];
  /** Per threshold: share of predicted points within it of the ground truth. */
  precision: number[];
  /** Per threshold: share of ground-truth points within it of the prediction. */
  recall: number[];
  /** Per threshold: 2PR/(P + R), 0 when both are 0. */
  fScore: number[];
}

/**
 * Accuracy, completeness, Chamfer-L1, Chamfer-L2, normal consistency (when both clouds carry normals) and
 * precision/recall/F-score at each threshold, from **one** k-d tree per cloud and one nearest-neighbour
 * pass in each direction (REFERENCE §4). An empty prediction returns the reference's penalties with
 * `empty: true` ({@link EMPTY_PREDICTION_SCORES}).
 *
 * @param pred predicted points `[N·3]` with optional normals `[N·3]`.
 * @param gt ground-truth points `[M·3]` with optional normals `[M·3]`.
 * @example
 * ```ts
 * const m = evaluatePointClouds({ points, normals }, { points: gtPoints, normals: gtNormals });
 * console.log(m.chamferL1, m.normalConsistency, m.fScore[0]); // F@0.01
 * ```
 * @throws {MetricsError} `EMPTY_GROUND_TRUTH`, `BAD_LENGTH`, `NON_FINITE`, `SHAPE_MISMATCH`,
 *   `NORMALS_WITHOUT_POINTS`, `ZERO_NORMAL`, `BAD_OPTION`.
 * @category Metrics
 */
export function evaluatePointClouds(
  pred: PointCloud,
  gt: PointCloud,
  options: EvaluatePointCloudsOptions = {},
): PointCloudMetrics {
  const { thresholds } = { ...EVALUATE_POINT_CLOUDS_DEFAULTS, ...options };
  const ts = checkThresholds(thresholds);
  const p = checkCloud(pred, 'pred');
  const g = checkCloud(gt, 'gt');
  requireGroundTruth(g);
  const withNormals = g.normals !== undefined && (p.normals !== undefined || p.count === 0);

  if (p.count === 0) {
    const e = EMPTY_PREDICTION_SCORES;
    const nc = withNormals ? e.normalConsistency : null;
    return {
      empty: true,
      accuracy: e.accuracy,
      completeness: e.completeness,
      chamferL1: e.chamferL1,
      accuracySquared: e.accuracySquared,
      completenessSquared: e.completenessSquared,
      chamferL2: e.chamferL2,
      normalAccuracy: nc,
      normalCompleteness: nc,
      normalConsistency: nc,
      thresholds: ts,
      precision: ts.map(() => e.precision),
      recall: ts.map(() => e.recall),
      fScore: ts.map(() => e.fScore),
    };
  }

  const { acc, comp } = bothWays(p, g);
  const accuracy = mean(acc.distances);
  const completeness = mean(comp.distances);
  const accuracySquared = meanSquare(acc.distances);
  const completenessSquared = meanSquare(comp.distances);
  let normalAccuracy: number | null = null;
  let normalCompleteness: number | null = null;
  let normalConsistency: number | null = null;
  if (withNormals) {
    normalAccuracy = meanAbsNormalDot(p.normals!, g.normals!, acc.indices);
    normalCompleteness = meanAbsNormalDot(g.normals!, p.normals!, comp.indices);
    normalConsistency = 0.5 * (normalAccuracy + normalCompleteness);
  }
  const precision = sharesWithin(acc.distances, ts);
  const recall = sharesWithin(comp.distances, ts);
  return {
    empty: false,
    accuracy,
    completeness,
    chamferL1: 0.5 * (accuracy + completeness),
    accuracySquared,
    completenessSquared,
    chamferL2: 0.5 * (accuracySquared + completenessSquared),
    normalAccuracy,
    normalCompleteness,
    normalConsistency,
    thresholds: ts,
    precision,
    recall,
    fScore: precision.map((pr, i) => harmonic(pr, recall[i])),
  };
}
