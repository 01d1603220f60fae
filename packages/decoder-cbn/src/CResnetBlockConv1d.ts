import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear } from '@onet/nn';
import { CBatchNorm1d, type CBatchNorm1dOptions } from './CBatchNorm1d.js';

/**
 * Pre-activation residual block with Conditional Batch Norm (reference `CResnetBlockConv1d`,
 * im2mesh/layers.py): `h = fc_0(ReLU(bn_0(x, c)))`, `dx = fc_1(ReLU(bn_1(h, c)))`, `out = shortcut(x) + dx`,
 * where fc_0/fc_1 are per-point linears (1×1 Conv1d in the reference) and `shortcut` is a bias-free linear
 * only when sizeIn ≠ sizeOut. `fc_1.weight` starts at zero.
 *
 * Shapes: `x` `[B, T, sizeIn]`, `c` `[B, C]` → `[B, T, sizeOut]`.
 * Keys: `bn_0.*`, `bn_1.*`, `fc_0.{weight,bias}`, `fc_1.{weight,bias}`, `shortcut.weight`.
 */
export class CResnetBlockConv1d extends Module {
  readonly bn0: CBatchNorm1d;
  readonly bn1: CBatchNorm1d;
  readonly fc0: Linear;
  readonly fc1: Linear;
  readonly shortcut?: Linear;
  constructor(
    readonly cDim: number,
    readonly sizeIn: number,
    readonly sizeH = sizeIn,
    readonly sizeOut = sizeIn,
    options: CBatchNorm1dOptions = {},
  ) {
    super();
    this.bn0 = this.module('bn_0', new CBatchNorm1d(cDim, sizeIn, options));
    this.bn1 = this.module('bn_1', new CBatchNorm1d(cDim, sizeH, options));
    this.fc0 = this.module('fc_0', new Linear(sizeIn, sizeH, { kind: 'conv1d' }));
    this.fc1 = this.module('fc_1', new Linear(sizeH, sizeOut, { kind: 'conv1d', zeroWeight: true }));
    if (sizeIn !== sizeOut) this.shortcut = this.module('shortcut', new Linear(sizeIn, sizeOut, { kind: 'conv1d', bias: false }));
  }

  /** `x` `[B, T, sizeIn]`, `c` `[B, C]` → `[B, T, sizeOut]`. */
  apply(x: tf.Tensor, c: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const net = this.fc0.apply(tf.relu(this.bn0.apply(x, c)));
      const dx = this.fc1.apply(tf.relu(this.bn1.apply(net, c)));
      const xs = this.shortcut ? this.shortcut.apply(x) : x;
      return tf.add(xs, dx);
    });
  }
}
