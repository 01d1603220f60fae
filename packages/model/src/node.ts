/**
 * @onet/model/node — Node-only helpers: model folders from files, mesh and point-cloud files in and out,
 * reconstruction of a file, and dataset-split generation and evaluation.
 * @module @onet/model/node
 * @packageDocumentation
 */
export { loadModel, fileModelSource } from './node/loadModel.js';
export { readInput, readMeshFile, type InputData } from './node/readInput.js';
export { readImage, decodeImage, encodePng, imageToModelInput, IMAGE_LIMITS, type DecodedImage } from './node/readImage.js';
export { writeMeshFile, MESH_OUTPUT_EXTENSIONS } from './node/writeMeshFile.js';
export { assertOutputNotInput } from './node/assertOutputNotInput.js';
export { reconstructFile, GT_OVERLAP_WARNING, type ReconstructFileOptions, type ReconstructFileResult } from './node/reconstructFile.js';
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
