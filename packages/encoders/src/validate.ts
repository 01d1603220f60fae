import type * as tf from '@tensorflow/tfjs-core';
import { NNError } from '@onet/nn';

/**
 * Check a tensor's shape against a pattern: numbers must match, `-1` is free but must be ≥ `minFree`.
 * @throws {@link NNError} `SHAPE_MISMATCH` naming the input and the expected shape.
 */
export function checkShape(owner: string, what: string, t: tf.Tensor | null | undefined, want: number[], describe: string, minFree = 1): void {
  if (!t) throw new NNError('SHAPE_MISMATCH', `${owner}: ${what} ${describe} is required`);
  const ok = t.rank === want.length && want.every((d, i) => (d === -1 ? t.shape[i] >= minFree : t.shape[i] === d));
  if (!ok) throw new NNError('SHAPE_MISMATCH', `${owner}: ${what} must be ${describe}, got [${t.shape}]`);
}

/** Check a constructor size argument. */
export function checkSize(owner: string, field: string, v: number, allowZero = false): void {
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1) || v > 1 << 16) {
    throw new NNError('SHAPE_MISMATCH', `${owner}: ${field} must be an integer in [${allowZero ? 0 : 1}, 65536], got ${v}`);
  }
}
