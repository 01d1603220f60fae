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
  const seed = seedCounter++;
  if (placeholders) return tf.fill(shape, 0); // a Fill kernel: no JS array of zeros copied in
  return tf.randomUniform(shape, -bound, bound, 'float32', seed);
}

let placeholders = false;

/**
 * Build modules whose every parameter is overwritten next (e.g. `build` constructs a network and a strict
 * `loadStateDict` fills it): inside `build`, {@link torchUniform} returns zeros instead of drawing random values,
 * which saves the draw (≈ 0.1 s for 2.4 M parameters on wasm). The seed counter advances as it would, so models
 * built afterwards get the same initial values either way. Returns what `build` returns.
 * @example
 * ```ts
 * const net = withoutRandomInit(() => new LocalDecoder());
 * net.loadStateDict(weights); // strict: throws when a parameter is missing, so no placeholder survives
 * ```
 */
export function withoutRandomInit<T>(build: () => T): T {
  const before = placeholders;
  placeholders = true;
  try {
    return build();
  } finally {
    placeholders = before;
  }
}
