import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear, NNError } from '@onet/nn';
import { TorchConv2d } from './torchConv.js';
import { checkShape, checkSize } from './validate.js';

/** Options of {@link ConvEncoder}. */
export interface ConvEncoderOptions {
  /** Output code size C. */
  cDim?: number;
  /** Output channels of the stride-2 convolutions, in order (the reference's five: 32, 64, 128, 256, 512). */
  widths?: number[];
}

/** Defaults of {@link ConvEncoderOptions} (the reference's). */
export const CONV_ENCODER_DEFAULTS: Required<ConvEncoderOptions> = { cDim: 128, widths: [32, 64, 128, 256, 512] };

/**
 * Smallest image side {@link ConvEncoder} accepts for `layers` unpadded 3×3 stride-2 convolutions: each layer maps
 * a side n to ⌊(n − 3)/2⌋ + 1, which must stay ≥ 1 (63 px for five layers, 31 for four).
 */
export function convEncoderMinSize(layers: number): number {
  return 2 ** (layers + 1) - 1;
}

/**
 * The reference's simple image encoder (`simple_conv`, `ConvEncoder` in im2mesh/encoder/conv.py): five 3×3
 * stride-2 convolutions without padding or normalisation, 3→32→64→128→256→512, a ReLU before each but the
 * first, the mean over the remaining pixels, then `c = fc_out(ReLU(·))` 512→C. 1,634,240 parameters at C 128
 * (a seventh of {@link Resnet18Encoder}'s) and ≈ 12 M multiply-adds per 64² image (ResNet-18: ≈ 150 M); at 64²
 * the last map is 1×1.
 * `widths` makes it narrower (or shallower: fewer entries accept smaller images).
 *
 * Layout: input NHWC `[B, H, W, 3]` RGB in [0, 1] (no ImageNet normalisation, as in the reference), H and W ≥
 * {@link convEncoderMinSize}(widths.length) (63 for the default). Keys: `conv0..conv4.*` (reference conv weights
 * `[out, in, 3, 3]`, mapped to tfjs `[3, 3, in, out]` on load) and `fc_out.*`.
 * Trains on every backend (its convolutions carry their own gradients; see `conv2dValid`).
 */
export class ConvEncoder extends Module {
  readonly cDim: number;
  readonly convs: TorchConv2d[] = [];
  readonly fcOut: Linear;
  /** Smallest accepted image side. */
  readonly minSize: number;
  constructor(options: ConvEncoderOptions = {}) {
    super();
    const o = { ...CONV_ENCODER_DEFAULTS, ...options };
    checkSize('ConvEncoder', 'cDim', o.cDim);
    if (!Array.isArray(o.widths) || o.widths.length < 1 || o.widths.length > 8) {
      throw new NNError('SHAPE_MISMATCH', `ConvEncoder: widths must list 1 to 8 channel counts, got ${JSON.stringify(o.widths)}`);
    }
    o.widths.forEach((w, i) => checkSize('ConvEncoder', `widths[${i}]`, w));
    this.cDim = o.cDim;
    this.minSize = convEncoderMinSize(o.widths.length);
    let cin = 3;
    o.widths.forEach((w, i) => {
      this.convs.push(this.module(`conv${i}`, new TorchConv2d(cin, w, 3, 2, 0)));
      cin = w;
    });
    this.fcOut = this.module('fc_out', new Linear(cin, o.cDim));
  }

  /**
   * `image` `[B, H, W, 3]` RGB in [0, 1] → code `c` `[B, cDim]` (new tensor).
   * @throws {@link NNError} `SHAPE_MISMATCH` unless the input is NHWC with 3 channels and H, W ≥ {@link ConvEncoder.minSize}.
   */
  apply(image: tf.Tensor): tf.Tensor2D {
    const want = `[B, H, W, 3] (NHWC, RGB in [0, 1], H, W ≥ ${this.minSize})`;
    checkShape('ConvEncoder', 'image', image, [-1, -1, -1, 3], want, 1);
    const [, h, w] = image.shape as number[];
    if (h < this.minSize || w < this.minSize) throw new NNError('SHAPE_MISMATCH', `ConvEncoder: image must be ${want}, got [${image.shape}]; resize it up or use fewer widths`);
    return tf.tidy(() => {
      let net = tf.cast(image, 'float32') as tf.Tensor4D;
      this.convs.forEach((conv, i) => {
        net = conv.apply(i === 0 ? net : (tf.relu(net) as tf.Tensor4D));
      });
      return this.fcOut.apply(tf.relu(tf.mean(net, [1, 2]))) as tf.Tensor2D;
    });
  }
}
