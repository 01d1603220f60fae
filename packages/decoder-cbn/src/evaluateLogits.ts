import * as tf from '@tensorflow/tfjs-core';
import { NNError } from '@onet/nn';
import type { OccupancyDecoder } from './types.js';
import { FoldedDecoder } from './FoldedDecoder.js';

/** Options of {@link evaluateLogits}. */
export interface EvaluateLogitsOptions {
  /** Latent code `[1, zDim]` (null when zDim = 0; ignored by a FoldedDecoder, which has it baked in). */
  z?: tf.Tensor | null;
  /** Condition code `[1, cDim]` (null when cDim = 0; ignored by a FoldedDecoder). */
  c?: tf.Tensor | null;
  /** Points per forward pass; bounds the memory (a 100k-point pass in one go can abort the wasm heap). */
  chunkSize?: number;
}

/** Defaults of {@link EvaluateLogitsOptions}. */
export const EVALUATE_LOGITS_DEFAULTS: Required<EvaluateLogitsOptions> = { z: null, c: null, chunkSize: 16384 };

/**
 * Logits of one shape at many query points, in chunks with every intermediate disposed (no tensor survives the
 * call). The decoder must be in eval mode, so that chunking cannot change the answer (running BN statistics).
 *
 * @param decoder an eval-mode {@link OccupancyDecoder} or a {@link FoldedDecoder}.
 * @param points `[N·dim]` query points, interleaved x,y,z (the reference's normalised unit-cube frame).
 * @returns `[N]` logits (probability = sigmoid(logit)).
 * @throws {@link NNError} `SHAPE_MISMATCH` for a points length that is not a multiple of dim, NaN/∞ coordinates,
 *   a bad chunkSize, or a decoder in train mode.
 */
export async function evaluateLogits(decoder: OccupancyDecoder | FoldedDecoder, points: Float32Array, options: EvaluateLogitsOptions = {}): Promise<Float32Array> {
  const o = { ...EVALUATE_LOGITS_DEFAULTS, ...options };
  const dim = decoder.dim;
  if (!(decoder instanceof FoldedDecoder) && decoder.training) {
    throw new NNError('SHAPE_MISMATCH', 'evaluateLogits: the decoder is in train mode (batch statistics would depend on the chunking); call decoder.eval() first');
  }
  if (!Number.isInteger(o.chunkSize) || o.chunkSize < 1 || o.chunkSize > 1 << 24) {
    throw new NNError('SHAPE_MISMATCH', `evaluateLogits: chunkSize must be an integer in [1, 2^24], got ${o.chunkSize}`);
  }
  if (points.length % dim !== 0) throw new NNError('SHAPE_MISMATCH', `evaluateLogits: points length ${points.length} is not a multiple of ${dim}`);
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) throw new NNError('SHAPE_MISMATCH', `evaluateLogits: point coordinate ${i} is ${points[i]}; remove NaN/∞ points`);
  }
  const n = points.length / dim;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += o.chunkSize) {
    const count = Math.min(o.chunkSize, n - start);
    const logits = tf.tidy(() => {
      const p = tf.tensor3d(points.subarray(start * dim, (start + count) * dim), [1, count, dim]);
      return decoder instanceof FoldedDecoder ? decoder.apply(p) : decoder.apply(p, o.z, o.c);
    });
    out.set((await logits.data()) as Float32Array, start);
    logits.dispose();
  }
  return out;
}
