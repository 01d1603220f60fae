import * as tf from '@tensorflow/tfjs-core';
import { maxPool2x2x2 } from '@onet/nn';
import { Conv3d, ConvTranspose3d } from './conv.js';
import { UNet, type UNetOps } from './unet.js';

/** Options of {@link UNet3d}. */
export interface UNet3dOptions {
  /** Number of resolution levels (CON grid configs: `num_levels` 3). The grid side must be divisible by 2^(levels−1). */
  levels?: number;
  /** Feature maps at the first level, doubled per level (CON: `f_maps` 32). */
  startFilters?: number;
}

/** Defaults of {@link UNet3dOptions} (CON configs/pointcloud/shapenet_grid32.yaml `unet3d_kwargs`). */
export const UNET3D_DEFAULTS: Required<UNet3dOptions> = { levels: 3, startFilters: 32 };

const OPS_3D: UNetOps<tf.Tensor5D> = {
  conv: (cin, cout, k) => new Conv3d(cin, cout, k),
  upconv: (cin, cout) => new ConvTranspose3d(cin, cout),
  pool: maxPool2x2x2,
};

/**
 * 3D U-Net for the feature grid of Convolutional Occupancy Networks, channels-last `[B, D, H, W, C]` → same shape
 * (in = out = `channels`): per level two 3×3×3 convs + ReLU, 2×2×2 max-pool down, 2×2×2 stride-2 transposed conv up,
 * skip connections by concatenation, final 1×1×1 conv — the 3D twin of {@link UNet2d}, same key names.
 *
 * Deviation from the reference (CON: src/encoder/unet3d.py, after pytorch-3dunet): no GroupNorm, transposed-conv
 * instead of nearest upsampling, and the reference's halved first-conv width is not reproduced, so its weights do
 * not import. One level is a plain double 3×3×3 conv at full resolution.
 */
export class UNet3d extends UNet<tf.Tensor5D> {
  constructor(channels: number, options: UNet3dOptions = {}) {
    const o = { ...UNET3D_DEFAULTS, ...options };
    super(channels, o.levels, o.startFilters, OPS_3D);
  }
}
