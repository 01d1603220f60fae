/** Codes of {@link OnetIOError}: switch on `error.code`. */
export type OnetIOErrorCode =
  | 'PARSE_ERROR'
  | 'TRUNCATED'
  | 'EMPTY'
  | 'UNSUPPORTED_FORMAT'
  | 'UNSUPPORTED_DTYPE'
  | 'TOO_LARGE'
  | 'NOT_FOUND'
  | 'NON_FINITE'
  | 'INDEX_OUT_OF_RANGE';

/**
 * Error thrown by every reader and writer of `@onet/io`. `source` names the file (or `<buffer>`),
 * `location` the line or byte offset where the problem was found, when known.
 */
export class OnetIOError extends Error {
  override readonly name = 'OnetIOError';
  constructor(
    readonly code: OnetIOErrorCode,
    message: string,
    readonly source = '<buffer>',
    readonly location?: string,
  ) {
    super(`${source}${location ? ` (${location})` : ''}: ${message}`);
  }
}
