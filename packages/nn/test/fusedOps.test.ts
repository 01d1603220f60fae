import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { linear, batchNormTrain, residualAdd, reluSavingOutput, selectBackend } from '../src/index.js';

const data = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) + 0.3 * Math.cos(i * 0.11));

function expectClose(a: tf.Tensor, b: tf.Tensor, tol = 1e-5) {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let scale = 1;
  for (const v of y) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(tol * scale);
}

describe.each(['cpu', 'wasm'])('fused ops on %s: values and gradients of the composed tfjs ops', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend as 'cpu' | 'wasm');
  });

  it('linear = matMul + add, with and without bias, 3-D input', () => {
    const x = tf.tensor3d(data(2 * 5 * 4, 0.7), [2, 5, 4]);
    const w = tf.tensor2d(data(4 * 3, 1.3), [4, 3]);
    const b = tf.tensor1d([0.5, -1, 2]);
    const composed = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.add(tf.reshape(tf.matMul(tf.reshape(xx, [-1, 4]), ww), [2, 5, 3]), bb);
    const weights = tf.tensor3d(data(2 * 5 * 3, 2.1), [2, 5, 3]); // a loss that is not symmetric in the outputs
    const loss = (f: (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, bw: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, bw, c), weights));
    expectClose(linear(x, w, b), composed(x, w, b));
    const ours = tf.grads(loss((a, bw, c) => linear(a, bw, c)))([x, w, b]);
    const ref = tf.grads(loss(composed))([x, w, b]);
    ours.forEach((g, i) => expectClose(g, ref[i]));
    const [gx, gw] = tf.grads((a: tf.Tensor, bw: tf.Tensor) => tf.sum(tf.mul(linear(a, bw, null), weights)))([x, w]);
    const [rx, rw] = tf.grads((a: tf.Tensor, bw: tf.Tensor) => tf.sum(tf.mul(tf.reshape(tf.matMul(tf.reshape(a, [-1, 4]), bw), [2, 5, 3]), weights)))([x, w]);
    expectClose(gx, rx);
    expectClose(gw, rw);
  });

  it('batchNormTrain = the composed batch norm (plain, [F] affine, [B, 1, F] conditional affine), statistics included', () => {
    const x = tf.tensor3d(data(3 * 7 * 4, 0.9).map((v, i) => v * (1 + (i % 4)) + (i % 4)), [3, 7, 4]);
    const weights = tf.tensor3d(data(3 * 7 * 4, 1.9), [3, 7, 4]);
    const composed = (xx: tf.Tensor, g: tf.Tensor | null, b: tf.Tensor | null) => {
      const { mean, variance } = tf.moments(xx, [0, 1]);
      const y = tf.mul(tf.sub(xx, mean), tf.rsqrt(tf.add(variance, 1e-5)));
      return g && b ? tf.add(tf.mul(y, g), b) : y;
    };
    for (const [g, b] of [
      [null, null],
      [tf.tensor1d([1.5, 0.5, -1, 2]), tf.tensor1d([0, 1, -2, 0.3])],
      [tf.tensor3d(data(12, 0.4), [3, 1, 4]), tf.tensor3d(data(12, 0.8), [3, 1, 4])],
    ] as [tf.Tensor | null, tf.Tensor | null][]) {
      const r = batchNormTrain(x, g, b, 1e-5);
      const m = tf.moments(x, [0, 1]);
      expectClose(r.mean, m.mean);
      expectClose(r.variance, m.variance);
      expectClose(r.y, composed(x, g, b));
      const inputs = g && b ? [x, g, b] : [x];
      const ours = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(batchNormTrain(t[0], t[1] ?? null, t[2] ?? null, 1e-5).y, weights)))(inputs);
      const ref = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(composed(t[0], t[1] ?? null, t[2] ?? null), weights)))(inputs);
      ours.forEach((gr, i) => expectClose(gr, ref[i], 1e-4));
    }
  });

  it('batchNormTrain leaves only its result and statistics (no leaked intermediates)', () => {
    const x = tf.randomNormal([2, 9, 3], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const r = batchNormTrain(x, null, null, 1e-5);
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose([r.y, r.mean, r.variance]);
  });

  it('with frozen weights only the input gradient runs (no xᵀ·dy, no bias sum), and nothing leaks', async () => {
    const x = tf.tensor2d(data(64 * 8, 0.7), [64, 8]);
    const w = tf.variable(tf.tensor2d(data(8 * 5, 1.3), [8, 5]));
    const b = tf.variable(tf.tensor1d([0.5, -1, 2, 0, 1]));
    const ref = tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(a, w), b))))(x);
    const before = tf.memory().numTensors;
    let gx: tf.Tensor | undefined;
    const profile = await tf.profile(() => {
      gx = tf.grad((a: tf.Tensor) => tf.sum(tf.square(linear(a, w, b))))(x);
    });
    expectClose(gx!, ref);
    const names = profile.kernels.map((k) => k.name);
    // forward: one fused matmul; backward: dy·Wᵀ only (the [8, 5] weight transposed, never the [64, 8] input)
    expect(names.filter((n) => n === 'BatchMatMul' || n === '_FusedMatMul')).toHaveLength(2);
    expect(profile.kernels.filter((k) => k.name === 'Transpose').map((k) => k.inputShapes[0])).toEqual([[8, 5]]);
    expect(names.filter((n) => n === 'Sum')).toHaveLength(1); // the loss's; no bias gradient
    // and the weight gradient is still there when asked for, equal to the composed op's
    const [gw, gb] = tf.grads((ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(linear(x, ww, bb))))([w, b]);
    const [rw, rb] = tf.grads((ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(x, ww), bb))))([w, b]);
    expectClose(gw, rw);
    expectClose(gb, rb);
    tf.dispose([gx!, gw, gb, rw, rb]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, ref]);
  });

  it('residualAdd and reluSavingOutput: the values and gradients of tf.add / tf.relu (±0 included), fewer tensors held by the tape', () => {
    const xs = data(40 * 6, 0.53);
    xs[0] = 0;
    xs[1] = -0;
    const x = tf.tensor2d(xs, [40, 6]);
    const y = tf.tensor2d(data(40 * 6, 1.9), [40, 6]);
    const w = tf.tensor2d(data(40 * 6, 0.29), [40, 6]);
    const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
    const ours = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(residualAdd(reluSavingOutput(a), tf.mul(b, 2)), w));
    const theirs = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.relu(a), tf.mul(b, 2)), w));
    expect(bits(residualAdd(x, y))).toEqual(bits(tf.add(x, y)));
    expect(bits(reluSavingOutput(x))).toEqual(bits(tf.relu(x)));
    const g = tf.grads(ours)([x, y]);
    const r = tf.grads(theirs)([x, y]);
    g.forEach((gi, i) => expect(bits(gi)).toEqual(bits(r[i])));
    // one tensor as both addends, and an addend that also feeds the other: the gradient is accumulated, never freed early
    const same = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(residualAdd(a, a), w)))(x);
    expect(bits(same)).toEqual(bits(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.add(a, a), w)))(x)));
    const chained = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(residualAdd(reluSavingOutput(a), tf.mul(reluSavingOutput(a), 2)), w)))(x);
    expect(bits(chained)).toEqual(bits(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.relu(a), tf.mul(tf.relu(a), 2)), w)))(x)));
    // broadcasting falls back to tf.add (and its gradient reduces over the broadcast axis)
    const b = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    expectClose(tf.grad((bb: tf.Tensor) => tf.sum(tf.mul(residualAdd(x, bb), w)))(b), tf.sum(w, 0));
    // under a tape: one kept tensor per ReLU (its output), none per add; tfjs's ops keep the ReLU's input and both addends
    const held = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => {
      const before = tf.memory().numTensors;
      let during = 0;
      tf.grads((a: tf.Tensor, bb: tf.Tensor) => {
        const out = f(a, bb);
        during = tf.memory().numTensors - before;
        return out;
      })([x, y]).forEach((t) => t.dispose());
      return during;
    };
    expect(held(ours)).toBeLessThan(held(theirs));
  });
});
