/**
 * @onet/metrics — IoU, Chamfer-L1/L2, normal consistency and F-score for 3D reconstruction, as the Occupancy Networks
 * reference defines them. No tfjs.
 * @module @onet/metrics
 * @packageDocumentation
 */
/**
 * @onet/metrics — IoU, Chamfer-L1/L2, accuracy, completeness, normal consistency and F-score exactly as
 * the Occupancy Networks reference defines them (REFERENCE §4), on plain typed arrays, with an exact
 * k-d tree. No tfjs.
 */
export { MetricsError, type MetricsErrorCode } from './errors.js';
export {
  KdTree,
  KDTREE_DEFAULTS,
  NEAREST_DEFAULTS,
  type KdTreeOptions,
  type NearestOptions,
  type NearestResult,
} from './kdtree.js';
export { directedDistances } from './directedDistances.js';
export { accuracy } from './accuracy.js';
export { completeness } from './completeness.js';
export { chamferL1 } from './chamferL1.js';
export { chamferL2 } from './chamferL2.js';
export { normalConsistency } from './normalConsistency.js';
export { precisionRecallFScore, type PrecisionRecallFScore } from './precisionRecallFScore.js';
export { fScore } from './fScore.js';
export { toPaperUnits } from './toPaperUnits.js';
export { EMPTY_PREDICTION_SCORES } from './emptyPolicy.js';
export {
  evaluatePointClouds,
  EVALUATE_POINT_CLOUDS_DEFAULTS,
  type EvaluatePointCloudsOptions,
  type PointCloudMetrics,
} from './evaluatePointClouds.js';
export { occupancyIoU, type OccupancyInput } from './occupancyIoU.js';
export { voxelIoU, VOXEL_IOU_DEFAULTS, type VoxelIoUOptions } from './voxelIoU.js';
export { voxelCellCentres } from './voxelCellCentres.js';
export {
  evaluateMesh,
  EVALUATE_MESH_DEFAULTS,
  type EvaluateMeshOptions,
  type MeshGroundTruth,
  type MeshMetrics,
} from './evaluateMesh.js';
export type { PointsInput } from './validate.js';
export { chamferDistanceMatrix, type DistanceMatrix } from './chamferDistanceMatrix.js';
export { coverage } from './coverage.js';
export { minimumMatchingDistance } from './minimumMatchingDistance.js';
export { oneNearestNeighborAccuracy } from './oneNearestNeighborAccuracy.js';
export { generativeMetrics, type GenerativeMetrics } from './generativeMetrics.js';
