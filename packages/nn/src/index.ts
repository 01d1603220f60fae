export { NNError, type NNErrorCode } from './errors.js';
export { Module, type ParamLayout, type NamedArray } from './module.js';
export { Linear, BatchNorm, ResnetBlockFC, type LinearOptions, type BatchNormOptions } from './layers.js';
export { seedInit, torchUniform } from './init.js';
export { encodeWeights, decodeWeights, fetchModel, type ModelJson, type WeightEntry } from './weights.js';
export { selectBackend, type BackendName, type SelectBackendOptions } from './backend.js';
