/**
 * @onet/decoder-local — Local-feature occupancy decoder of Convolutional Occupancy Networks (plane/grid feature sampling), in tfjs.
 * @module @onet/decoder-local
 * @packageDocumentation
 */
export { LocalDecoder, LOCAL_DECODER_DEFAULTS, type LocalDecoderOptions, type PlaneFeatureMap } from './LocalDecoder.js';
export { DecoderLocalError, type DecoderLocalErrorCode } from './errors.js';
