import * as tf from '@tensorflow/tfjs-core';

let seedCounter = 1;

/** Seed the initialisers of subsequently created layers (deterministic model construction). */
export function seedInit(seed: number): void {
  seedCounter = seed;
}

/**
 * PyTorch's default init for Linear/Conv weights and biases: U(−1/√fanIn, 1/√fanIn) (kaiming_uniform with
 * a = √5 reduces to this bound).
 */
export function torchUniform(shape: number[], fanIn: number): tf.Tensor {
  const bound = 1 / Math.sqrt(Math.max(1, fanIn));
  return tf.randomUniform(shape, -bound, bound, 'float32', seedCounter++);
}
