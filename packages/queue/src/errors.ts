/** Codes of {@link QueueError}: what went wrong, so callers can switch on it. */
export type QueueErrorCode =
  /** Redis did not answer within the connection timeout (wrong URL, server down, firewall). */
  | 'REDIS_UNREACHABLE'
  /** An option is missing or out of range (shards, stage name, paths…). */
  | 'INVALID_OPTION'
  /** The named stage was never submitted to this queue. */
  | 'UNKNOWN_STAGE'
  /** A stage of that name exists with other parameters: pick another `name` or remove the old one. */
  | 'STAGE_CONFLICT'
  /** The per-shard results cannot be merged (a shard file is unreadable or not of this stage). */
  | 'MERGE_FAILED';

/**
 * The error of `@onet/queue`: a `code` to switch on and a message that says what to do.
 *
 * @example
 * ```ts
 * try { await submitStage(...); } catch (e) { if (e instanceof QueueError && e.code === 'REDIS_UNREACHABLE') … }
 * ```
 */
export class QueueError extends Error {
  override readonly name = 'QueueError';
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
