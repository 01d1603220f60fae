import * as tf from '@tensorflow/tfjs-core';

/** The gradient of a {@link differentiable} op: one thunk per input, in input order, each run only when needed. */
export type LazyGradients = (dy: tf.Tensor, saved: tf.Tensor[]) => Array<() => tf.Tensor>;

/** tfjs's engine entry for ops with their own forward and backward functions (what `tf.customGrad` calls). */
interface KernelFuncEngine {
  runKernelFunc(params: {
    forwardFunc: (backend: unknown, save: tf.GradSaveFunc) => tf.Tensor;
    backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: Record<string, tf.Tensor>;
  }): tf.Tensor;
}

/**
 * An op with its own gradient, like `tf.customGrad`, except that each input's gradient is a thunk that tfjs's
 * backward pass runs only for inputs on the path to the variables being differentiated. `tf.customGrad` computes
 * every input's gradient eagerly, so with frozen weights (test-time optimisation of an encoding, where only the
 * features need a gradient) a `linear` layer still paid for `xᵀ·dy` (a transpose of the activations and a matmul
 * as large as the forward one) and the bias sum, whose results were then dropped.
 *
 * `forward(save)` computes the value (call `save` with the tensors the backward pass needs; they arrive as
 * `saved`); `backward(dy, saved)` returns one thunk per input. Runs through the engine's `runKernelFunc`, the
 * function `tf.customGrad` itself uses (not in tfjs's public types; tfjs-core is pinned); falls back to
 * `tf.customGrad` (every thunk run) if an engine lacks it.
 */
export function differentiable(inputs: tf.Tensor[], forward: (save: tf.GradSaveFunc) => tf.Tensor, backward: LazyGradients): tf.Tensor {
  const engine = tf.engine() as unknown as Partial<KernelFuncEngine>;
  if (typeof engine.runKernelFunc === 'function') {
    return engine.runKernelFunc({
      forwardFunc: (_backend, save) => forward(save),
      backwardsFunc: (dy, saved) => Object.fromEntries(backward(dy, saved).map((g, i) => [String(i), g])),
      inputs: Object.fromEntries(inputs.map((t, i) => [String(i), t])),
    });
  }
  const f = tf.customGrad(((...args: unknown[]) => {
    const save = args[inputs.length] as tf.GradSaveFunc;
    return { value: forward(save), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved).map((g) => g()) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (f as unknown as (...xs: tf.Tensor[]) => tf.Tensor)(...inputs);
}
