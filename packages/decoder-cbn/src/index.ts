/**
 * @onet/decoder-cbn — Occupancy decoder with Conditional Batch Norm (DecoderCBatchNorm) and its siblings, in tfjs.
 * @module @onet/decoder-cbn
 * @packageDocumentation
 */
export { CBatchNorm1d, CBATCHNORM1D_DEFAULTS, type CBatchNorm1dOptions } from './CBatchNorm1d.js';
export { CResnetBlockConv1d } from './CResnetBlockConv1d.js';
export { DecoderCBatchNorm, DECODER_CBATCHNORM_DEFAULTS, DECODER_CBATCHNORM_BLOCKS, type DecoderCBatchNormOptions } from './DecoderCBatchNorm.js';
export { DecoderCBatchNorm2, DECODER_CBATCHNORM2_DEFAULTS, type DecoderCBatchNorm2Options } from './DecoderCBatchNorm2.js';
export { Decoder, DECODER_DEFAULTS, DECODER_BLOCKS, fourierFeatures, type DecoderOptions } from './Decoder.js';
export { bceWithLogitsLoss } from './bceWithLogitsLoss.js';
export type { OccupancyDecoder } from './types.js';
export { FoldedDecoder, type FoldedDecoderArrays, type FoldedBlockArrays } from './FoldedDecoder.js';
export { foldForInference } from './foldForInference.js';
export { evaluateLogits, EVALUATE_LOGITS_DEFAULTS, type EvaluateLogitsOptions } from './evaluateLogits.js';
