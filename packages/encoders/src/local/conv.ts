import * as tf from '@tensorflow/tfjs-core';
import { Module, torchUniform, conv3x3, convTranspose2x2, conv3x3x3, convTranspose2x2x2, type ParamLayout } from '@onet/nn';

/**
 * Xavier-normal-variance init (CON's UNet `reset_params` uses `xavier_normal_`); drawn uniform with the same
 * variance (bound = std·√3) so it goes through onet's seeded initialiser.
 */
function xavier(shape: number[], fanIn: number, fanOut: number): tf.Tensor {
  const std = Math.sqrt(2 / (fanIn + fanOut));
  const bound = std * Math.sqrt(3);
  return torchUniform(shape, 1 / (bound * bound));
}

/** 1×1 convolution of a channels-last tensor `[..., Cin]` with `weight [Cin, Cout]` + `bias [Cout]` → `[..., Cout]`. */
function pointwise<T extends tf.Tensor>(x: T, weight: tf.Tensor, bias: tf.Tensor): T {
  return tf.tidy(() => {
    const cin = x.shape[x.rank - 1];
    const cout = weight.shape[1] as number;
    const y = tf.add(tf.matMul(tf.reshape(x, [-1, cin]), weight), bias);
    return tf.reshape(y, [...x.shape.slice(0, -1), cout]) as T;
  });
}

/**
 * 2D convolution, kernel 3 ('same', padding 1) or 1, stride 1, channels-last `[B, H, W, Cin]` → `[B, H, W, Cout]`.
 * Stored like PyTorch's `nn.Conv2d`: `weight [Cout, Cin, k, k]`, `bias [Cout]`; ours is the im2col kernel
 * `[k·k·Cin, Cout]`. Trains on wasm (no Conv2DBackpropFilter needed).
 */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: 1 | 3 = 3,
  ) {
    super();
    const k = kernelSize;
    const refShape = [outChannels, inChannels, k, k];
    const layout: ParamLayout = {
      referenceShape: refShape,
      toOurs: (t) => tf.reshape(tf.transpose(tf.reshape(t, refShape), [2, 3, 1, 0]), [k * k * inChannels, outChannels]),
      toReference: (t) => tf.transpose(tf.reshape(t, [k, k, inChannels, outChannels]), [3, 2, 0, 1]),
    };
    this.weight = this.param('weight', xavier([k * k * inChannels, outChannels], inChannels * k * k, outChannels * k * k), layout);
    this.bias = this.param('bias', tf.zeros([outChannels]));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    if (this.kernelSize === 3) return conv3x3(x, this.weight, this.bias);
    return pointwise(x, this.weight, this.bias);
  }
}

/**
 * 2×2 stride-2 transposed convolution (PyTorch `nn.ConvTranspose2d(in, out, 2, stride=2)`), channels-last
 * `[B, H, W, Cin]` → `[B, 2H, 2W, Cout]`. Stored `weight [Cin, Cout, 2, 2]`, `bias [Cout]`.
 */
export class ConvTranspose2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
  ) {
    super();
    const refShape = [inChannels, outChannels, 2, 2];
    const layout: ParamLayout = {
      referenceShape: refShape,
      toOurs: (t) => tf.reshape(tf.transpose(tf.reshape(t, refShape), [0, 2, 3, 1]), [inChannels, 4 * outChannels]),
      toReference: (t) => tf.transpose(tf.reshape(t, [inChannels, 2, 2, outChannels]), [0, 3, 1, 2]),
    };
    this.weight = this.param('weight', xavier([inChannels, 4 * outChannels], outChannels * 4, inChannels * 4), layout);
    this.bias = this.param('bias', tf.zeros([outChannels]));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return convTranspose2x2(x, this.weight, this.bias);
  }
}

/**
 * 3D convolution, kernel 3 ('same', padding 1) or 1, stride 1, channels-last `[B, D, H, W, Cin]` → `[B, D, H, W, Cout]`
 * (axes z, y, x). Stored like PyTorch's `nn.Conv3d`: `weight [Cout, Cin, k, k, k]`, `bias [Cout]`; ours is the
 * kernel `[9·Cin, 3·Cout]` of {@link conv3x3x3} (k = 3) or `[Cin, Cout]` (k = 1). Trains on wasm.
 */
export class Conv3d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: 1 | 3 = 3,
  ) {
    super();
    const k = kernelSize;
    const ci = inChannels;
    const co = outChannels;
    const refShape = [co, ci, k, k, k];
    const layout: ParamLayout =
      k === 3
        ? {
            referenceShape: refShape,
            // [co, ci, kz, ky, kx] → [ky, kx, ci, kz, co]
            toOurs: (t) => tf.reshape(tf.transpose(tf.reshape(t, refShape), [3, 4, 1, 2, 0]), [9 * ci, 3 * co]),
            toReference: (t) => tf.transpose(tf.reshape(t, [3, 3, ci, 3, co]), [4, 2, 3, 0, 1]),
          }
        : {
            referenceShape: refShape,
            toOurs: (t) => tf.transpose(tf.reshape(t, [co, ci]), [1, 0]),
            toReference: (t) => tf.reshape(tf.transpose(t, [1, 0]), refShape),
          };
    const fan = k * k * k;
    this.weight = this.param('weight', xavier(k === 3 ? [9 * ci, 3 * co] : [ci, co], ci * fan, co * fan), layout);
    this.bias = this.param('bias', tf.zeros([co]));
  }

  apply(x: tf.Tensor5D): tf.Tensor5D {
    if (this.kernelSize === 3) return conv3x3x3(x, this.weight, this.bias);
    return pointwise(x, this.weight, this.bias);
  }
}

/**
 * 2×2×2 stride-2 transposed 3D convolution (PyTorch `nn.ConvTranspose3d(in, out, 2, stride=2)`), channels-last
 * `[B, D, H, W, Cin]` → `[B, 2D, 2H, 2W, Cout]`. Stored `weight [Cin, Cout, 2, 2, 2]`, `bias [Cout]`.
 */
export class ConvTranspose3d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
  ) {
    super();
    const refShape = [inChannels, outChannels, 2, 2, 2];
    const layout: ParamLayout = {
      referenceShape: refShape,
      toOurs: (t) => tf.reshape(tf.transpose(tf.reshape(t, refShape), [0, 2, 3, 4, 1]), [inChannels, 8 * outChannels]),
      toReference: (t) => tf.transpose(tf.reshape(t, [inChannels, 2, 2, 2, outChannels]), [0, 4, 1, 2, 3]),
    };
    this.weight = this.param('weight', xavier([inChannels, 8 * outChannels], outChannels * 8, inChannels * 8), layout);
    this.bias = this.param('bias', tf.zeros([outChannels]));
  }

  apply(x: tf.Tensor5D): tf.Tensor5D {
    return convTranspose2x2x2(x, this.weight, this.bias);
  }
}
