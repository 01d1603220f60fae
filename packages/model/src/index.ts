/**
 * @onet/model — an occupancy network f(p, x) → logits and what turns it into a mesh: `OccupancyNetwork` and
 * ensembles, generation (MISE + marching cubes, §3.3 of Mescheder et al., CVPR 2019), reconstruction in the
 * user's frame, evaluation with the reference's metrics, and model folders loaded through a {@link ModelSource}
 * (files in Node, URLs in the browser). Browser-safe; file helpers are in `@onet/model/node`.
 * @module @onet/model
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
export {
  optimizeEncoding,
  checkGradientsRegistered,
  TEST_TIME_OPTIMIZATION_DEFAULTS,
  type OptimizableShape,
  type TestTimeOptimizationOptions,
  type TestTimeOptimizationStats,
} from './testTimeOptimization.js';
export { checkNotDegenerate, MIN_INPUT_POINTS, DEGENERATE_RATIO } from './checkNotDegenerate.js';
export { reconstructFromMesh, type ReconstructFromMeshOptions, type ReconstructFromMeshResult } from './reconstructFromMesh.js';
export { isVoxelModel, checkVoxelInput, type VoxelEncoderModule } from './voxelModel.js';
export { isImageModel, checkImageInput, IMAGE_ENCODERS, DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_CAMERA, type ImageEncoderModule } from './imageModel.js';
export { parseVoxelFile, VOXEL_EXTENSIONS } from './readVoxels.js';
export { meshToVoxelInput, reconstructVoxels, type VoxelGridInput, type VoxelConditionableModel, type VoxelReconstructionResult } from './reconstructVoxels.js';
export { reconstructImage, type ImageConditionableModel } from './reconstructImage.js';
export { imageToModelInput, IMAGE_LIMITS, type DecodedImage } from './imageToModelInput.js';
export {
  evaluateMeshes,
  evaluateAgainstSamples,
  meanMetrics,
  EVALUATE_MESHES_DEFAULTS,
  type EvaluateMeshesOptions,
  type GroundTruthSamples,
  type ReconstructionMetrics,
} from './evaluate.js';
export {
  OccupancyNetwork,
  ONET_REFERENCE_CONFIG,
  VAE_REFERENCE_CONFIG,
  CONV_ONET_REFERENCE_CONFIG,
  type ModelConfig,
  type LatentPrior,
  type ConditionedShape,
} from './model.js';
export {
  TEST_TIME_AUGMENTATIONS,
  applyCubeSymmetry,
  conditionUnderSymmetry,
  optimizableUnderSymmetry,
  describeTestTimeAugmentation,
  type CubeSymmetry,
  type TestTimeAugmentation,
} from './augment.js';
export { ensembleShape, ensembleMembers, isMemberPath, parseEnsembleManifest, OccupancyEnsemble, type EnsembleManifest, type EnsembleConfig } from './ensemble.js';
export { loadModelFrom, urlModelSource, LOAD_MODEL_DEFAULTS, type ModelSource, type LoadedModel, type LoadModelOptions } from './loadModel.js';
export { checkGenerationSettings, pickGenerationSettings, GENERATION_SETTING_KEYS, type GenerationSettings } from './generationSettings.js';
export {
  sampleShapes,
  sampleCodes,
  decodeShape,
  interpolateLatent,
  encodeShape,
  ENCODE_SHAPE_DEFAULTS,
  type EncodeShapeOptions,
  interpolateShapes,
  asVaeModel,
  SAMPLE_SHAPES_DEFAULTS,
  type SampleShapesOptions,
  type GeneratedShape,
  type LatentDecoder,
} from './sampleShapes.js';
