import * as tf from '@tensorflow/tfjs-core';
import { NNError } from '@onet/nn';

/**
 * Check the decoder inputs' shapes: `p` `[B, T, dim]`, `z` `[B, zDim]` (or null when zDim = 0), `c` `[B, cDim]`
 * (or null when cDim = 0). Returns B and T.
 * @throws {@link NNError} `SHAPE_MISMATCH` naming the offending input and the expected shape.
 */
export function checkDecoderInputs(
  name: string,
  p: tf.Tensor,
  z: tf.Tensor | null | undefined,
  c: tf.Tensor | null | undefined,
  dim: number,
  zDim: number,
  cDim: number,
): { batch: number; points: number } {
  if (p.rank !== 3 || p.shape[2] !== dim) {
    throw new NNError('SHAPE_MISMATCH', `${name}: points must be [B, T, ${dim}], got [${p.shape}]`);
  }
  const [batch, points] = p.shape as [number, number, number];
  if (batch === 0) throw new NNError('SHAPE_MISMATCH', `${name}: empty batch (points [${p.shape}])`);
  checkCode(name, 'z', z, batch, zDim);
  checkCode(name, 'c', c, batch, cDim);
  return { batch, points };
}

/** Check a per-shape code `[B, size]` (null/undefined allowed only when size is 0). */
export function checkCode(name: string, what: string, t: tf.Tensor | null | undefined, batch: number, size: number): void {
  if (size === 0) {
    if (t && t.size !== 0) throw new NNError('SHAPE_MISMATCH', `${name}: built with ${what}Dim 0 but got ${what} [${t.shape}]; pass null`);
    return;
  }
  if (!t) throw new NNError('SHAPE_MISMATCH', `${name}: ${what} [${batch}, ${size}] is required (${what}Dim ${size})`);
  if (t.rank !== 2 || t.shape[1] !== size || (t.shape[0] !== batch && t.shape[0] !== 1)) {
    throw new NNError('SHAPE_MISMATCH', `${name}: ${what} must be [${batch}, ${size}] (or [1, ${size}] to share it), got [${t.shape}]`);
  }
}

/** Check a constructor size argument. */
export function checkSize(name: string, field: string, v: number, allowZero = false): void {
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1) || v > 1 << 16) {
    throw new NNError('SHAPE_MISMATCH', `${name}: ${field} must be an integer in [${allowZero ? 0 : 1}, 65536], got ${v}`);
  }
}
