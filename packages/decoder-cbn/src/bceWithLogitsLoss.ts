import * as tf from '@tensorflow/tfjs-core';
import { NNError } from '@onet/nn';

/**
 * The ONet reconstruction loss (REFERENCE §2.4, reference im2mesh/onet/training.py `compute_loss`):
 * binary cross-entropy with logits per point, `max(x, 0) − x·occ + log(1 + e^{−|x|})` (numerically stable),
 * **summed over the T points and averaged over the batch**.
 *
 * @param logits `[B, T]` decoder logits (not probabilities).
 * @param occupancy `[B, T]` targets in [0, 1] (1 = inside).
 * @returns scalar loss tensor (differentiable w.r.t. `logits`).
 * @throws {@link NNError} `SHAPE_MISMATCH` when the shapes differ or are not `[B, T]`.
 */
export function bceWithLogitsLoss(logits: tf.Tensor, occupancy: tf.Tensor): tf.Scalar {
  if (logits.rank !== 2 || occupancy.rank !== 2 || logits.shape[0] !== occupancy.shape[0] || logits.shape[1] !== occupancy.shape[1]) {
    throw new NNError('SHAPE_MISMATCH', `bceWithLogitsLoss: logits and occupancy must both be [B, T], got [${logits.shape}] and [${occupancy.shape}]`);
  }
  return tf.tidy(() => {
    const x = logits;
    const y = tf.cast(occupancy, 'float32');
    const perPoint = tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return tf.mean(tf.sum(perPoint, 1)) as tf.Scalar;
  });
}
