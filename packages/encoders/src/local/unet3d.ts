import * as tf from '@tensorflow/tfjs-core';
import { Module, maxPool2x2x2 } from '@onet/nn';
import { Conv3d, ConvTranspose3d } from './conv.js';

/** Options of {@link UNet3d}. */
export interface UNet3dOptions {
  /** Number of resolution levels (CON grid configs: `num_levels` 3). The grid side must be divisible by 2^(levels−1). */
  levels?: number;
  /** Feature maps at the first level, doubled per level (CON: `f_maps` 32). */
  startFilters?: number;
}

/** Defaults of {@link UNet3dOptions} (CON configs/pointcloud/shapenet_grid32.yaml `unet3d_kwargs`). */
export const UNET3D_DEFAULTS: Required<UNet3dOptions> = { levels: 3, startFilters: 32 };

class DownConv3d extends Module {
  readonly conv1: Conv3d;
  readonly conv2: Conv3d;
  constructor(
    cin: number,
    cout: number,
    readonly pooling: boolean,
  ) {
    super();
    this.conv1 = this.module('conv1', new Conv3d(cin, cout, 3));
    this.conv2 = this.module('conv2', new Conv3d(cout, cout, 3));
  }
  apply(x: tf.Tensor5D): { out: tf.Tensor5D; beforePool: tf.Tensor5D } {
    const h = tf.relu(this.conv1.apply(x)) as tf.Tensor5D;
    const beforePool = tf.relu(this.conv2.apply(h)) as tf.Tensor5D;
    h.dispose();
    const out = this.pooling ? maxPool2x2x2(beforePool) : beforePool;
    return { out, beforePool };
  }
}

class UpConv3d extends Module {
  readonly upconv: ConvTranspose3d;
  readonly conv1: Conv3d;
  readonly conv2: Conv3d;
  constructor(cin: number, cout: number) {
    super();
    this.upconv = this.module('upconv', new ConvTranspose3d(cin, cout));
    this.conv1 = this.module('conv1', new Conv3d(2 * cout, cout, 3));
    this.conv2 = this.module('conv2', new Conv3d(cout, cout, 3));
  }
  apply(fromDown: tf.Tensor5D, fromUp: tf.Tensor5D): tf.Tensor5D {
    return tf.tidy(() => {
      const up = this.upconv.apply(fromUp);
      const x = tf.concat([up, fromDown], 4) as tf.Tensor5D;
      const h = tf.relu(this.conv1.apply(x)) as tf.Tensor5D;
      return tf.relu(this.conv2.apply(h)) as tf.Tensor5D;
    });
  }
}

/**
 * 3D U-Net for the feature grid of Convolutional Occupancy Networks, channels-last `[B, D, H, W, C]` → same shape
 * (in = out = `channels`): per level two 3×3×3 convs + ReLU, 2×2×2 max-pool down, 2×2×2 stride-2 transposed conv up,
 * skip connections by concatenation, final 1×1×1 conv — the 3D twin of {@link UNet2d}.
 *
 * Deviation from the reference (CON: src/encoder/unet3d.py, after pytorch-3dunet): no GroupNorm, transposed-conv
 * instead of nearest upsampling, and the reference's halved first-conv width is not reproduced, so its weights do
 * not import. One level is a plain double 3×3×3 conv at full resolution.
 */
export class UNet3d extends Module {
  readonly downConvs: DownConv3d[] = [];
  readonly upConvs: UpConv3d[] = [];
  readonly convFinal: Conv3d;
  readonly levels: number;
  constructor(
    readonly channels: number,
    options: UNet3dOptions = {},
  ) {
    super();
    const o = { ...UNET3D_DEFAULTS, ...options };
    if (!Number.isInteger(o.levels) || o.levels < 1) throw new RangeError(`UNet3d levels must be a positive integer, got ${o.levels}`);
    this.levels = o.levels;
    let outs = channels;
    for (let i = 0; i < o.levels; i++) {
      const ins = i === 0 ? channels : outs;
      outs = o.startFilters * 2 ** i;
      this.downConvs.push(this.module(`down_convs.${i}`, new DownConv3d(ins, outs, i < o.levels - 1)));
    }
    for (let i = 0; i < o.levels - 1; i++) {
      const ins = outs;
      outs = ins / 2;
      this.upConvs.push(this.module(`up_convs.${i}`, new UpConv3d(ins, outs)));
    }
    this.convFinal = this.module('conv_final', new Conv3d(outs, channels, 1));
  }

  /**
   * `x [B, R, R, R, channels]` → `[B, R, R, R, channels]`.
   * @throws RangeError when R is not divisible by 2^(levels−1).
   */
  apply(x: tf.Tensor5D): tf.Tensor5D {
    const r = x.shape[1];
    if (r % 2 ** (this.levels - 1) !== 0) throw new RangeError(`grid side ${r} must be divisible by 2^(levels−1) = ${2 ** (this.levels - 1)}`);
    return tf.tidy(() => {
      const skips: tf.Tensor5D[] = [];
      let h = x;
      for (const d of this.downConvs) {
        const { out, beforePool } = d.apply(h);
        skips.push(beforePool);
        h = out;
      }
      for (let i = 0; i < this.upConvs.length; i++) h = this.upConvs[i].apply(skips[skips.length - 2 - i], h);
      return this.convFinal.apply(h);
    });
  }
}
