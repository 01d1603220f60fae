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

/**
 * Wrap an unexpected error (a reader bug, a RangeError from an allocation) as `OnetIOError`, the last resort of
 * every public reader: `TOO_LARGE` for a RangeError, `PARSE_ERROR` otherwise, with the original as `cause` (the
 * fuzzer counts such wrapped errors as defects to fix at their root).
 * @internal
 */
export function asIOError(e: unknown, source: string): OnetIOError {
  if (e instanceof OnetIOError) return e;
  const err =
    e instanceof RangeError
      ? new OnetIOError('TOO_LARGE', `cannot allocate memory for this file (${e.message})`, source)
      : new OnetIOError('PARSE_ERROR', `unexpected error while parsing: ${(e as Error)?.message ?? String(e)}`, source);
  Object.defineProperty(err, 'cause', { value: e, enumerable: false, configurable: true, writable: true });
  return err;
}

/**
 * `table[key]` for own keys only: names like `valueOf`, `constructor` or `__proto__` read from a file must not
 * find `Object.prototype` members. @internal
 */
export function ownLookup<V>(table: Readonly<Record<string, V>>, key: string | undefined): V | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
