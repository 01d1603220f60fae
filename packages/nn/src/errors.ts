/** Codes of {@link NNError}. */
export type NNErrorCode = 'STATE_DICT_MISMATCH' | 'SHAPE_MISMATCH' | 'BAD_WEIGHTS_FILE' | 'BACKEND_UNAVAILABLE' | 'GRADIENTS_NOT_REGISTERED' | 'INVALID_OPTION';

/** Error thrown by `@onet/nn` and the network packages built on it; switch on `code`. */
export class NNError extends Error {
  override readonly name = 'NNError';
  constructor(
    readonly code: NNErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
