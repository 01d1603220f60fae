import type * as tf from '@tensorflow/tfjs-core';

/**
 * What every occupancy decoder of this package offers: `apply(p, z, c)` maps query points `p` `[B, T, dim]`,
 * latent code `z` `[B, zDim]` (null when zDim = 0) and condition code `c` `[B, cDim]` (null when cDim = 0) to
 * occupancy **logits** `[B, T]` (probability = sigmoid(logit)). A `[1, ·]` code is shared by the whole batch.
 */
export interface OccupancyDecoder {
  /** Point dimension (3). */
  readonly dim: number;
  /** Size of the latent code z (0 = none). */
  readonly zDim: number;
  /** Size of the condition code c (0 = unconditional). */
  readonly cDim: number;
  /** Train mode (batch statistics) vs eval mode (running statistics). */
  training: boolean;
  /** `p` `[B, T, dim]`, `z` `[B, zDim]` | null, `c` `[B, cDim]` | null → logits `[B, T]` (new tensor). */
  apply(p: tf.Tensor, z: tf.Tensor | null, c: tf.Tensor | null): tf.Tensor2D;
}
