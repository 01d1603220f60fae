/** Codes of {@link PipelineError}: switch on `error.code`. */
export type PipelineErrorCode =
  /** An option is out of range, not finite or of the wrong kind (message names it). */
  | 'INVALID_OPTION'
  /** The input point cloud has no points. */
  | 'EMPTY_INPUT'
  /** A voxel input is not the model's grid shape (message names the expected one), or is full, or has values other than 0/1. */
  | 'BAD_VOXEL_GRID'
  /** The input contains NaN or ±Infinity. */
  | 'NON_FINITE_INPUT'
  /** An input file cannot be read or parsed (missing, unknown extension, corrupt). */
  | 'UNREADABLE_INPUT'
  /** The model folder lacks `model.json`/`weights.bin`, or they do not match the network. */
  | 'BAD_MODEL'
  /** The network returned logits of the wrong length or NaN. */
  | 'BAD_NETWORK_OUTPUT'
  /** A dataset folder or split file is missing or malformed. */
  | 'BAD_DATASET'
  /** The requested tfjs backend cannot start here. */
  | 'BACKEND_UNAVAILABLE'
  /** An output file cannot be written (unknown extension, unwritable folder). */
  | 'UNWRITABLE_OUTPUT';

/**
 * Error thrown by `@onet/pipeline`'s generation, evaluation and CLI layers. `code` says what went wrong;
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

/**
 * Check the generation settings a model carries (`ModelConfig`, an ensemble manifest, `OccupancyEnsemble`'s options):
 * `threshold` absent or a probability in (0, 1); `thresholdByInputPoints` absent or a non-empty list of
 * `{ inputPoints, threshold }` with integer `inputPoints` ≥ 1 in strictly increasing order and each `threshold` a
 * probability in (0, 1); `fillCavities` absent or a boolean.
 * @throws PipelineError `BAD_MODEL` naming `where` otherwise.
 * @internal
 */
export function checkModelGeneration(s: { threshold?: unknown; thresholdByInputPoints?: unknown; fillCavities?: unknown }, where: string): void {
  const isProbability = (t: unknown): boolean => typeof t === 'number' && t > 0 && t < 1;
  const t = s.threshold;
  if (t !== undefined && !isProbability(t)) {
    throw new PipelineError('BAD_MODEL', `${where} threshold must be a probability in (0, 1), got ${typeof t === 'number' ? t : JSON.stringify(t)}`);
  }
  const table = s.thresholdByInputPoints;
  if (table !== undefined) {
    const bad = (why: string) => new PipelineError('BAD_MODEL', `${where} thresholdByInputPoints ${why}, got ${JSON.stringify(table)}`);
    if (!Array.isArray(table) || table.length === 0) throw bad('must be a non-empty list of { "inputPoints": N, "threshold": τ }');
    let previous = 0;
    for (const e of table as { inputPoints?: unknown; threshold?: unknown }[]) {
      if (typeof e !== 'object' || e === null) throw bad('must be a non-empty list of { "inputPoints": N, "threshold": τ }');
      if (!(Number.isInteger(e.inputPoints) && (e.inputPoints as number) > previous)) throw bad('needs integer inputPoints ≥ 1 in strictly increasing order');
      if (!isProbability(e.threshold)) throw bad('needs each threshold to be a probability in (0, 1)');
      previous = e.inputPoints as number;
    }
  }
  const f = s.fillCavities;
  if (f !== undefined && typeof f !== 'boolean') throw new PipelineError('BAD_MODEL', `${where} fillCavities must be true or false, got ${JSON.stringify(f)}`);
}
