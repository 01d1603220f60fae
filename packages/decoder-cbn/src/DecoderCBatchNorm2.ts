import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear } from '@onet/nn';
import { CBatchNorm1d } from './CBatchNorm1d.js';
import { CResnetBlockConv1d } from './CResnetBlockConv1d.js';
import { checkDecoderInputs, checkSize } from './validate.js';
import type { OccupancyDecoder } from './types.js';

/** Options of {@link DecoderCBatchNorm2}. */
export interface DecoderCBatchNorm2Options {
  /** Point dimension. */
  dim?: number;
  /** Latent code size (0 = no z); z is mapped to C and added to c. */
  zDim?: number;
  /** Condition code size C. */
  cDim?: number;
  /** Hidden width H. */
  hidden?: number;
  /** Number of CBN ResNet blocks. */
  nBlocks?: number;
}

/** Defaults of {@link DecoderCBatchNorm2Options}. */
export const DECODER_CBATCHNORM2_DEFAULTS: Required<DecoderCBatchNorm2Options> = { dim: 3, zDim: 0, cDim: 128, hidden: 256, nBlocks: 5 };

/**
 * Variant of the CBN decoder (reference `DecoderCBatchNorm2`, im2mesh/onet/models/decoder.py, `cbatchnorm2`):
 * `c ← c + fc_z(z)` drives every CBN; `net = conv_p(p)`, nBlocks {@link CResnetBlockConv1d}(C, H),
 * `logits = conv_out(ReLU(bn(net, c)))`.
 *
 * Keys: `fc_z.*` [C, zDim], `conv_p.*` [H, dim, 1], `blocks.<i>.*`, `bn.*`, `conv_out.*` [1, H, 1].
 */
export class DecoderCBatchNorm2 extends Module implements OccupancyDecoder {
  readonly dim: number;
  readonly zDim: number;
  readonly cDim: number;
  readonly hidden: number;
  readonly fcZ?: Linear;
  readonly convP: Linear;
  readonly blocks: CResnetBlockConv1d[] = [];
  readonly bn: CBatchNorm1d;
  readonly convOut: Linear;
  constructor(options: DecoderCBatchNorm2Options = {}) {
    super();
    const o = { ...DECODER_CBATCHNORM2_DEFAULTS, ...options };
    checkSize('DecoderCBatchNorm2', 'dim', o.dim);
    checkSize('DecoderCBatchNorm2', 'zDim', o.zDim, true);
    checkSize('DecoderCBatchNorm2', 'cDim', o.cDim);
    checkSize('DecoderCBatchNorm2', 'hidden', o.hidden);
    checkSize('DecoderCBatchNorm2', 'nBlocks', o.nBlocks, true);
    this.dim = o.dim;
    this.zDim = o.zDim;
    this.cDim = o.cDim;
    this.hidden = o.hidden;
    if (o.zDim !== 0) this.fcZ = this.module('fc_z', new Linear(o.zDim, o.cDim));
    this.convP = this.module('conv_p', new Linear(o.dim, o.hidden, { kind: 'conv1d' }));
    const list = new BlockList();
    this.module('blocks', list);
    for (let i = 0; i < o.nBlocks; i++) this.blocks.push(list.addChild(String(i), new CResnetBlockConv1d(o.cDim, o.hidden)));
    this.bn = this.module('bn', new CBatchNorm1d(o.cDim, o.hidden));
    this.convOut = this.module('conv_out', new Linear(o.hidden, 1, { kind: 'conv1d' }));
  }

  /** The code that drives the CBNs: `c + fc_z(z)` `[B, C]` (or c itself when zDim = 0). New tensor. */
  effectiveCode(z: tf.Tensor | null, c: tf.Tensor): tf.Tensor {
    return tf.tidy(() => (this.fcZ && z ? tf.add(c, this.fcZ.apply(z)) : tf.clone(c)));
  }

  /**
   * `p` `[B, T, dim]`, `z` `[B, zDim]` (null when zDim = 0), `c` `[B, cDim]` → logits `[B, T]`.
   * @throws {@link NNError} `SHAPE_MISMATCH` on wrong input shapes.
   */
  apply(p: tf.Tensor, z: tf.Tensor | null, c: tf.Tensor | null): tf.Tensor2D {
    const { batch, points } = checkDecoderInputs('DecoderCBatchNorm2', p, z, c, this.dim, this.zDim, this.cDim);
    return tf.tidy(() => {
      const code = this.effectiveCode(z, c!);
      let net = this.convP.apply(p);
      for (const b of this.blocks) net = b.apply(net, code);
      const out = this.convOut.apply(tf.relu(this.bn.apply(net, code)));
      return tf.reshape(out, [batch, points]) as tf.Tensor2D;
    });
  }
}

/** A `nn.ModuleList` stand-in: children named `0`, `1`, … */
class BlockList extends Module {
  addChild<M extends Module>(name: string, m: M): M {
    return this.module(name, m);
  }
}
