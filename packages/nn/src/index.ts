/**
 * @onet/nn — Tiny tfjs module toolkit shared by onet's networks: Module with reference (PyTorch) parameter names, Linear,
 * BatchNorm, ResNet-FC block, state-dict import, weight files, backend setup.
 * @module @onet/nn
 * @packageDocumentation
 */
export { NNError, type NNErrorCode } from './errors.js';
export { Module, type ParamLayout, type NamedArray } from './module.js';
export { Linear, BatchNorm, ResnetBlockFC, LINEAR_DEFAULTS, BATCH_NORM_DEFAULTS, type LinearOptions, type BatchNormOptions } from './layers.js';
export { seedInit, torchUniform, withoutRandomInit } from './init.js';
export { encodeWeights, decodeWeights, fetchModel, weightsFileName, sha256Hex, addWeightsHash, verifyWeightsHash, type ModelJson, type WeightEntry } from './weights.js';
export { classifyAdapter, type AdapterClass, type AdapterInfoLike } from './adapter.js';
export { selectBackend, type BackendName, type SelectBackendOptions } from './backend.js';
export { gatherRows, scatterAddRows, scatterMeanRows, conv3x3, convTranspose2x2, conv3x3x3, convTranspose2x2x2, maxPool2x2x2, setJsKernels } from './sparse.js';
export { normalizeGridCoordinates, gridCellIndex, sampleGridTrilinear, type LocalFeatures } from './grid.js';
export { normalizePlaneCoordinates, planeCellIndex, samplePlaneBilinear, samplePlanesSum, PLANE_AXES, type PlaneName } from './planes.js';
export { projectToImagePlane, checkImagePlaneCamera, type ImagePlaneCamera } from './imagePlane.js';
export { registerFastMatMulGradient } from './fastGradients.js';
export { registerFastWasmKernels } from './fastWasmKernels.js';
export { linear, batchNormTrain, residualAdd, reluSavingOutput, type BatchNormTrainResult } from './fusedOps.js';
export { differentiable, type LazyGradients } from './lazyGradient.js';
