import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@onet/nn';
import { Conv2d, ConvTranspose2d } from './conv.js';

/** Options of {@link UNet2d}. */
export interface UNet2dOptions {
  /** Number of resolution levels (CON: `depth`, default 4). The input side must be divisible by 2^(depth−1). */
  depth?: number;
  /** Feature maps at the first level, doubled per level (CON: `start_filts`, default 32). */
  startFilters?: number;
}

/** Defaults of {@link UNet2dOptions} (CON configs/pointcloud/*_3plane.yaml `unet_kwargs`). */
export const UNET2D_DEFAULTS: Required<UNet2dOptions> = { depth: 4, startFilters: 32 };

class DownConv extends Module {
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  constructor(
    cin: number,
    cout: number,
    readonly pooling: boolean,
  ) {
    super();
    this.conv1 = this.module('conv1', new Conv2d(cin, cout, 3));
    this.conv2 = this.module('conv2', new Conv2d(cout, cout, 3));
  }
  apply(x: tf.Tensor4D): { out: tf.Tensor4D; beforePool: tf.Tensor4D } {
    const h = tf.relu(this.conv1.apply(x)) as tf.Tensor4D;
    const beforePool = tf.relu(this.conv2.apply(h)) as tf.Tensor4D;
    h.dispose();
    const out = this.pooling ? tf.maxPool(beforePool, 2, 2, 'valid') : beforePool;
    return { out, beforePool };
  }
}

class UpConv extends Module {
  readonly upconv: ConvTranspose2d;
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  constructor(cin: number, cout: number) {
    super();
    this.upconv = this.module('upconv', new ConvTranspose2d(cin, cout));
    this.conv1 = this.module('conv1', new Conv2d(2 * cout, cout, 3));
    this.conv2 = this.module('conv2', new Conv2d(cout, cout, 3));
  }
  apply(fromDown: tf.Tensor4D, fromUp: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const up = this.upconv.apply(fromUp);
      const x = tf.concat([up, fromDown], 3) as tf.Tensor4D;
      const h = tf.relu(this.conv1.apply(x)) as tf.Tensor4D;
      return tf.relu(this.conv2.apply(h)) as tf.Tensor4D;
    });
  }
}

/**
 * 2D U-Net of Convolutional Occupancy Networks (CON: src/encoder/unet.py, after jaxony/unet-pytorch), channels-last:
 * `[B, H, W, C]` → `[B, H, W, C]` (in = out = `channels`). Per level two 3×3 convs + ReLU, 2×2 max-pool down,
 * 2×2 stride-2 transposed conv up, skip connections by concatenation, final 1×1 conv. Keys as the reference:
 * `down_convs.{i}.conv1/conv2`, `up_convs.{i}.upconv/conv1/conv2`, `conv_final`.
 */
export class UNet2d extends Module {
  readonly downConvs: DownConv[] = [];
  readonly upConvs: UpConv[] = [];
  readonly convFinal: Conv2d;
  readonly depth: number;
  constructor(
    readonly channels: number,
    options: UNet2dOptions = {},
  ) {
    super();
    const o = { ...UNET2D_DEFAULTS, ...options };
    this.depth = o.depth;
    let outs = channels;
    for (let i = 0; i < o.depth; i++) {
      const ins = i === 0 ? channels : outs;
      outs = o.startFilters * 2 ** i;
      this.downConvs.push(this.module(`down_convs.${i}`, new DownConv(ins, outs, i < o.depth - 1)));
    }
    for (let i = 0; i < o.depth - 1; i++) {
      const ins = outs;
      outs = ins / 2;
      this.upConvs.push(this.module(`up_convs.${i}`, new UpConv(ins, outs)));
    }
    this.convFinal = this.module('conv_final', new Conv2d(outs, channels, 1));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const skips: tf.Tensor4D[] = [];
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
