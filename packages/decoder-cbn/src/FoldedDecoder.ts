import * as tf from '@tensorflow/tfjs-core';
import { NNError } from '@onet/nn';

/** One residual block of a {@link FoldedDecoder}: `x += relu(relu(x·scale0 + shift0)·w0 + b0)·w1 + b1`. */
export interface FoldedBlockArrays {
  /** `[H]` per-channel scale of the block's first (C)BN. */
  scale0: Float32Array;
  /** `[H]` per-channel shift of the block's first (C)BN. */
  shift0: Float32Array;
  /** `[H·Hh]` fc_0 kernel (row-major `[in, out]`) with the second CBN's scale folded in. */
  w0: Float32Array;
  /** `[Hh]` fc_0 bias with the second CBN folded in. */
  b0: Float32Array;
  /** `[Hh·H]` fc_1 kernel (row-major `[in, out]`). */
  w1: Float32Array;
  /** `[H]` fc_1 bias. */
  b1: Float32Array;
}

/**
 * A decoder folded for one shape: plain arrays (transferable to workers), every CBN collapsed to a
 * per-channel affine map and merged into the neighbouring linears where the residual stream allows it.
 */
export interface FoldedDecoderArrays {
  /** Point dimension. */
  dim: number;
  /** Width H of the residual stream. */
  hidden: number;
  /** `[dim·H]` input kernel (row-major `[in, out]`). */
  inW: Float32Array;
  /** `[H]` input bias, with `fc_z(z)` / `fc_c(c)` added where the decoder adds them at the input. */
  inB: Float32Array;
  blocks: FoldedBlockArrays[];
  /** `[H]` scale of the final (C)BN (ones for the plain decoder). */
  outScale: Float32Array;
  /** `[H]` shift of the final (C)BN. */
  outShift: Float32Array;
  /** `[H]` output kernel. */
  outW: Float32Array;
  /** `[1]` output bias. */
  outB: Float32Array;
  /** Activation before the output layer (`leaky` = leaky ReLU 0.2). */
  outActivation: 'relu' | 'leaky';
}

/**
 * The inference-time decoder produced by `foldForInference`: for a fixed code (one shape) the CBN decoder is
 * a plain residual MLP (REFERENCE §1.2: in eval mode every CBN is `x·(γ/σ) + (β − γμ/σ)` per channel).
 * Same logits as the unfolded decoder in eval mode (to float32 rounding), with no code-dependent matmuls.
 * Holds its own tensors on the backend current at construction; call {@link FoldedDecoder.dispose}.
 */
export class FoldedDecoder {
  readonly dim: number;
  readonly hidden: number;
  private readonly t: {
    inW: tf.Tensor2D;
    inB: tf.Tensor1D;
    blocks: { scale0: tf.Tensor1D; shift0: tf.Tensor1D; w0: tf.Tensor2D; b0: tf.Tensor1D; w1: tf.Tensor2D; b1: tf.Tensor1D }[];
    outScale: tf.Tensor1D;
    outShift: tf.Tensor1D;
    outW: tf.Tensor2D;
    outB: tf.Tensor1D;
  };
  private disposed = false;

  constructor(readonly arrays: FoldedDecoderArrays) {
    const { dim, hidden: h } = arrays;
    this.dim = dim;
    this.hidden = h;
    const check = (name: string, a: Float32Array, n: number) => {
      if (!(a instanceof Float32Array) || a.length !== n) throw new NNError('SHAPE_MISMATCH', `FoldedDecoder: ${name} must be a Float32Array of length ${n}, got ${a?.length}`);
    };
    check('inW', arrays.inW, dim * h);
    check('inB', arrays.inB, h);
    for (const k of ['outScale', 'outShift', 'outW'] as const) check(k, arrays[k], h);
    check('outB', arrays.outB, 1);
    const blocks = arrays.blocks.map((b, i) => {
      const hh = b.b0.length;
      check(`blocks[${i}].scale0`, b.scale0, h);
      check(`blocks[${i}].shift0`, b.shift0, h);
      check(`blocks[${i}].w0`, b.w0, h * hh);
      check(`blocks[${i}].w1`, b.w1, hh * h);
      check(`blocks[${i}].b1`, b.b1, h);
      return {
        scale0: tf.tensor1d(b.scale0),
        shift0: tf.tensor1d(b.shift0),
        w0: tf.tensor2d(b.w0, [h, hh]),
        b0: tf.tensor1d(b.b0),
        w1: tf.tensor2d(b.w1, [hh, h]),
        b1: tf.tensor1d(b.b1),
      };
    });
    this.t = {
      inW: tf.tensor2d(arrays.inW, [dim, h]),
      inB: tf.tensor1d(arrays.inB),
      blocks,
      outScale: tf.tensor1d(arrays.outScale),
      outShift: tf.tensor1d(arrays.outShift),
      outW: tf.tensor2d(arrays.outW, [h, 1]),
      outB: tf.tensor1d(arrays.outB),
    };
  }

  /**
   * `p` `[B, T, dim]` (or `[T, dim]`) → logits `[B, T]` (or `[T]`), new tensor.
   * @throws {@link NNError} `SHAPE_MISMATCH` on a wrong shape or after dispose.
   */
  apply(p: tf.Tensor): tf.Tensor {
    if (this.disposed) throw new NNError('SHAPE_MISMATCH', 'FoldedDecoder: used after dispose()');
    if ((p.rank !== 3 && p.rank !== 2) || p.shape[p.rank - 1] !== this.dim) {
      throw new NNError('SHAPE_MISMATCH', `FoldedDecoder: points must be [B, T, ${this.dim}] or [T, ${this.dim}], got [${p.shape}]`);
    }
    const t = this.t;
    return tf.tidy(() => {
      let x = tf.fused.matMul({ a: tf.reshape(p, [-1, this.dim]), b: t.inW, bias: t.inB }) as tf.Tensor2D;
      for (const b of t.blocks) {
        const a = tf.relu(tf.add(tf.mul(x, b.scale0), b.shift0)) as tf.Tensor2D;
        const h = tf.fused.matMul({ a, b: b.w0, bias: b.b0, activation: 'relu' });
        x = tf.add(x, tf.fused.matMul({ a: h, b: b.w1, bias: b.b1 }));
      }
      const pre = tf.add(tf.mul(x, t.outScale), t.outShift);
      const act = (this.arrays.outActivation === 'leaky' ? tf.leakyRelu(pre, 0.2) : tf.relu(pre)) as tf.Tensor2D;
      const out = tf.fused.matMul({ a: act, b: t.outW, bias: t.outB });
      return tf.reshape(out, p.shape.slice(0, -1));
    });
  }

  /** Free the tensors (the arrays stay usable, e.g. to build another FoldedDecoder elsewhere). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const t = this.t;
    tf.dispose([t.inW, t.inB, t.outScale, t.outShift, t.outW, t.outB, ...t.blocks.flatMap((b) => Object.values(b))]);
  }
}
