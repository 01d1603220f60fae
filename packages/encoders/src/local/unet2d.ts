import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, ConvTranspose2d } from './conv.js';
import { UNet, type UNetOps } from './unet.js';

/** Options of {@link UNet2d}. */
export interface UNet2dOptions {
  /** Number of resolution levels (CON: `depth`, default 4). The input side must be divisible by 2^(depth−1). */
  depth?: number;
  /** Feature maps at the first level, doubled per level (CON: `start_filts`, default 32). */
  startFilters?: number;
}

/** Defaults of {@link UNet2dOptions} (CON configs/pointcloud/*_3plane.yaml `unet_kwargs`). */
export const UNET2D_DEFAULTS: Required<UNet2dOptions> = { depth: 4, startFilters: 32 };

const OPS_2D: UNetOps<tf.Tensor4D> = {
  conv: (cin, cout, k) => new Conv2d(cin, cout, k),
  upconv: (cin, cout) => new ConvTranspose2d(cin, cout),
  pool: (x) => tf.maxPool(x, 2, 2, 'valid'),
};

/**
 * 2D U-Net of Convolutional Occupancy Networks (CON: src/encoder/unet.py, after jaxony/unet-pytorch), channels-last:
 * `[B, H, W, C]` → `[B, H, W, C]` (in = out = `channels`). Per level two 3×3 convs + ReLU, 2×2 max-pool down,
 * 2×2 stride-2 transposed conv up, skip connections by concatenation, final 1×1 conv. Keys as the reference:
 * `down_convs.{i}.conv1/conv2`, `up_convs.{i}.upconv/conv1/conv2`, `conv_final`.
 */
export class UNet2d extends UNet<tf.Tensor4D> {
  readonly depth: number;
  constructor(channels: number, options: UNet2dOptions = {}) {
    const o = { ...UNET2D_DEFAULTS, ...options };
    super(channels, o.depth, o.startFilters, OPS_2D);
    this.depth = o.depth;
  }
}
