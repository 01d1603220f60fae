/**
 * What every metric reports for an **empty prediction** (no points, or a mesh with no faces or zero
 * area): the reference's penalties (ON:im2mesh/eval.py `EMPTY_PCL_DICT`, `EMPTY_PCL_DICT_NORMALS`,
 * `eval_mesh`), so an empty result can never look like a match. Results of {@link evaluatePointClouds}
 * and {@link evaluateMesh} also carry `empty: true`.
 *
 * - accuracy = completeness = √3 (the diagonal of the unit cube, the largest distance in its frame);
 * - Chamfer-L1 = ½(√3 + √3) = √3 — the reference's empty dictionary has *no* Chamfer-L1 key, so pandas
 *   silently drops empty objects from the Chamfer-L1 mean; we report the penalty instead;
 * - Chamfer-L2 = ½(3 + 3) = 3 (the reference's legacy unhalved key `chamfer` said 6);
 * - normal accuracy / completeness / consistency = −1 (the reference's sentinel: below any real value,
 *   which lies in [0, 1]); only reported when the ground truth has normals;
 * - precision = recall = F-score = 0 at every threshold;
 * - IoU = 0.
 *
 * An empty **ground truth** is not scored: it throws `MetricsError` `EMPTY_GROUND_TRUTH`.
 * @category Metrics
 */
export const EMPTY_PREDICTION_SCORES = Object.freeze({
  accuracy: Math.sqrt(3),
  completeness: Math.sqrt(3),
  chamferL1: Math.sqrt(3),
  accuracySquared: 3,
  completenessSquared: 3,
  chamferL2: 3,
  normalConsistency: -1,
  fScore: 0,
  precision: 0,
  recall: 0,
  iou: 0,
});
