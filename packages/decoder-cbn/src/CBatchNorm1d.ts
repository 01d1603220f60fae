import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear, BatchNorm } from '@onet/nn';

/** Options of {@link CBatchNorm1d}. */
export interface CBatchNorm1dOptions {
  /** Legacy variant (`CBatchNorm1d_legacy`): Linear maps `fc_gamma`/`fc_beta` [F, C] instead of 1×1 convs `conv_gamma`/`conv_beta` [F, C, 1]. */
  legacy?: boolean;
  /** BatchNorm running-statistics momentum (PyTorch convention). */
  momentum?: number;
  /** BatchNorm variance epsilon. */
  eps?: number;
}

/** Defaults of {@link CBatchNorm1dOptions}. */
export const CBATCHNORM1D_DEFAULTS: Required<CBatchNorm1dOptions> = { legacy: false, momentum: 0.1, eps: 1e-5 };

/**
 * Conditional Batch Normalisation (ONet paper §3.3 / supplementary; reference `CBatchNorm1d` and
 * `CBatchNorm1d_legacy`, im2mesh/layers.py): `out = γ(c) ⊙ BN(x) + β(c)` with `γ(c) = c·W_γ + b_γ`,
 * `β(c) = c·W_β + b_β` broadcast over the T points, and BN without affine (eps 1e-5, momentum 0.1).
 * Train mode: statistics per channel over batch AND points; eval mode: running statistics.
 * Init as the reference: W_γ = W_β = 0, b_γ = 1, b_β = 0 (starts as plain BN).
 *
 * Keys: `conv_gamma.{weight,bias}`, `conv_beta.{weight,bias}` (or `fc_gamma`/`fc_beta` when legacy),
 * `bn.running_mean`, `bn.running_var`.
 */
export class CBatchNorm1d extends Module {
  readonly gamma: Linear;
  readonly beta: Linear;
  readonly bn: BatchNorm;
  readonly legacy: boolean;
  /**
   * @param cDim C, size of the conditioning code.
   * @param fDim F, number of feature channels normalised.
   */
  constructor(
    readonly cDim: number,
    readonly fDim: number,
    options: CBatchNorm1dOptions = {},
  ) {
    super();
    const o = { ...CBATCHNORM1D_DEFAULTS, ...options };
    this.legacy = o.legacy;
    const kind = o.legacy ? 'linear' : 'conv1d';
    const pre = o.legacy ? 'fc' : 'conv';
    this.gamma = this.module(`${pre}_gamma`, new Linear(cDim, fDim, { kind, zeroWeight: true, biasInit: 1 }));
    this.beta = this.module(`${pre}_beta`, new Linear(cDim, fDim, { kind, zeroWeight: true, biasInit: 0 }));
    this.bn = this.module('bn', new BatchNorm(fDim, { affine: false, momentum: o.momentum, eps: o.eps }));
  }

  /**
   * `x` `[B, T, F]`, `c` `[B, C]` (or `[1, C]`, shared) → `[B, T, F]`. In train mode also updates the running
   * statistics.
   */
  apply(x: tf.Tensor, c: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const g = tf.expandDims(this.gamma.apply(c), 1);
      const b = tf.expandDims(this.beta.apply(c), 1);
      return this.bn.applyAffine(x, g, b);
    });
  }

  /**
   * Eval mode with a fixed code `c` `[1, C]`: the layer is the per-channel affine map `x·scale + shift`.
   * Returns new `[F]` tensors; the caller disposes them.
   */
  evalAffine(c: tf.Tensor): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    return tf.tidy(() => {
      const { scale: s, shift: t } = this.bn.evalAffine();
      const g = tf.reshape(this.gamma.apply(c), [this.fDim]);
      const b = tf.reshape(this.beta.apply(c), [this.fDim]);
      return { scale: tf.mul(g, s) as tf.Tensor1D, shift: tf.add(tf.mul(g, t), b) as tf.Tensor1D };
    });
  }
}
