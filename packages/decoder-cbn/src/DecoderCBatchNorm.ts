import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear } from '@onet/nn';
import { CBatchNorm1d } from './CBatchNorm1d.js';
import { CResnetBlockConv1d } from './CResnetBlockConv1d.js';
import { checkDecoderInputs, checkSize } from './validate.js';
import type { OccupancyDecoder } from './types.js';

/** Options of {@link DecoderCBatchNorm}. */
export interface DecoderCBatchNormOptions {
  /** Point dimension. */
  dim?: number;
  /** Latent code size (0 = no z; the VAE variant adds `fc_z(z)` after `fc_p`). */
  zDim?: number;
  /** Condition code size C (the encoder's output; 256 for images, 512 for point clouds). */
  cDim?: number;
  /** Hidden width H. */
  hidden?: number;
  /** Use the legacy CBN (`fc_gamma`/`fc_beta` Linear keys), as in the paper's `onet_img2mesh-0c7780d1.pt`. */
  legacy?: boolean;
}

/** Defaults of {@link DecoderCBatchNormOptions}. */
export const DECODER_CBATCHNORM_DEFAULTS: Required<DecoderCBatchNormOptions> = { dim: 3, zDim: 0, cDim: 128, hidden: 256, legacy: false };

/** Number of CBN ResNet blocks of {@link DecoderCBatchNorm} (fixed in the reference). */
export const DECODER_CBATCHNORM_BLOCKS = 5;

/**
 * The ONet occupancy decoder with Conditional Batch Norm (paper §3.3 and Fig. 2 of the supplementary;
 * reference `DecoderCBatchNorm`, im2mesh/onet/models/decoder.py, registered as `cbatchnorm`):
 * `net = fc_p(p) [+ fc_z(z)]`, five {@link CResnetBlockConv1d}(C, H), `logits = fc_out(ReLU(bn(net, c)))`.
 * c enters only through the CBNs. Full size (C 512, H 256): 3,548,417 parameters.
 *
 * Keys: `fc_p.*` [H, dim, 1], `fc_z.*` [H, zDim], `block0..4.*`, `bn.*`, `fc_out.*` [1, H, 1].
 *
 * ```ts
 * const decoder = new DecoderCBatchNorm({ cDim: 512 }).eval();
 * const logits = decoder.apply(p, null, c); // p [B, T, 3], c [B, 512] → [B, T]
 * ```
 */
export class DecoderCBatchNorm extends Module implements OccupancyDecoder {
  readonly dim: number;
  readonly zDim: number;
  readonly cDim: number;
  readonly hidden: number;
  readonly legacy: boolean;
  readonly fcP: Linear;
  readonly fcZ?: Linear;
  readonly blocks: CResnetBlockConv1d[] = [];
  readonly bn: CBatchNorm1d;
  readonly fcOut: Linear;
  constructor(options: DecoderCBatchNormOptions = {}) {
    super();
    const o = { ...DECODER_CBATCHNORM_DEFAULTS, ...options };
    checkSize('DecoderCBatchNorm', 'dim', o.dim);
    checkSize('DecoderCBatchNorm', 'zDim', o.zDim, true);
    checkSize('DecoderCBatchNorm', 'cDim', o.cDim);
    checkSize('DecoderCBatchNorm', 'hidden', o.hidden);
    this.dim = o.dim;
    this.zDim = o.zDim;
    this.cDim = o.cDim;
    this.hidden = o.hidden;
    this.legacy = o.legacy;
    this.fcP = this.module('fc_p', new Linear(o.dim, o.hidden, { kind: 'conv1d' }));
    if (o.zDim !== 0) this.fcZ = this.module('fc_z', new Linear(o.zDim, o.hidden));
    for (let i = 0; i < DECODER_CBATCHNORM_BLOCKS; i++) {
      this.blocks.push(this.module(`block${i}`, new CResnetBlockConv1d(o.cDim, o.hidden, o.hidden, o.hidden, { legacy: o.legacy })));
    }
    this.bn = this.module('bn', new CBatchNorm1d(o.cDim, o.hidden, { legacy: o.legacy }));
    this.fcOut = this.module('fc_out', new Linear(o.hidden, 1, { kind: 'conv1d' }));
  }

  /**
   * `p` `[B, T, dim]`, `z` `[B, zDim]` (null when zDim = 0), `c` `[B, cDim]` → logits `[B, T]`.
   * Eval mode uses running statistics, so each point's logit does not depend on the other points.
   * @throws {@link NNError} `SHAPE_MISMATCH` on wrong input shapes.
   */
  apply(p: tf.Tensor, z: tf.Tensor | null, c: tf.Tensor | null): tf.Tensor2D {
    const { batch, points } = checkDecoderInputs('DecoderCBatchNorm', p, z, c, this.dim, this.zDim, this.cDim);
    return tf.tidy(() => {
      let net = this.fcP.apply(p);
      if (this.fcZ && z) net = tf.add(net, tf.expandDims(this.fcZ.apply(z), 1));
      for (const b of this.blocks) net = b.apply(net, c!);
      const out = this.fcOut.apply(tf.relu(this.bn.apply(net, c!)));
      return tf.reshape(out, [batch, points]) as tf.Tensor2D;
    });
  }
}
