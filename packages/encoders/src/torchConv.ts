import * as tf from '@tensorflow/tfjs-core';
import { Module, torchUniform, type ParamLayout } from '@onet/nn';
import { conv2dValid } from './conv2dGrad.js';
import { conv3dValid } from './conv3dGrad.js';

/**
 * PyTorch `nn.Conv2d(in, out, k, stride, padding)` on channels-last input `[B, H, W, in]` → `[B, H', W', out]`
 * with PyTorch's symmetric zero padding (tfjs 'same' pads asymmetrically for stride 2, so padding is explicit).
 * Stored as the reference: `weight [out, in, k, k]` (ours `[k, k, in, out]`), optional `bias [out]`.
 * Internal to the image encoder.
 */
export class TorchConv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias?: tf.Variable;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride = 1,
    readonly padding = 0,
    bias = true,
  ) {
    super();
    const k = kernel;
    const ref = [outChannels, inChannels, k, k];
    const layout: ParamLayout = {
      referenceShape: ref,
      toOurs: (t) => tf.transpose(t, [2, 3, 1, 0]),
      toReference: (t) => tf.transpose(t, [3, 2, 0, 1]),
    };
    const fanIn = inChannels * k * k;
    this.weight = this.param('weight', torchUniform([k, k, inChannels, outChannels], fanIn), layout);
    if (bias) this.bias = this.param('bias', torchUniform([outChannels], fanIn));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const input = this.padding ? tf.pad(x, [[0, 0], [this.padding, this.padding], [this.padding, this.padding], [0, 0]]) : x;
      // conv2dValid: trainable on wasm too (no Conv2DBackpropFilter kernel there, see conv2dGrad.ts)
      let y = conv2dValid(input as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride);
      if (this.bias) y = tf.add(y, this.bias);
      return y;
    });
  }
}

/**
 * PyTorch `nn.Conv3d(in, out, k, stride, padding)` on channels-last input `[B, D, H, W, in]` →
 * `[B, D', H', W', out]` with symmetric zero padding. Stored as the reference: `weight [out, in, k, k, k]`
 * (ours `[k, k, k, in, out]`), `bias [out]`. Internal to the voxel encoder.
 */
export class TorchConv3d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride = 1,
    readonly padding = 0,
  ) {
    super();
    const k = kernel;
    const ref = [outChannels, inChannels, k, k, k];
    const layout: ParamLayout = {
      referenceShape: ref,
      toOurs: (t) => tf.transpose(t, [2, 3, 4, 1, 0]),
      toReference: (t) => tf.transpose(t, [4, 3, 0, 1, 2]),
    };
    const fanIn = inChannels * k * k * k;
    this.weight = this.param('weight', torchUniform([k, k, k, inChannels, outChannels], fanIn), layout);
    this.bias = this.param('bias', torchUniform([outChannels], fanIn));
  }

  apply(x: tf.Tensor5D): tf.Tensor5D {
    return tf.tidy(() => {
      const p = this.padding;
      const input = p ? tf.pad(x, [[0, 0], [p, p], [p, p], [p, p], [0, 0]]) : x;
      // conv3dValid: correct gradients on wasm too (its built-in Conv3D backprops are wrong, see conv3dGrad.ts)
      return tf.add(conv3dValid(input as tf.Tensor5D, this.weight as tf.Tensor5D, this.stride), this.bias);
    });
  }
}
