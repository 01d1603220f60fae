/** Codes of {@link PipelineError}: switch on `error.code`. */
export type PipelineErrorCode =
  /** An option is out of range, not finite or of the wrong kind (message names it). */
  | 'INVALID_OPTION'
  /** The input point cloud has no points. */
  | 'EMPTY_INPUT'
  /** A voxel input is not the model's grid shape (message names the expected one), or is full, or has values other than 0/1. */
  | 'BAD_VOXEL_GRID'
  /** An image input is not the model's size (message names it) or has values outside [0, 1]. */
  | 'BAD_IMAGE'
  /** The input contains NaN or ±Infinity. */
  | 'NON_FINITE_INPUT'
  /** An input file cannot be read or parsed (missing, unknown extension, corrupt). */
  | 'UNREADABLE_INPUT'
  /** The model folder lacks `model.json`/`weights.bin`, they do not match the network, the weights differ from the SHA-256 model.json records, or hold NaN/±Infinity. */
  | 'BAD_MODEL'
  /** The network returned logits of the wrong length or NaN. */
  | 'BAD_NETWORK_OUTPUT'
  /** A dataset folder or split file is missing or malformed. */
  | 'BAD_DATASET'
  /** The requested tfjs backend cannot start here. */
  | 'BACKEND_UNAVAILABLE'
  /** An output file cannot be written (unknown extension, unwritable folder). */
  | 'UNWRITABLE_OUTPUT'
  /** An output path is one of the inputs (same file after symlinks, hard links and the file system's case rules). */
  | 'OUTPUT_IS_INPUT'
  /** The input cannot describe a solid: too few points, all identical, on one line or in one plane. */
  | 'DEGENERATE_INPUT'
  /** Generation produced no surface (empty mesh); nothing was written. */
  | 'EMPTY_OUTPUT'
  /**
   * tfjs's gradients are not registered (test-time optimisation, training): `@onet/model`'s `#tfjs-gradients` import
   * was dropped (e.g. by a bundler configuration) or tfjs-core was loaded in an unexpected way.
   */
  | 'GRADIENTS_NOT_REGISTERED';

/**
 * Error thrown by `@onet/model`'s generation, loading and evaluation, and by `@onet/train` and `@onet/cli`. `code` says what went wrong;
 * the message says what to do. The CLI prints `message` on one line and exits with a non-zero code.
 */
export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
