import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear, BatchNorm, NNError } from '@onet/nn';
import { TorchConv2d } from './torchConv.js';
import { checkShape, checkSize } from './validate.js';

/** Options of {@link Resnet18Encoder}. */
export interface Resnet18EncoderOptions {
  /** Output code size C (the image config uses 256). Must be 512 when `useLinear` is false. */
  cDim?: number;
  /** Apply ImageNet normalisation (x − mean)/std inside the encoder (mean 0.485/0.456/0.406, std 0.229/0.224/0.225). */
  normalize?: boolean;
  /** End with the Linear 512→C (`fc.*`); without it the output is the 512-d pooled feature. */
  useLinear?: boolean;
}

/** Defaults of {@link Resnet18EncoderOptions}. */
export const RESNET18_ENCODER_DEFAULTS: Required<Resnet18EncoderOptions> = { cDim: 256, normalize: true, useLinear: true };

/** ImageNet per-channel mean (RGB). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
/** ImageNet per-channel standard deviation (RGB). */
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** torchvision BasicBlock: conv3x3(s)-BN-ReLU-conv3x3-BN, + identity or 1×1(s)-BN downsample, ReLU. */
class BasicBlock extends Module {
  readonly conv1: TorchConv2d;
  readonly bn1: BatchNorm;
  readonly conv2: TorchConv2d;
  readonly bn2: BatchNorm;
  readonly downConv?: TorchConv2d;
  readonly downBn?: BatchNorm;
  constructor(cin: number, cout: number, stride: number) {
    super();
    this.conv1 = this.module('conv1', new TorchConv2d(cin, cout, 3, stride, 1, false));
    this.bn1 = this.module('bn1', new BatchNorm(cout));
    this.conv2 = this.module('conv2', new TorchConv2d(cout, cout, 3, 1, 1, false));
    this.bn2 = this.module('bn2', new BatchNorm(cout));
    if (stride !== 1 || cin !== cout) {
      const down = this.module('downsample', new Sequential());
      this.downConv = down.addChild('0', new TorchConv2d(cin, cout, 1, stride, 0, false));
      this.downBn = down.addChild('1', new BatchNorm(cout));
    }
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const h = tf.relu(this.bn1.apply(this.conv1.apply(x))) as tf.Tensor4D;
      const y = this.bn2.apply(this.conv2.apply(h));
      const idt = this.downConv && this.downBn ? this.downBn.apply(this.downConv.apply(x)) : x;
      return tf.relu(tf.add(y, idt)) as tf.Tensor4D;
    });
  }
}

/** `nn.Sequential` stand-in (children named `0`, `1`, …). */
class Sequential extends Module {
  addChild<M extends Module>(name: string, m: M): M {
    return this.module(name, m);
  }
}

/** torchvision `resnet18` trunk without its fc (keys `conv1`, `bn1`, `layer1..4.{0,1}.*`). */
class ResNet18Trunk extends Module {
  readonly conv1: TorchConv2d;
  readonly bn1: BatchNorm;
  readonly blocks: BasicBlock[] = [];
  constructor() {
    super();
    this.conv1 = this.module('conv1', new TorchConv2d(3, 64, 7, 2, 3, false));
    this.bn1 = this.module('bn1', new BatchNorm(64));
    const widths = [64, 128, 256, 512];
    let cin = 64;
    for (let l = 0; l < 4; l++) {
      const layer = this.module(`layer${l + 1}`, new Sequential());
      for (let b = 0; b < 2; b++) {
        this.blocks.push(layer.addChild(String(b), new BasicBlock(cin, widths[l], b === 0 && l > 0 ? 2 : 1)));
        cin = widths[l];
      }
    }
  }

  /** `[B, H, W, 3]` normalised → `[B, 512]` global-average-pooled features. */
  apply(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let net = tf.relu(this.bn1.apply(this.conv1.apply(x))) as tf.Tensor4D;
      // max-pool 3×3, stride 2, padding 1: inputs are ≥ 0 after ReLU, so zero padding equals −∞ padding
      net = tf.maxPool(tf.pad(net, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, 'valid');
      for (const b of this.blocks) net = b.apply(net);
      return tf.mean(net, [1, 2]) as tf.Tensor2D;
    });
  }
}

/**
 * Image encoder of the single-view ONet (paper §4.1; reference `Resnet18`, im2mesh/encoder/conv.py, `resnet18`):
 * torchvision ResNet-18 (its fc replaced by identity) on ImageNet-normalised RGB, then `fc` 512→C.
 * 11,307,840 parameters at C 256.
 *
 * Layout: input NHWC `[B, H, W, 3]` RGB in [0, 1] (224×224 in the reference; any size ≥ 32 works thanks to the
 * global pooling). Reference NCHW images need `tf.transpose(x, [0, 2, 3, 1])` first. Reference conv weights
 * `[out, in, kh, kw]` are mapped to tfjs `[kh, kw, in, out]` on load.
 * Keys: torchvision's under `features.` (`features.conv1.weight`, `features.layer1.0.bn1.running_mean`, …)
 * and `fc.*`.
 *
 * Training: trains on every backend, wasm included: its convolutions use `conv2dValid`'s gradients (conv2dGrad.ts) (tfjs's
 * wasm backend has no Conv2DBackpropFilter kernel of its own).
 */
export class Resnet18Encoder extends Module {
  readonly cDim: number;
  readonly normalize: boolean;
  readonly features: ResNet18Trunk;
  readonly fc?: Linear;
  constructor(options: Resnet18EncoderOptions = {}) {
    super();
    const o = { ...RESNET18_ENCODER_DEFAULTS, ...options };
    checkSize('Resnet18Encoder', 'cDim', o.cDim);
    if (!o.useLinear && o.cDim !== 512) throw new NNError('SHAPE_MISMATCH', `Resnet18Encoder: without useLinear the output is the 512-d feature; set cDim 512 (got ${o.cDim})`);
    this.cDim = o.cDim;
    this.normalize = o.normalize;
    this.features = this.module('features', new ResNet18Trunk());
    if (o.useLinear) this.fc = this.module('fc', new Linear(512, o.cDim));
  }

  /**
   * `image` `[B, H, W, 3]` RGB in [0, 1] (H, W ≥ 32) → code `c` `[B, cDim]` (new tensor).
   * @throws {@link NNError} `SHAPE_MISMATCH` unless the input is NHWC with 3 channels.
   */
  apply(image: tf.Tensor): tf.Tensor2D {
    checkShape('Resnet18Encoder', 'image', image, [-1, -1, -1, 3], '[B, H, W, 3] (NHWC, RGB in [0, 1], H, W ≥ 32)', 1);
    const [, h, w] = image.shape as number[];
    if (h < 32 || w < 32) checkShape('Resnet18Encoder', 'image', image, [-1, 32, 32, 3], '[B, H, W, 3] with H, W ≥ 32');
    return tf.tidy(() => {
      let x = tf.cast(image, 'float32') as tf.Tensor4D;
      if (this.normalize) x = tf.div(tf.sub(x, tf.tensor1d([...IMAGENET_MEAN])), tf.tensor1d([...IMAGENET_STD]));
      const net = this.features.apply(x);
      return (this.fc ? this.fc.apply(net) : net) as tf.Tensor2D;
    });
  }
}
