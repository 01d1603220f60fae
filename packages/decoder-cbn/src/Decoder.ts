import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear, ResnetBlockFC, NNError } from '@onet/nn';
import { checkDecoderInputs, checkSize } from './validate.js';
import type { OccupancyDecoder } from './types.js';

/** Options of {@link Decoder}. */
export interface DecoderOptions {
  /** Point dimension. */
  dim?: number;
  /** Latent code size (0 = no z). */
  zDim?: number;
  /** Condition code size (0 = unconditional). */
  cDim?: number;
  /** Hidden width H. */
  hidden?: number;
  /** Leaky ReLU (slope 0.2) before fc_out instead of ReLU (unused by every reference config). */
  leaky?: boolean;
  /**
   * Octaves L of Fourier features of p (0 = off, the reference): fc_p sees `[p, sin(2ᵏπp), cos(2ᵏπp)]`, k = 0 … L − 1,
   * `dim·(1 + 2L)` inputs (Tancik et al. 2020, "Fourier Features Let Networks Learn High Frequency Functions"; NeRF's
   * positional encoding). With p in the unit cube, L 6 resolves features down to ~1/32 of its side.
   */
  fourierFeatures?: number;
}

/** Defaults of {@link DecoderOptions} (the reference's). */
export const DECODER_DEFAULTS: Required<DecoderOptions> = { dim: 3, zDim: 128, cDim: 128, hidden: 128, leaky: false, fourierFeatures: 0 };

/** Number of ResNet blocks of {@link Decoder} (fixed in the reference). */
export const DECODER_BLOCKS = 5;

/**
 * The plain occupancy decoder (reference `Decoder`, im2mesh/onet/models/decoder.py, `simple`), used by the
 * unconditional / VAE configs: `net = fc_p(p) [+ fc_z(z)] [+ fc_c(c)]` (z and c added once, at the input),
 * five `ResnetBlockFC(H)`, `logits = fc_out(ReLU(net))`. No normalisation, so train and eval agree.
 * With zDim 128, cDim 0, H 128: 182,273 parameters.
 *
 * `fourierFeatures` L > 0 (not in the reference) first maps p to `[p, sin(2ᵏπp), cos(2ᵏπp)]`, k < L.
 *
 * Keys (Linear layout [out, in]): `fc_p.*`, `fc_z.*`, `fc_c.*`, `block0..4.fc_{0,1}.*`, `fc_out.*`.
 */
export class Decoder extends Module implements OccupancyDecoder {
  readonly dim: number;
  readonly zDim: number;
  readonly cDim: number;
  readonly hidden: number;
  readonly leaky: boolean;
  readonly fourierFeatures: number;
  readonly fcP: Linear;
  readonly fcZ?: Linear;
  readonly fcC?: Linear;
  readonly blocks: ResnetBlockFC[] = [];
  readonly fcOut: Linear;
  constructor(options: DecoderOptions = {}) {
    super();
    const o = { ...DECODER_DEFAULTS, ...options };
    checkSize('Decoder', 'dim', o.dim);
    checkSize('Decoder', 'zDim', o.zDim, true);
    checkSize('Decoder', 'cDim', o.cDim, true);
    checkSize('Decoder', 'hidden', o.hidden);
    if (!Number.isInteger(o.fourierFeatures) || o.fourierFeatures < 0 || o.fourierFeatures > 20) {
      throw new NNError('SHAPE_MISMATCH', `Decoder: fourierFeatures must be an integer in [0, 20], got ${o.fourierFeatures}`);
    }
    this.dim = o.dim;
    this.zDim = o.zDim;
    this.cDim = o.cDim;
    this.hidden = o.hidden;
    this.leaky = o.leaky;
    this.fourierFeatures = o.fourierFeatures;
    this.fcP = this.module('fc_p', new Linear(o.dim * (1 + 2 * o.fourierFeatures), o.hidden));
    if (o.zDim !== 0) this.fcZ = this.module('fc_z', new Linear(o.zDim, o.hidden));
    if (o.cDim !== 0) this.fcC = this.module('fc_c', new Linear(o.cDim, o.hidden));
    for (let i = 0; i < DECODER_BLOCKS; i++) this.blocks.push(this.module(`block${i}`, new ResnetBlockFC(o.hidden)));
    this.fcOut = this.module('fc_out', new Linear(o.hidden, 1));
  }

  /**
   * `p` `[B, T, dim]`, `z` `[B, zDim]` (null when zDim = 0), `c` `[B, cDim]` (null when cDim = 0) → logits `[B, T]`.
   * @throws {@link NNError} `SHAPE_MISMATCH` on wrong input shapes.
   */
  apply(p: tf.Tensor, z: tf.Tensor | null, c: tf.Tensor | null = null): tf.Tensor2D {
    const { batch, points } = checkDecoderInputs('Decoder', p, z, c, this.dim, this.zDim, this.cDim);
    return tf.tidy(() => {
      let net = this.fcP.apply(this.fourierFeatures > 0 ? fourierFeatures(p, this.fourierFeatures) : p);
      if (this.fcZ && z) net = tf.add(net, tf.expandDims(this.fcZ.apply(z), 1));
      if (this.fcC && c) net = tf.add(net, tf.expandDims(this.fcC.apply(c), 1));
      for (const b of this.blocks) net = b.apply(net);
      const act = this.leaky ? tf.leakyRelu(net, 0.2) : tf.relu(net);
      return tf.reshape(this.fcOut.apply(act), [batch, points]) as tf.Tensor2D;
    });
  }
}

/**
 * `p [..., D]` → `[..., D·(1 + 2L)]`: `[p, sin(πp), cos(πp), sin(2πp), cos(2πp), …, sin(2^(L−1)πp), cos(2^(L−1)πp)]`
 * (each block D wide). Differentiable. The order is part of a trained `fc_p`'s weights.
 */
export function fourierFeatures(p: tf.Tensor, octaves: number): tf.Tensor {
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [p];
    for (let k = 0; k < octaves; k++) {
      const a = tf.mul(p, Math.PI * 2 ** k);
      parts.push(tf.sin(a), tf.cos(a));
    }
    return tf.concat(parts, -1);
  });
}
