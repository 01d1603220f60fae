import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerFastWasmKernels } from '../src/index.js';

// Our kernels fall back to tfjs-backend-wasm's own for the cases they do not handle, with the same results, so value
// tests alone cannot tell whether ours ran. Here the originals are wrapped in counters before ours are installed
// over them: a case ours handles never reaches the original.
describe('registerFastWasmKernels: which cases run ours', () => {
  it('Sum, Mean and Max over leading axes and 2-D transposes never reach the original kernel; int32 and last-axis cases do', async () => {
    await tf.setBackend('wasm'); // without selectBackend, which would install ours first
    const calls = new Map<string, number>();
    for (const name of ['Sum', 'Mean', 'Max', 'Transpose']) {
      const base = tf.getKernel(name, 'wasm')!;
      const counted: tf.KernelConfig = {
        ...base,
        kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return base.kernelFunc(args);
        }) as tf.KernelFunc,
      };
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(counted);
    }
    registerFastWasmKernels();
    const x = tf.tensor3d(Float32Array.from({ length: 2 * 9 * 5 }, (_, i) => Math.sin(i)), [2, 9, 5]);
    const ours = [tf.sum(x, 1), tf.mean(x, [0, 1]), tf.max(x, 1, true), tf.max(x, -2), tf.max(tf.reshape(x, [18, 5]), 0), tf.transpose(tf.reshape(x, [18, 5]))];
    expect(Object.fromEntries(calls)).toEqual({});
    const fallback = [tf.max(x, 2), tf.max(tf.cast(x, 'int32'), 1), tf.sum(x, 2)];
    expect(Object.fromEntries(calls)).toEqual({ Max: 2, Sum: 1 });
    tf.dispose([x, ...ours, ...fallback]);
  });
});
