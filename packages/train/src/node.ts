/**
 * @onet/train/node — training from config files in Node: resumable runs with checkpoints (weights + Adam state),
 * learning-rate stages, `history.json` and `curve.svg`, ensembles trained member by member, and data-parallel
 * gradient workers.
 * @module @onet/train/node
 * @packageDocumentation
 */
export {
  trainFromConfigFile,
  trainEnsembleFromConfigFile,
  readTrainConfig,
  loadTrainingShapes,
  validationMeshIndices,
  ensureNodeGradients,
  type TrainConfigFile,
  type TrainStage,
  type EnsembleTrainConfigFile,
  type EnsembleTrainResult,
  type TrainProgress,
  type TrainResult,
} from './node/train.js';
export { createGradientWorkers, type GradientWorkerPool } from './node/gradientWorkers.js';
