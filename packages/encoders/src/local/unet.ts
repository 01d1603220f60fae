import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@onet/nn';

/** A layer of a {@link UNet}: a module with a channels-last `apply`. */
export interface UNetLayer<T extends tf.Tensor> extends Module {
  apply(x: T): T;
}

/** The dimension-specific pieces of a {@link UNet}: convolutions, transposed convolution and 2× max-pooling. */
export interface UNetOps<T extends tf.Tensor> {
  /** `k`-sized 'same' convolution (k = 3) or per-cell linear map (k = 1). */
  conv(cin: number, cout: number, k: 1 | 3): UNetLayer<T>;
  /** 2× stride-2 transposed convolution. */
  upconv(cin: number, cout: number): UNetLayer<T>;
  /** 2× max-pooling, stride 2. */
  pool(x: T): T;
}

/**
 * Concatenate along the last (channel) axis through a rank-2 view: tfjs-webgpu's concat kernel fails to compile
 * its shader for rank-5 tensors.
 */
function concatChannels<T extends tf.Tensor>(a: T, b: T): T {
  return tf.tidy(() => {
    const ca = a.shape[a.rank - 1];
    const cb = b.shape[b.rank - 1];
    const both = tf.concat([tf.reshape(a, [-1, ca]), tf.reshape(b, [-1, cb])], 1);
    return tf.reshape(both, [...a.shape.slice(0, -1), ca + cb]) as T;
  });
}

class DownConv<T extends tf.Tensor> extends Module {
  readonly conv1: UNetLayer<T>;
  readonly conv2: UNetLayer<T>;
  constructor(
    ops: UNetOps<T>,
    cin: number,
    cout: number,
    private readonly pool: ((x: T) => T) | null,
  ) {
    super();
    this.conv1 = this.module('conv1', ops.conv(cin, cout, 3));
    this.conv2 = this.module('conv2', ops.conv(cout, cout, 3));
  }
  apply(x: T): { out: T; beforePool: T } {
    const beforePool = tf.tidy(() => tf.relu(this.conv2.apply(tf.relu(this.conv1.apply(x)) as T)) as T);
    return { out: this.pool ? this.pool(beforePool) : beforePool, beforePool };
  }
}

class UpConv<T extends tf.Tensor> extends Module {
  readonly upconv: UNetLayer<T>;
  readonly conv1: UNetLayer<T>;
  readonly conv2: UNetLayer<T>;
  constructor(ops: UNetOps<T>, cin: number, cout: number) {
    super();
    this.upconv = this.module('upconv', ops.upconv(cin, cout));
    this.conv1 = this.module('conv1', ops.conv(2 * cout, cout, 3));
    this.conv2 = this.module('conv2', ops.conv(cout, cout, 3));
  }
  apply(fromDown: T, fromUp: T): T {
    return tf.tidy(() => {
      const up = this.upconv.apply(fromUp);
      const x = concatChannels(up, fromDown);
      const h = tf.relu(this.conv1.apply(x)) as T;
      return tf.relu(this.conv2.apply(h)) as T;
    });
  }
}

/**
 * U-Net of Convolutional Occupancy Networks (CON: src/encoder/unet.py, after jaxony/unet-pytorch), channels-last,
 * for any dimension given its {@link UNetOps}: per level two 3×3 convs + ReLU, 2× max-pool down, 2× stride-2
 * transposed conv up, skip connections by concatenation, final 1×1 conv; in = out = `channels`. Keys as the
 * reference: `down_convs.{i}.conv1/conv2`, `up_convs.{i}.upconv/conv1/conv2`, `conv_final`.
 */
export class UNet<T extends tf.Tensor> extends Module {
  readonly downConvs: DownConv<T>[] = [];
  readonly upConvs: UpConv<T>[] = [];
  readonly convFinal: UNetLayer<T>;
  constructor(
    readonly channels: number,
    /** Number of resolution levels; sides must be divisible by 2^(levels−1). */
    readonly levels: number,
    startFilters: number,
    ops: UNetOps<T>,
  ) {
    super();
    if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`U-Net levels must be a positive integer, got ${levels}`);
    let outs = channels;
    for (let i = 0; i < levels; i++) {
      const ins = i === 0 ? channels : outs;
      outs = startFilters * 2 ** i;
      this.downConvs.push(this.module(`down_convs.${i}`, new DownConv(ops, ins, outs, i < levels - 1 ? ops.pool : null)));
    }
    for (let i = 0; i < levels - 1; i++) {
      const ins = outs;
      outs = ins / 2;
      this.upConvs.push(this.module(`up_convs.${i}`, new UpConv(ops, ins, outs)));
    }
    this.convFinal = this.module('conv_final', ops.conv(outs, channels, 1));
  }

  /**
   * `x [B, ...sides, channels]` → same shape.
   * @throws RangeError when a side is not divisible by 2^(levels−1).
   */
  apply(x: T): T {
    const f = 2 ** (this.levels - 1);
    for (const side of x.shape.slice(1, -1)) {
      if (side % f !== 0) throw new RangeError(`U-Net input sides [${x.shape.slice(1, -1)}] must be divisible by 2^(levels−1) = ${f}`);
    }
    return tf.tidy(() => {
      const skips: T[] = [];
      let h = x;
      for (const d of this.downConvs) {
        const { out, beforePool } = d.apply(h);
        if (h !== x) h.dispose(); // the pooled input of this level, done with
        skips.push(beforePool);
        h = out;
      }
      for (let i = 0; i < this.upConvs.length; i++) {
        const skip = skips[skips.length - 2 - i];
        const next = this.upConvs[i].apply(skip, h);
        h.dispose(); // the level below, done with (freed early: the wasm heap never shrinks)
        skip.dispose();
        h = next;
      }
      return this.convFinal.apply(h);
    });
  }
}
