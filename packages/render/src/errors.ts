/** Codes of {@link RenderError}: switch on `error.code`. */
export type RenderErrorCode =
  /** An option is not a finite number, not an integer where one is needed, or out of range. */
  | 'INVALID_OPTION'
  /** The mesh has non-finite positions, indices out of range, or a length that is not a multiple of 3. */
  | 'INVALID_MESH'
  /** A vertex lies behind or too close to the camera (the renderer does not clip). */
  | 'BEHIND_CAMERA';

/** Error thrown by `@onet/render`. `code` says what went wrong; the message says what to do about it. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    readonly code: RenderErrorCode,
    message: string,
  ) {
    super(message);
  }
}
