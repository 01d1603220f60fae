import * as tf from '@tensorflow/tfjs-core';
import { NNError } from './errors.js';

/** Gradient configs registered by {@link registerFastMatMulGradient}. */
const FAST = new WeakSet<object>();

/**
 * Replace the registered gradient of `BatchMatMul` by one that forms transposes explicitly before multiplying.
 * Numerically identical to tfjs's own; on the wasm backend the transposed-operand matMul path is 5–10× slower
 * than `transpose` + plain matMul for the thin matrices of per-point MLPs (measured here), which made it the
 * largest cost of a training step. Call after the gradients are registered (again is a no-op); affects the whole process.
 * @throws {@link NNError} `GRADIENTS_NOT_REGISTERED` when no `BatchMatMul` gradient is registered yet: import
 *   `@tensorflow/tfjs-core/dist/register_all_gradients` first.
 */
export function registerFastMatMulGradient(): void {
  const base = tf.getGradient('BatchMatMul');
  if (!base) throw new NNError('GRADIENTS_NOT_REGISTERED', 'register the tfjs gradients first (import @tensorflow/tfjs-core/dist/register_all_gradients)');
  if (FAST.has(base)) return; // already ours: calling again (every Trainer does) must not nest wrappers
  const config: tf.GradConfig = {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (a.rank !== 2 || b.rank !== 2 || transposeA || transposeB) return base.gradFunc(dy, saved, attrs);
      const d = dy as tf.Tensor2D;
      return {
        a: () => tf.matMul(d, tf.transpose(b)),
        b: () => tf.matMul(tf.transpose(a), d),
      };
    },
  };
  FAST.add(config);
  tf.registerGradient(config);
}
