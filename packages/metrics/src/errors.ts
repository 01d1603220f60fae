/** Codes of {@link MetricsError}: switch on `error.code`. */
export type MetricsErrorCode =
  /** A coordinate array's length is not a multiple of 3. */
  | 'BAD_LENGTH'
  /** Two arrays that must pair up element by element have different lengths. */
  | 'SHAPE_MISMATCH'
  /** A coordinate, normal or threshold is NaN or ±Infinity. */
  | 'NON_FINITE'
  /** Normals were given for an empty point set. */
  | 'NORMALS_WITHOUT_POINTS'
  /** A normal has zero length and cannot be normalised. */
  | 'ZERO_NORMAL'
  /** A metric needs normals on both sides and one side has none. */
  | 'MISSING_NORMALS'
  /** The ground truth (or a k-d tree's point set) is empty: the metric is undefined. */
  | 'EMPTY_GROUND_TRUTH'
  /** A k-d tree was built or queried with zero points. */
  | 'EMPTY'
  /** evaluateMesh got a ground truth without what a metric needs (no surface, no IoU points). */
  | 'MISSING_GROUND_TRUTH'
  /** An option is out of range (thresholds, point counts, leaf size). */
  | 'BAD_OPTION'
  /** More points than a k-d tree can index (2³² − 1). */
  | 'TOO_LARGE';

/**
 * Error thrown by every function of `@onet/metrics`. Switch on `code`; the message says what to fix.
 *
 * @example
 * ```ts
 * try { chamferL1(pred, gt); } catch (e) { if (e instanceof MetricsError && e.code === 'NON_FINITE') ... }
 * ```
 */
export class MetricsError extends Error {
  override readonly name = 'MetricsError';
  constructor(
    readonly code: MetricsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
