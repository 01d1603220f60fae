import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend, seedInit, NNError } from '@onet/nn';
import { Decoder, fourierFeatures, foldForInference } from '../src/index.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('Fourier features of p (Decoder fourierFeatures)', () => {
  it('maps p to [p, sin(2ᵏπp), cos(2ᵏπp)] in that order', () => {
    const p = tf.tensor3d([[[0.25, -0.5, 0.125]]]);
    const f = fourierFeatures(p, 2);
    expect(f.shape).toEqual([1, 1, 15]);
    const got = Array.from(f.dataSync());
    const want = [0.25, -0.5, 0.125];
    for (const k of [0, 1]) {
      const a = [0.25, -0.5, 0.125].map((x) => Math.PI * 2 ** k * x);
      want.push(...a.map(Math.sin), ...a.map(Math.cos));
    }
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    tf.dispose([p, f]);
  });

  it('the decoder feeds fc_p the features: logits equal fc_p applied by hand to the mapped points', () => {
    seedInit(3);
    const withFf = new Decoder({ zDim: 4, cDim: 0, hidden: 8, fourierFeatures: 3 });
    expect(withFf.fcP.weight.shape).toEqual([21, 8]);
    // the same weights in a plain decoder of 21-D "points" give the same logits on the mapped points
    seedInit(3);
    const plain = new Decoder({ dim: 21, zDim: 4, cDim: 0, hidden: 8 });
    const p = tf.randomUniform([2, 5, 3], -0.5, 0.5, 'float32', 1);
    const z = tf.randomNormal([2, 4], 0, 1, 'float32', 2);
    const a = withFf.apply(p, z);
    const mapped = fourierFeatures(p, 3);
    const b = plain.apply(mapped, z);
    const da = a.dataSync(), db = b.dataSync();
    for (let i = 0; i < da.length; i++) expect(da[i]).toBeCloseTo(db[i]!, 5);
    tf.dispose([p, z, a, b, mapped]);
    withFf.dispose();
    plain.dispose();
  });

  it('foldForInference refuses a decoder with Fourier features by name', async () => {
    const d = new Decoder({ zDim: 4, cDim: 0, hidden: 8, fourierFeatures: 2 });
    const z = tf.zeros([1, 4]);
    await expect(foldForInference(d, null, z)).rejects.toThrow(/fourierFeatures is not supported/);
    z.dispose();
    d.dispose();
  });

  it('is differentiable (the encoder of TTO / training sees a gradient wrt p)', () => {
    const p = tf.tensor2d([[0.1, 0.2, 0.3]]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(fourierFeatures(x, 2)))(p);
    // d/dx [x + Σ_k sin(a_k x) + cos(a_k x)] = 1 + Σ_k a_k (cos(a_k x) − sin(a_k x))
    const want = [0.1, 0.2, 0.3].map((x) => 1 + [Math.PI, 2 * Math.PI].reduce((s, a) => s + a * (Math.cos(a * x) - Math.sin(a * x)), 0));
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
    tf.dispose([p, g]);
  });

  it('fourierFeatures 0 is the reference decoder; out-of-range octaves throw a typed error; no tensor leak', () => {
    const plain = new Decoder({ zDim: 4, cDim: 0, hidden: 8 });
    expect(plain.fcP.weight.shape).toEqual([3, 8]);
    plain.dispose();
    for (const bad of [-1, 1.5, 21]) expect(() => new Decoder({ zDim: 4, cDim: 0, hidden: 8, fourierFeatures: bad })).toThrow(NNError);
    const d = new Decoder({ zDim: 4, cDim: 0, hidden: 8, fourierFeatures: 4 });
    const p = tf.zeros([1, 7, 3]);
    const z = tf.zeros([1, 4]);
    tf.dispose(d.apply(p, z));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(d.apply(p, z));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p, z]);
    d.dispose();
  });
});
