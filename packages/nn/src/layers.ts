import * as tf from '@tensorflow/tfjs-core';
import { Module, type ParamLayout } from './module.js';
import { torchUniform } from './init.js';
import { batchNormTrain, linear, reluSavingOutput, residualAdd } from './fusedOps.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Reference layer type, which decides the stored weight shape: `linear` [out, in] or `conv1d` [out, in, 1]. */
  kind?: 'linear' | 'conv1d';
  /** Initialise the weight to zero (reference: `fc_1.weight` of ResNet blocks, CBN γ/β weights). */
  zeroWeight?: boolean;
  /** Constant bias init instead of PyTorch's uniform one (reference: CBN γ bias 1, β bias 0). */
  biasInit?: number;
}

/** Defaults of {@link LinearOptions} (`biasInit` undefined = PyTorch's uniform init). */
export const LINEAR_DEFAULTS: Required<Omit<LinearOptions, 'biasInit'>> & Pick<LinearOptions, 'biasInit'> = {
  bias: true,
  kind: 'linear',
  zeroWeight: false,
  biasInit: undefined,
};

/**
 * Affine per-point layer y = x·W + b over the last axis: `[..., in]` → `[..., out]`.
 * Our kernel is `[in, out]`; the reference's `nn.Linear` stores `[out, in]` and `nn.Conv1d(k=1)` `[out, in, 1]`.
 */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias?: tf.Variable;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const d = LINEAR_DEFAULTS;
    // `??` per field (not a spread), so an explicit `undefined` still gets the default.
    const o = { bias: options.bias ?? d.bias, kind: options.kind ?? d.kind, zeroWeight: options.zeroWeight ?? d.zeroWeight, biasInit: options.biasInit ?? d.biasInit };
    const kind = o.kind;
    const refShape = kind === 'conv1d' ? [outFeatures, inFeatures, 1] : [outFeatures, inFeatures];
    const layout: ParamLayout = {
      referenceShape: refShape,
      toOurs: (t) => tf.transpose(tf.reshape(t, [outFeatures, inFeatures])),
      toReference: (t) => tf.reshape(tf.transpose(t), refShape),
    };
    const w = o.zeroWeight ? tf.zeros([inFeatures, outFeatures]) : torchUniform([inFeatures, outFeatures], inFeatures);
    this.weight = this.param('weight', w, layout);
    if (o.bias) {
      const b = o.biasInit !== undefined ? tf.fill([outFeatures], o.biasInit) : torchUniform([outFeatures], inFeatures);
      this.bias = this.param('bias', b);
    }
  }

  /** `[..., in]` → `[..., out]`. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => linear(x, this.weight, this.bias ?? null));
  }
}

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /** Learnable per-channel scale and shift (PyTorch `affine`, default true). */
  affine?: boolean;
  /** Running-statistics momentum (PyTorch convention, default 0.1). */
  momentum?: number;
  /** Variance epsilon (default 1e-5). */
  eps?: number;
}

/** Defaults of {@link BatchNormOptions} (PyTorch's). */
export const BATCH_NORM_DEFAULTS: Required<BatchNormOptions> = { affine: true, momentum: 0.1, eps: 1e-5 };

/**
 * Batch normalisation over the LAST axis (channels-last): statistics per channel over every other axis,
 * i.e. over batch AND points for `[B, T, F]` — the reference's BatchNorm1d on `[B, F, T]`.
 * Train mode normalises with the batch's biased variance and updates running stats with the unbiased one;
 * eval mode uses running stats. Keys: `weight`, `bias` (if affine), `running_mean`, `running_var`.
 */
export class BatchNorm extends Module {
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly weight?: tf.Variable;
  readonly bias?: tf.Variable;
  private readonly momentum: number;
  private readonly eps: number;
  constructor(
    readonly features: number,
    options: BatchNormOptions = {},
  ) {
    super();
    const d = BATCH_NORM_DEFAULTS;
    const o = { affine: options.affine ?? d.affine, momentum: options.momentum ?? d.momentum, eps: options.eps ?? d.eps };
    this.momentum = o.momentum;
    this.eps = o.eps;
    if (o.affine) {
      this.weight = this.param('weight', tf.ones([features]));
      this.bias = this.param('bias', tf.zeros([features]));
    }
    this.runningMean = this.buffer('running_mean', tf.zeros([features]));
    this.runningVar = this.buffer('running_var', tf.ones([features]));
  }

