import { PipelineError, type PipelineErrorCode } from './errors.js';
import { TEST_TIME_AUGMENTATIONS, type TestTimeAugmentation } from './augment.js';
import type { InputSizeThreshold } from './threshold.js';
import { checkTestTimeOptimizationFields, type TestTimeOptimizationOptions } from './testTimeOptimization.js';

/**
 * The generation settings a model carries, declared once: a network's `ModelConfig`, an ensemble's `model.json`
 * manifest, `OccupancyEnsemble`'s options and a training config all hold these fields, chosen on validation shapes,
 * and {@link checkGenerationSettings} checks them in one place. A caller's options (`reconstruct`, CLI flags) win.
 */
export interface GenerationSettings {
  /** τ as a probability in (0, 1) for any input size (absent: 0.2, the reference's). */
  threshold?: number;
  /** τ by encoder input size, entries in strictly increasing `inputPoints`; wins over `threshold` when the size is known. */
  thresholdByInputPoints?: InputSizeThreshold[];
  /** Fill enclosed cavities of the MISE grid before marching cubes (absent: off, as the reference). */
  fillCavities?: boolean;
  /** Test-time augmentation of an ensemble (absent: `'none'`). */
  testTimeAugmentation?: TestTimeAugmentation;
  /**
   * Test-time optimisation of the encoding before generation (`ReconstructOptions.testTimeOptimization`): `true` or
   * `{}` = the defaults, an options object = those options over the defaults, absent or `false` = off.
   */
  testTimeOptimization?: boolean | TestTimeOptimizationOptions;
}

/** The names of {@link GenerationSettings}' fields, for copying them from one object to another. */
export const GENERATION_SETTING_KEYS = ['threshold', 'thresholdByInputPoints', 'fillCavities', 'testTimeAugmentation', 'testTimeOptimization'] as const;

/** The {@link GenerationSettings} fields present in `s` (absent ones left out, so that a spread does not clear defaults). */
export function pickGenerationSettings(s: GenerationSettings): GenerationSettings {
  const out: Record<string, unknown> = {};
  for (const k of GENERATION_SETTING_KEYS) if (s[k] !== undefined) out[k] = s[k];
  return out as GenerationSettings;
}

/**
 * Check generation settings wherever a model carries them: `threshold` absent or a probability in (0, 1);
 * `thresholdByInputPoints` absent or a non-empty list of `{ inputPoints, threshold }` with integer `inputPoints` ≥ 1 in
 * strictly increasing order and each `threshold` a probability in (0, 1); `fillCavities` absent or a boolean;
 * `testTimeAugmentation` absent or a key of {@link TEST_TIME_AUGMENTATIONS}; `testTimeOptimization` absent, a boolean or
 * an object of `TestTimeOptimizationOptions` fields in range (unknown fields rejected).
 * @throws PipelineError `code` (default `BAD_MODEL`) naming `where` and the field otherwise.
 */
export function checkGenerationSettings(s: { [K in keyof GenerationSettings]?: unknown }, where: string, code: PipelineErrorCode = 'BAD_MODEL'): void {
  const isProbability = (t: unknown): boolean => typeof t === 'number' && t > 0 && t < 1;
  const t = s.threshold;
  if (t !== undefined && !isProbability(t)) {
    throw new PipelineError(code, `${where} threshold must be a probability in (0, 1), got ${typeof t === 'number' ? t : JSON.stringify(t)}`);
  }
  const table = s.thresholdByInputPoints;
  if (table !== undefined) {
    const bad = (why: string) => new PipelineError(code, `${where} thresholdByInputPoints ${why}, got ${JSON.stringify(table)}`);
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
  if (f !== undefined && typeof f !== 'boolean') throw new PipelineError(code, `${where} fillCavities must be true or false, got ${JSON.stringify(f)}`);
  const a = s.testTimeAugmentation;
  if (a !== undefined && !(typeof a === 'string' && Object.hasOwn(TEST_TIME_AUGMENTATIONS, a))) {
    throw new PipelineError(code, `${where} testTimeAugmentation must be one of ${Object.keys(TEST_TIME_AUGMENTATIONS).map((k) => `"${k}"`).join(', ')}, got ${JSON.stringify(a)}`);
  }
  const o = s.testTimeOptimization;
  if (o !== undefined && typeof o !== 'boolean') checkTestTimeOptimizationFields(o, `${where} testTimeOptimization`, code);
}
