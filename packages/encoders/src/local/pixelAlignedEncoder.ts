import * as tf from '@tensorflow/tfjs-core';
import { Module, type LocalFeatures } from '@onet/nn';
import { Conv2d } from './conv.js';
import { UNet2d, type UNet2dOptions } from './unet2d.js';

/** Options of {@link PixelAlignedEncoder}. */
export interface PixelAlignedEncoderOptions {
  /** Feature channels per cell of the image feature map, c_dim. */
  cDim?: number;
  /** Side of the input image in pixels; must be divisible by `downsample · 2^(depth − 1)`. */
  imageSize?: number;
  /** The feature map is `imageSize / downsample` cells wide (2×2 max-pool steps after `conv_in`): 1, 2 or 4. */
  downsample?: 1 | 2 | 4;
  /** U-Net on the feature map, or `false` for none. */
  unet?: UNet2dOptions | false;
}

/** Defaults of {@link PixelAlignedEncoderOptions}: 64² images, a 32² map of 32 channels, a 4-level U-Net of 32 maps. */
export const PIXEL_ALIGNED_ENCODER_DEFAULTS: Required<PixelAlignedEncoderOptions> = { cDim: 32, imageSize: 64, downsample: 2, unet: { depth: 4, startFilters: 32 } };

/**
 * Pixel-aligned image encoder for single-view occupancy (PIFu, Saito et al. ICCV 2019; the local-feature variant
 * of ONet's §4.2 image task, in the style of Convolutional Occupancy Networks): `conv_in` Conv2d 3→C (3×3, padding 1)
 * + ReLU at full resolution, `log2(downsample)` 2×2 max-pools, then a {@link UNet2d} → a feature map
 * `[B, R, R, C]` (R = imageSize / downsample, row 0 at the image's top) that a `LocalDecoder` with an
 * `imageCamera` samples at each query point's projection (`projectToImagePlane`). Each point thus reads the image
 * around where it appears, and its depth comes from the point itself.
 *
 * Input NHWC `[B, S, S, 3]` RGB in [0, 1], row-major from the top-left pixel. Keys: `conv_in.*`, `unet.*`.
 * Trains on every backend (its convolutions carry their own gradients). Not in the reference.
 */
export class PixelAlignedEncoder extends Module {
  readonly options: Required<PixelAlignedEncoderOptions>;
  readonly convIn: Conv2d;
  readonly unet?: UNet2d;
  constructor(options: PixelAlignedEncoderOptions = {}) {
    super();
    const o = { ...PIXEL_ALIGNED_ENCODER_DEFAULTS, ...options };
    if (!Number.isInteger(o.cDim) || o.cDim < 1) throw new RangeError(`cDim must be a positive integer, got ${o.cDim}`);
    if (o.downsample !== 1 && o.downsample !== 2 && o.downsample !== 4) throw new RangeError(`downsample must be 1, 2 or 4, got ${o.downsample}`);
    const depth = o.unet ? (o.unet.depth ?? 4) : 1;
    const step = o.downsample * 2 ** (depth - 1);
    if (!Number.isInteger(o.imageSize) || o.imageSize < 2 * o.downsample || o.imageSize % step !== 0) {
      throw new RangeError(`imageSize must be a positive multiple of downsample · 2^(depth − 1) = ${step} (and at least ${2 * o.downsample}), got ${o.imageSize}`);
    }
    this.options = o;
    this.convIn = this.module('conv_in', new Conv2d(3, o.cDim, 3));
    if (o.unet) this.unet = this.module('unet', new UNet2d(o.cDim, o.unet));
  }

  /** Side of the feature map in cells. */
  get featureSize(): number {
    return this.options.imageSize / this.options.downsample;
  }

  /**
   * `image [B, S, S, 3]` → `{ image: [B, R, R, C] }` (new tensor).
   * @throws RangeError unless the input is `[B, S, S, 3]` with this encoder's S.
   */
  apply(image: tf.Tensor): LocalFeatures {
    const S = this.options.imageSize;
    const s = image.shape;
    if (s.length !== 4 || s[1] !== S || s[2] !== S || s[3] !== 3) throw new RangeError(`images must be [B, ${S}, ${S}, 3], got [${s}]`);
    const map = tf.tidy(() => {
      let h = tf.relu(this.convIn.apply(image as tf.Tensor4D)) as tf.Tensor4D;
      for (let d = this.options.downsample; d > 1; d /= 2) h = tf.maxPool(h, 2, 2, 'valid');
      return this.unet ? this.unet.apply(h) : h;
    });
    return { image: map };
  }
}
