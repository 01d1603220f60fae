/**
 * @onet/pipeline/node — Node-only helpers: backend choice (Dawn WebGPU / wasm / cpu), model and mesh
 * files, dataset-split generation and evaluation, the demo, and the `onet` program.
 * @packageDocumentation
 */
export { selectNodeBackend, type BackendChoice, type NodeBackendName } from './node/backend.js';
export { loadModel, defaultModelDir, type LoadedModel, type LoadModelOptions } from './node/loadModel.js';
export { readInput, readMeshFile, type InputData } from './node/readInput.js';
export { parseVoxelFile, VOXEL_EXTENSIONS } from './node/readVoxels.js';
export { meshToVoxelInput } from './node/reconstructVoxelFile.js';
export { voxelModelDir } from './node/voxelModelDir.js';
export { writeMeshFile, MESH_OUTPUT_EXTENSIONS } from './node/writeMeshFile.js';
export { loadViewerScript } from './node/loadViewerScript.js';
export { reconstructFile, type ReconstructFileOptions, type ReconstructFileResult } from './node/reconstructFile.js';
export {
  listSplit,
  parseShard,
  takeShard,
  readGroundTruth,
  generateSplit,
  evaluateSplit,
  evaluatePair,
  evaluationCsv,
  writeEvaluationReports,
  type DatasetShape,
  type Shard,
  type GenerateSplitOptions,
  type EvaluateSplitOptions,
  type EvaluationReport,
  type EvaluationRow,
} from './node/evaluateSplit.js';
export { formatMetrics, formatStats } from './node/format.js';
export { runDemo, loadBunny, DEMO_DEFAULTS, type DemoOptions, type DemoResult } from './demo.js';
export { buildProgram, main } from './node/cliProgram.js';
export {
  trainFromConfigFile,
  trainEnsembleFromConfigFile,
  type TrainConfigFile,
  type EnsembleTrainConfigFile,
  type EnsembleTrainResult,
  type TrainProgress,
  type TrainResult,
} from './node/train.js';
