import * as tf from '@tensorflow/tfjs-core';
import { seedInit } from '@onet/nn';
import { ResnetPointnet } from '@onet/encoders';
import { DecoderCBatchNorm, evaluateLogits } from '@onet/decoder-cbn';
import type { ConditionableModel } from '../../src/reconstruct.js';

/**
 * A tiny point-cloud ONet built straight from the encoder and decoder packages (ResNet-PointNet + CBN
 * decoder, width 8): enough tfjs to catch tensor leaks in generation without depending on training.
 */
export function tinyModel(seed = 0): ConditionableModel & { dispose(): void; config: { inputPoints: number; padding: number; noiseStd: number } } {
  seedInit(seed);
  const encoder = new ResnetPointnet({ cDim: 8, hidden: 8 }).eval();
  const decoder = new DecoderCBatchNorm({ cDim: 8, hidden: 8 }).eval();
  return {
    config: { inputPoints: 64, padding: 0.1, noiseStd: 0.005 },
    condition(points: Float32Array) {
      const c = tf.tidy(() => encoder.apply(tf.tensor3d(points, [1, points.length / 3, 3])));
      return {
        logits: (p: Float32Array) => evaluateLogits(decoder, p, { c }),
        dispose: () => c.dispose(),
      };
    },
    dispose() {
      encoder.dispose();
      decoder.dispose();
    },
  };
}
