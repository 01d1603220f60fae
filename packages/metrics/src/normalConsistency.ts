import type { PointCloud } from '@onet/io';
import { bothWays, meanAbsNormalDot, requireGroundTruth, requireNormals } from './core.js';
import { EMPTY_PREDICTION_SCORES } from './emptyPolicy.js';
import { checkCloud } from './validate.js';

/**
 * **Normal consistency** = ½(NC_acc + NC_comp), where NC_acc is the mean over predicted points of
 * |n̂_pred · n̂_gt(nearest gt point)| and NC_comp the mean over ground-truth points of
 * |n̂_gt · n̂_pred(nearest pred point)|; all normals are normalised first and the sign is ignored, so a
 * flipped orientation is not penalised (ON:im2mesh/eval.py `distance_p2p`; REFERENCE §4). Higher is
 * better; 1 for identical surfaces. Neighbours are found by position only.
 *
 * @param pred predicted points `[N·3]` with normals `[N·3]`.
 * @param gt ground-truth points `[M·3]` with normals `[M·3]`.
 * @returns a value in [0, 1]; −1 for an empty prediction (the reference's sentinel, see
 *   {@link EMPTY_PREDICTION_SCORES}).
 * @example
 * ```ts
 * const nc = normalConsistency({ points: p, normals: pn }, { points: g, normals: gn });
 * ```
 * @throws {MetricsError} `MISSING_NORMALS`, `SHAPE_MISMATCH` (normals and points differ in length),
 *   `NORMALS_WITHOUT_POINTS`, `ZERO_NORMAL`, `NON_FINITE`, `BAD_LENGTH`, `EMPTY_GROUND_TRUTH`.
 * @category Metrics
 */
export function normalConsistency(pred: PointCloud, gt: PointCloud): number {
  const p = checkCloud(pred, 'pred');
  const g = checkCloud(gt, 'gt');
  requireGroundTruth(g);
  requireNormals(p, g);
  if (p.count === 0) return EMPTY_PREDICTION_SCORES.normalConsistency;
  const { acc, comp } = bothWays(p, g);
  return 0.5 * (meanAbsNormalDot(p.normals!, g.normals!, acc.indices) + meanAbsNormalDot(g.normals!, p.normals!, comp.indices));
}
