export { LocalDecoder, LOCAL_DECODER_DEFAULTS, type LocalDecoderOptions, type PlaneFeatureMap } from './LocalDecoder.js';
export { DecoderLocalError, type DecoderLocalErrorCode } from './errors.js';
