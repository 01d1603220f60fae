/**
 * @onet/pipeline — Occupancy Networks (Mescheder et al., CVPR 2019) end to end: the model, training,
 * generation (MISE + marching cubes, §3.3), evaluation (§4 of REFERENCE.md) and the `onet` CLI.
 * Browser-safe entry; Node helpers (files, backend choice, demo) are in `@onet/pipeline/node`.
 * @packageDocumentation
 */
export { PipelineError, type PipelineErrorCode } from './errors.js';
export {
  generateMesh,
  probabilityToLogit,
  GENERATE_MESH_DEFAULTS,
  type GenerateMeshOptions,
  type GenerationResult,
  type GenerationStats,
  type LogitsFunction,
  type LogitsSource,
} from './generate.js';
export { thresholdForInput, describeThreshold, type InputSizeThreshold, type ThresholdSettings } from './threshold.js';
export { reconstruct, type ConditionableModel, type ReconstructOptions, type ReconstructionResult } from './reconstruct.js';
export { reconstructFromMesh, type ReconstructFromMeshOptions, type ReconstructFromMeshResult } from './reconstructFromMesh.js';
export { reconstructVoxels, type VoxelGridInput, type VoxelConditionableModel, type VoxelReconstructionResult } from './reconstructVoxels.js';
export {
  evaluateMeshes,
  evaluateAgainstSamples,
  meanMetrics,
  EVALUATE_MESHES_DEFAULTS,
  type EvaluateMeshesOptions,
  type GroundTruthSamples,
  type ReconstructionMetrics,
} from './evaluate.js';
export { classifyAdapter, type AdapterClass, type AdapterInfoLike } from './backend.js';
export { viewerHtml, VIEWER_HTML_DEFAULTS, type ViewerHtmlOptions } from './viewer/html.js';
export {
  OccupancyNetwork,
  ONET_REFERENCE_CONFIG,
  CONV_ONET_REFERENCE_CONFIG,
  type ModelConfig,
  type ConditionedShape,
} from './model.js';
export {
  TEST_TIME_AUGMENTATIONS,
  applyCubeSymmetry,
  conditionUnderSymmetry,
  describeTestTimeAugmentation,
  type CubeSymmetry,
  type TestTimeAugmentation,
} from './augment.js';
export { ensembleShape, ensembleMembers, isMemberPath, parseEnsembleManifest, OccupancyEnsemble, type EnsembleManifest, type EnsembleConfig } from './ensemble.js';
export { Trainer, TRAIN_DEFAULTS, curveSvg, type TrainOptions, type HistoryEntry } from './train.js';
