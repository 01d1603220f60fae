/**
 * @onet/train — training occupancy networks (REFERENCE §2): labelled samples of meshes and procedural shapes,
 * the {@link Trainer} (BCE on logits summed over points, Adam, validation IoU, best-checkpoint selection) and its
 * training curve. Browser-safe; config files, checkpoints and gradient workers are in `@onet/train/node`.
 * @module @onet/train
 * @packageDocumentation
 */
export {
  Trainer,
  TRAIN_DEFAULTS,
  curveSvg,
  sampleBatch,
  occupancyLoss,
  occupancyIoU,
  makeValidationCases,
  splitBatch,
  batchGradients,
  flattenVariables,
  type TrainOptions,
  type HistoryEntry,
  type Batch,
  type ValidationCase,
  type GradientWorkers,
} from './train.js';
export { sampleShape, proceduralShape, augmentedMesh, fitInSphere, sphereFitScale, SAMPLE_SHAPE_DEFAULTS, type ShapeSamples, type ShapeViews, type SampleShapeOptions } from './trainingData.js';
export {
  TRAINING_ELEVATION_RANGE_DEG,
  imageViewCamera,
  renderImageView,
  toImageViewFrame,
  silhouetteBaseline,
  reconstructImageView,
  RECONSTRUCT_IMAGE_VIEW_DEFAULTS,
  type ImageView,
  type ReconstructImageViewOptions,
  type ImageViewReconstruction,
} from './imageView.js';
