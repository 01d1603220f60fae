import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear } from '@onet/nn';
import { checkShape, checkSize } from './validate.js';
import { concatPooled } from './ResnetPointnet.js';

/** Options of {@link LatentEncoder}. */
export interface LatentEncoderOptions {
  /** Point dimension. */
  dim?: number;
  /** Latent size z_dim (the unconditional configs use 128). */
  zDim?: number;
  /** Condition code size (0 = unconditional, no `fc_c`). */
  cDim?: number;
  /** Leaky ReLU (slope 0.2) instead of ReLU (unused by every reference config). */
  leaky?: boolean;
}

/** Defaults of {@link LatentEncoderOptions} (the reference's). */
export const LATENT_ENCODER_DEFAULTS: Required<LatentEncoderOptions> = { dim: 3, zDim: 128, cDim: 128, leaky: false };

/** Output of {@link LatentEncoder.apply}: q(z | p, occ, c) = Normal(mean, exp(logstd)). */
export interface LatentDistribution {
  /** `[B, zDim]` mean μ. */
  mean: tf.Tensor2D;
  /** `[B, zDim]` log σ (natural log of the standard deviation). */
  logstd: tf.Tensor2D;
}

/**
 * The VAE's approximate posterior q(z | p, occ[, c]) (ONet paper §3.4 / supplementary; reference
 * `encoder_latent.Encoder`, im2mesh/onet/models/encoder_latent.py, `simple`):
 * `net = fc_0(occ) + fc_pos(p) [+ fc_c(c)]` (128 wide), `fc_1(ReLU)`, twice [max-pool, concatenate,
 * `fc_i(ReLU)` 256→128], max-pool, heads `fc_mean`, `fc_logstd` (128→zDim). 116,096 parameters at zDim 128, cDim 0.
 *
 * Keys (Linear layout): `fc_pos.*`, `fc_c.*`, `fc_0.*` [128, 1], `fc_1..3.*`, `fc_mean.*`, `fc_logstd.*`.
 */
export class LatentEncoder extends Module {
  readonly dim: number;
  readonly zDim: number;
  readonly cDim: number;
  readonly leaky: boolean;
  readonly fcPos: Linear;
  readonly fcC?: Linear;
  readonly fc0: Linear;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly fc3: Linear;
  readonly fcMean: Linear;
  readonly fcLogstd: Linear;
  constructor(options: LatentEncoderOptions = {}) {
    super();
    const o = { ...LATENT_ENCODER_DEFAULTS, ...options };
    checkSize('LatentEncoder', 'dim', o.dim);
    checkSize('LatentEncoder', 'zDim', o.zDim);
    checkSize('LatentEncoder', 'cDim', o.cDim, true);
    this.dim = o.dim;
    this.zDim = o.zDim;
    this.cDim = o.cDim;
    this.leaky = o.leaky;
    this.fcPos = this.module('fc_pos', new Linear(o.dim, 128));
    if (o.cDim !== 0) this.fcC = this.module('fc_c', new Linear(o.cDim, 128));
    this.fc0 = this.module('fc_0', new Linear(1, 128));
    this.fc1 = this.module('fc_1', new Linear(128, 128));
    this.fc2 = this.module('fc_2', new Linear(256, 128));
    this.fc3 = this.module('fc_3', new Linear(256, 128));
    this.fcMean = this.module('fc_mean', new Linear(128, o.zDim));
    this.fcLogstd = this.module('fc_logstd', new Linear(128, o.zDim));
  }

  private act(x: tf.Tensor): tf.Tensor {
    return this.leaky ? tf.leakyRelu(x, 0.2) : tf.relu(x);
  }

  /**
   * `p` `[B, T, dim]`, `occupancy` `[B, T]` (0/1 targets), `c` `[B, cDim]` (null when cDim = 0) →
   * `{ mean, logstd }` each `[B, zDim]` (new tensors).
   * @throws {@link NNError} `SHAPE_MISMATCH` on wrong shapes.
   */
  apply(p: tf.Tensor, occupancy: tf.Tensor, c: tf.Tensor | null = null): LatentDistribution {
    checkShape('LatentEncoder', 'p', p, [-1, -1, this.dim], `[B, T, ${this.dim}] with T ≥ 1`);
    const [b, t] = p.shape;
    checkShape('LatentEncoder', 'occupancy', occupancy, [b, t], `[${b}, ${t}]`);
    if (this.cDim) checkShape('LatentEncoder', 'c', c, [b, this.cDim], `[${b}, ${this.cDim}]`);
    return tf.tidy(() => {
      let net = tf.add(this.fc0.apply(tf.expandDims(tf.cast(occupancy, 'float32'), 2)), this.fcPos.apply(p));
      if (this.fcC && c) net = tf.add(net, tf.expandDims(this.fcC.apply(c), 1));
      net = this.fc1.apply(this.act(net));
      net = this.fc2.apply(this.act(concatPooled(net)));
      net = this.fc3.apply(this.act(concatPooled(net)));
      const pooled = tf.max(net, 1);
      return { mean: this.fcMean.apply(pooled) as tf.Tensor2D, logstd: this.fcLogstd.apply(pooled) as tf.Tensor2D };
    });
  }
}