  /** Normalise `[..., F]`; in train mode also updates the running statistics (not differentiated). */
  apply(x: tf.Tensor): tf.Tensor {
    return this.normalize(x, this.weight ?? null, this.bias ?? null);
  }

  /**
   * Conditional form: `γ ⊙ BN(x) + β` with `gamma`, `beta` broadcastable to `x` (e.g. `[B, 1, F]` from a code),
   * applied instead of this layer's own affine (use on a layer built with `affine: false`). Train mode is one fused
   * op (see `batchNormTrain`); eval mode uses the running statistics. Updates the running statistics in train mode.
   */
  applyAffine(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
    if (!this.training) return tf.tidy(() => tf.add(tf.mul(gamma, this.normalize(x, null, null)), beta));
    return this.normalize(x, gamma, beta);
  }

  private normalize(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      if (this.training) {
        const n = x.size / this.features;
        const { y, mean, variance } = batchNormTrain(x, gamma, beta, this.eps);
        const unbiased = n > 1 ? n / (n - 1) : 1;
        const mom = this.momentum;
        // Side effect only: these ops do not feed the output, so no gradient flows through them.
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - mom), tf.mul(mean, mom)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - mom), tf.mul(variance, mom * unbiased)));
        tf.dispose([mean, variance]);
        return y;
      }
      let y = tf.mul(tf.sub(x, this.runningMean), tf.rsqrt(tf.add(this.runningVar, this.eps)));
      if (gamma && beta) y = tf.add(tf.mul(y, gamma), beta);
      return y;
    });
  }

  /**
   * Eval-mode BN as a per-channel affine map y = x·scale + shift (for folding into neighbouring linears).
   * Returns new tensors `[F]`; the caller disposes them.
   */
  evalAffine(): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    return tf.tidy(() => {
      let scale = tf.rsqrt(tf.add(this.runningVar, this.eps));
      let shift = tf.neg(tf.mul(this.runningMean, scale));
      if (this.weight && this.bias) {
        scale = tf.mul(scale, this.weight);
        shift = tf.add(tf.mul(shift, this.weight), this.bias);
      }
      return { scale: scale as tf.Tensor1D, shift: shift as tf.Tensor1D };
    });
  }
}

/**
 * Fully connected ResNet block (reference `ResnetBlockFC`, im2mesh/layers.py):
 * `h = fc_0(ReLU(x))`, `dx = fc_1(ReLU(h))`, out = shortcut(x) + dx; shortcut is a bias-free Linear when
 * in ≠ out. `fc_1.weight` starts at zero. Shapes `[..., in]` → `[..., out]`.
 */
export class ResnetBlockFC extends Module {
  readonly fc0: Linear;
  readonly fc1: Linear;
  readonly shortcut?: Linear;
  constructor(sizeIn: number, sizeOut = sizeIn, sizeH = Math.min(sizeIn, sizeOut), kind: 'linear' | 'conv1d' = 'linear') {
    super();
    this.fc0 = this.module('fc_0', new Linear(sizeIn, sizeH, { kind }));
    this.fc1 = this.module('fc_1', new Linear(sizeH, sizeOut, { kind, zeroWeight: true }));
    if (sizeIn !== sizeOut) this.shortcut = this.module('shortcut', new Linear(sizeIn, sizeOut, { kind, bias: false }));
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      // each intermediate is freed once used, so at most three [..., hidden] tensors are alive at a time (on wasm
      // the heap grows to the peak and never shrinks); tfjs keeps what backprop saves
      const once = (t: tf.Tensor, f: (t: tf.Tensor) => tf.Tensor) => {
        const y = f(t);
        t.dispose();
        return y;
      };
      // ReLUs that keep their output (kept by the next linear anyway) and an add that keeps nothing: under a
      // gradient tape the block holds two [..., hidden] activations (the linears' inputs) instead of seven
      const net = once(reluSavingOutput(x), (a) => this.fc0.apply(a));
      const dx = once(once(net, (n) => reluSavingOutput(n)), (a) => this.fc1.apply(a));
      const xs = this.shortcut ? this.shortcut.apply(x) : x;
      return residualAdd(xs, dx);
    });
  }
}
