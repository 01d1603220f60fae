import { GENERATE_MESH_DEFAULTS } from './generate.js';

/**
 * One entry of a model's `thresholdByInputPoints`: the generation threshold τ chosen on validation shapes for
 * encoder inputs of `inputPoints` points.
 */
export interface InputSizeThreshold {
  /** Encoder input size (points), an integer ≥ 1. */
  inputPoints: number;
  /** τ as a probability in (0, 1). */
  threshold: number;
}

/** The generation settings a model carries that decide τ (`ModelConfig`, an ensemble manifest or config). */
export interface ThresholdSettings {
  /** τ for any input size (absent: 0.2). */
  threshold?: number;
  /** τ by input size, entries in increasing `inputPoints`; wins over `threshold` when the input size is known. */
  thresholdByInputPoints?: InputSizeThreshold[];
}

/**
 * The generation threshold τ a model asks for, for an encoder input of `inputPoints` points.
 *
 * With `thresholdByInputPoints` and a known input size: τ interpolated linearly in log(inputPoints) between the
 * two neighbouring entries, the first / last entry's τ outside their range (e.g. `[{300, 0.3}, {3000, 0.45}]` gives
 * 0.375 at about 949 points and 0.45 at 10,000). Otherwise `threshold`, else `undefined` (generation's 0.2) —
 * so a model with a table should also carry `threshold` for callers that do not know the input size.
 * Why by size: a denser input makes the networks' occupancy sharper, and the τ that maximises validation IoU rises
 * with it (measured in `models/default/README.md`). Not in the reference, which has one τ (0.2).
 * Entries are assumed valid (as checked when a model is loaded).
 */
export function thresholdForInput(settings: ThresholdSettings, inputPoints?: number): number | undefined {
  const table = settings.thresholdByInputPoints;
  if (!table || table.length === 0 || inputPoints === undefined || !(inputPoints >= 1)) return settings.threshold;
  if (inputPoints <= table[0].inputPoints) return table[0].threshold;
  for (let i = 1; i < table.length; i++) {
    const a = table[i - 1];
    const b = table[i];
    if (inputPoints <= b.inputPoints) {
      const t = Math.log(inputPoints / a.inputPoints) / Math.log(b.inputPoints / a.inputPoints);
      return (1 - t) * a.threshold + t * b.threshold; // exactly b's τ at b's size
    }
  }
  return table[table.length - 1].threshold;
}

/** "τ 0.3 at 300 points → 0.45 at 3000 points (0.35 when the size is unknown)" or "τ = 0.35": a model's τ for messages. */
export function describeThreshold(settings: ThresholdSettings): string {
  const table = settings.thresholdByInputPoints;
  const single = settings.threshold ?? GENERATE_MESH_DEFAULTS.threshold;
  if (table && table.length > 0) return `τ ${table.map((e) => `${e.threshold} at ${e.inputPoints} points`).join(' → ')} (${single} when the size is unknown)`;
  return `τ = ${single}`;
}
