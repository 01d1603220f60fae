import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear } from '@onet/nn';
import { checkShape, checkSize } from './validate.js';
import { concatPooled } from './ResnetPointnet.js';

/** Options of {@link SimplePointnet}. */
export interface SimplePointnetOptions {
  /** Output code size C. */
  cDim?: number;
  /** Point dimension. */
  dim?: number;
  /** Hidden width H. */
  hidden?: number;
}

/** Defaults of {@link SimplePointnetOptions} (the reference's). */
export const SIMPLE_POINTNET_DEFAULTS: Required<SimplePointnetOptions> = { cDim: 128, dim: 3, hidden: 128 };

/**
 * Plain PointNet (reference `SimplePointnet`, im2mesh/encoder/pointnet.py, `pointnet_simple`): `fc_pos` dim→2H,
 * `fc_0` 2H→H, then three times [max-pool, concatenate, `fc_i(ReLU(·))` 2H→H], max-pool, `c = fc_c(ReLU(·))`.
 * Keys (Linear layout): `fc_pos.*`, `fc_0..3.*`, `fc_c.*`.
 */
export class SimplePointnet extends Module {
  readonly cDim: number;
  readonly dim: number;
  readonly hidden: number;
  readonly fcPos: Linear;
  readonly fcs: Linear[] = [];
  readonly fcC: Linear;
  constructor(options: SimplePointnetOptions = {}) {
    super();
    const o = { ...SIMPLE_POINTNET_DEFAULTS, ...options };
    for (const k of ['cDim', 'dim', 'hidden'] as const) checkSize('SimplePointnet', k, o[k]);
    this.cDim = o.cDim;
    this.dim = o.dim;
    this.hidden = o.hidden;
    this.fcPos = this.module('fc_pos', new Linear(o.dim, 2 * o.hidden));
    for (let i = 0; i < 4; i++) this.fcs.push(this.module(`fc_${i}`, new Linear(2 * o.hidden, o.hidden)));
    this.fcC = this.module('fc_c', new Linear(o.hidden, o.cDim));
  }

  /**
   * `points` `[B, N, dim]` (N ≥ 1) → code `c` `[B, cDim]` (new tensor).
   * @throws {@link NNError} `SHAPE_MISMATCH` on a wrong shape or N = 0.
   */
  apply(points: tf.Tensor): tf.Tensor2D {
    checkShape('SimplePointnet', 'points', points, [-1, -1, this.dim], `[B, N, ${this.dim}] with N ≥ 1`);
    return tf.tidy(() => {
      let net = this.fcs[0].apply(tf.relu(this.fcPos.apply(points)));
      for (let i = 1; i < 4; i++) net = this.fcs[i].apply(tf.relu(concatPooled(net)));
      return this.fcC.apply(tf.relu(tf.max(net, 1))) as tf.Tensor2D;
    });
  }
}
