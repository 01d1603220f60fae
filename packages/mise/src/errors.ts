/** Codes of {@link MiseError}: switch on `error.code`. */
export type MiseErrorCode =
  /** An option is not a finite number, not an integer where one is needed, or out of range. */
  | 'INVALID_OPTION'
  /** The requested grid is too large to index or to densify (checked before allocating). */
  | 'TOO_LARGE'
  /** `update()` got points and values of different lengths, or points not a multiple of 3. */
  | 'SHAPE_MISMATCH'
  /** `update()` got a grid index that is not a node of the current MISE grid. */
  | 'POINT_NOT_IN_GRID'
  /** The implicit function returned a value array of the wrong length or type. */
  | 'BAD_OUTPUT'
  /** The implicit function returned NaN. */
  | 'NAN_VALUE';

/**
 * Error thrown by `@onet/mise`. `code` says what went wrong; the message says what to do about it.
 * Aborting through an `AbortSignal` throws the signal's reason (a `DOMException` named `AbortError`)
 * instead, as `fetch` does.
 */
export class MiseError extends Error {
  override readonly name = 'MiseError';
  constructor(
    readonly code: MiseErrorCode,
    message: string,
  ) {
    super(message);
  }
}
