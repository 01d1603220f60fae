import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { DecoderCBatchNorm, foldForInference, evaluateLogits } from '../src/index.js';
import { createFoldedWorkerPool } from '../src/node.js';

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('createFoldedWorkerPool (Node)', () => {
  it('two workers give exactly the single-thread folded logits, and reload per shape', async () => {
    const dec = new DecoderCBatchNorm({ cDim: 8, hidden: 16 }).eval();
    for (const [, v] of dec.namedParameters()) {
      const t = tf.randomNormal(v.shape, 0, 0.3, 'float32', v.size);
      v.assign(t);
      t.dispose();
    }
    const c1 = tf.randomNormal([1, 8], 0, 1, 'float32', 1);
    const c2 = tf.randomNormal([1, 8], 0, 1, 'float32', 2);
    const f1 = await foldForInference(dec, c1);
    const f2 = await foldForInference(dec, c2);
    const points = new Float32Array(3 * 1001).map((_, i) => Math.sin(i * 0.37) * 0.5);
    const pool = await createFoldedWorkerPool(f1.arrays, { threads: 2, chunkSize: 300 });
    try {
      const a = await pool.evaluate(points);
      expect(a).toEqual(await evaluateLogits(f1, points));
      await pool.load(f2.arrays);
      const b = await pool.evaluate(points);
      expect(b).toEqual(await evaluateLogits(f2, points));
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
      expect(await pool.evaluate(new Float32Array(3))).toHaveLength(1);
      await expect(pool.evaluate(new Float32Array(4))).rejects.toThrow(/multiple of 3/);
      await expect(pool.evaluate(new Float32Array([0, Number.NaN, 0]))).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', message: expect.stringMatching(/NaN/) });
    } finally {
      await pool.close();
    }
    tf.dispose([c1, c2]);
    f1.dispose();
    f2.dispose();
    dec.dispose();
  });
});
