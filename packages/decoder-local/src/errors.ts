/** Error codes of @onet/decoder-local. */
export type DecoderLocalErrorCode = 'BAD_SHAPE';

/** Typed error of @onet/decoder-local; switch on `code`. */
export class DecoderLocalError extends Error {
  constructor(
    readonly code: DecoderLocalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecoderLocalError';
  }
}
