import * as tf from '@tensorflow/tfjs-core';
import { NNError } from '@onet/nn';

/**
 * KL(q(z | p, occ[, c]) ‖ N(0, I)) of the VAE loss (REFERENCE §2.4; reference im2mesh/onet/training.py):
 * per latent dimension `−logσ + (σ² + μ²)/2 − 1/2`, **summed over the latent dimensions and averaged over the
 * batch** (weight 1 in the reference). Differentiable.
 *
 * @param mean `[B, zDim]` μ from {@link LatentEncoder}.
 * @param logstd `[B, zDim]` log σ from {@link LatentEncoder}.
 * @returns scalar tensor.
 * @throws {@link NNError} `SHAPE_MISMATCH` unless both are the same `[B, zDim]`.
 */
export function latentKL(mean: tf.Tensor, logstd: tf.Tensor): tf.Scalar {
  if (mean.rank !== 2 || logstd.rank !== 2 || mean.shape[0] !== logstd.shape[0] || mean.shape[1] !== logstd.shape[1]) {
    throw new NNError('SHAPE_MISMATCH', `latentKL: mean and logstd must both be [B, zDim], got [${mean.shape}] and [${logstd.shape}]`);
  }
  return tf.tidy(() => {
    const perDim = tf.sub(tf.add(tf.neg(logstd), tf.mul(0.5, tf.add(tf.exp(tf.mul(2, logstd)), tf.square(mean)))), 0.5);
    return tf.mean(tf.sum(perDim, 1)) as tf.Scalar;
  });
}

/**
 * Reparameterised sample z = μ + σ·ε, ε ~ N(0, I) (REFERENCE §2.4): differentiable w.r.t. μ and log σ.
 * @param mean `[B, zDim]`.
 * @param logstd `[B, zDim]`.
 * @param seed optional seed of ε for reproducible runs.
 * @returns `[B, zDim]` (new tensor).
 * @throws {@link NNError} `SHAPE_MISMATCH` unless both are the same `[B, zDim]`.
 */
export function sampleLatent(mean: tf.Tensor, logstd: tf.Tensor, seed?: number): tf.Tensor2D {
  if (mean.rank !== 2 || mean.shape.some((d, i) => d !== logstd.shape[i]) || logstd.rank !== 2) {
    throw new NNError('SHAPE_MISMATCH', `sampleLatent: mean and logstd must both be [B, zDim], got [${mean.shape}] and [${logstd.shape}]`);
  }
  return tf.tidy(() => tf.add(mean, tf.mul(tf.exp(logstd), tf.randomNormal(mean.shape, 0, 1, 'float32', seed))) as tf.Tensor2D);
}
