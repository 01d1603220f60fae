/** Codes of {@link SamplingError}: switch on `error.code`. */
export type SamplingErrorCode =
  /** A count, size or option is not a finite number in its allowed range. */
  | 'INVALID_ARGUMENT'
  /** A mesh or point set has no elements where some are required. */
  | 'EMPTY'
  /** A mesh has zero surface area or zero extent. */
  | 'DEGENERATE'
  /** An input array holds NaN or ±Infinity. */
  | 'NON_FINITE'
  /** Array lengths disagree with each other (e.g. positions not a multiple of 3, index out of range). */
  | 'SHAPE_MISMATCH'
  /** A requested size would need an absurd amount of memory (checked before allocating). */
  | 'TOO_LARGE'
  /** A dataset file or folder is missing or corrupt. */
  | 'DATASET_ERROR';

/**
 * Error thrown by every function of `@onet/sampling`. `code` is stable; the message says what to do.
 *
 * @example
 * ```ts
 * try { sampleSurface(mesh, 1000); } catch (e) { if (e instanceof SamplingError && e.code === 'DEGENERATE') skip(); }
 * ```
 */
export class SamplingError extends Error {
  override readonly name = 'SamplingError';
  constructor(
    readonly code: SamplingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
