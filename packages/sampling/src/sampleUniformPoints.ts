import { resolveRng, type RandomOptions } from './rng.js';
import { checkCount, checkNumber } from './validate.js';

/** Options of {@link sampleUniformPoints}. */
export interface SampleUniformPointsOptions extends RandomOptions {
  /** The box is `[−(1 + padding)/2, (1 + padding)/2]³` (reference points_padding 0.1 → [−0.55, 0.55]³). */
  padding?: number;
}

/** Defaults of {@link SampleUniformPointsOptions}. */
export const SAMPLE_UNIFORM_POINTS_DEFAULTS = { padding: 0.1, seed: 0 };

/**
 * `n` points uniform in the padded unit cube `[−(1+padding)/2, (1+padding)/2]³`, as the reference makes
 * the 100k points of `points.npz` (REFERENCE §2.1 step 4a: `boxsize · (rand(n, 3) − 0.5)`).
 * Draws x, y, z of each point in turn from the generator.
 *
 * @returns `Float32Array [N·3]`.
 * @example
 * ```ts
 * const pts = sampleUniformPoints(100_000, { seed: 1 }); // in [−0.55, 0.55]³
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` / `TOO_LARGE` for a bad `n` or padding.
 * @category Sampling
 */
export function sampleUniformPoints(n: number, options: SampleUniformPointsOptions = {}): Float32Array {
  const { padding } = { ...SAMPLE_UNIFORM_POINTS_DEFAULTS, ...options };
  checkCount(n, 'n');
  checkNumber(padding, 'padding', -0.999999, 1e6);
  const rng = resolveRng(options);
  const box = 1 + padding;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < out.length; i++) out[i] = box * (rng.next() - 0.5);
  return out;
}
