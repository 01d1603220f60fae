import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Linear, BatchNorm, ResnetBlockFC, Module, encodeWeights, decodeWeights, NNError, selectBackend, seedInit, withoutRandomInit } from '../src/index.js';

class Net extends Module {
  a = this.module('a', new Linear(3, 4, { kind: 'conv1d' }));
  bn = this.module('bn', new BatchNorm(4, { affine: false }));
  block = this.module('block', new ResnetBlockFC(4, 2));
}

beforeAll(async () => {
  expect(await selectBackend('cpu')).toBe('cpu');
});

describe('Module', () => {
  it('names parameters like the reference state_dict and counts them', () => {
    const n = new Net();
    expect([...n.stateDict().keys()]).toEqual([
      'a.weight', 'a.bias', 'bn.running_mean', 'bn.running_var',
      'block.fc_0.weight', 'block.fc_0.bias', 'block.fc_1.weight', 'block.fc_1.bias', 'block.shortcut.weight',
    ]);
    expect(n.stateDict().get('a.weight')!.shape).toEqual([4, 3, 1]);
    expect(n.parameterCount()).toBe(3 * 4 + 4 + 4 * 2 + 2 + 2 * 2 + 2 + 4 * 2);
    n.dispose();
  });

  it('withoutRandomInit builds zero placeholders and leaves the seed sequence as drawing would', () => {
    const weights = (m: Module) => [...m.stateDict().values()].flatMap((e) => Array.from(e.data));
    seedInit(7);
    const drawn = [new Net(), new Net()];
    seedInit(7);
    const placeholder = withoutRandomInit(() => new Net());
    const after = new Net();
    const w = weights(placeholder);
    expect(w.length).toBe(weights(drawn[0]).length);
    expect(w.every((v) => v === 0 || v === 1)).toBe(true); // zeros (BatchNorm's running_var starts at 1)
    expect(weights(drawn[0]).filter((v) => v !== 0 && v !== 1).length).toBeGreaterThan(20);
    expect(weights(after)).toEqual(weights(drawn[1])); // the next model draws what it would have drawn
    for (const m of [...drawn, placeholder, after]) m.dispose();
  });

  it('maps reference [out, in] weights to x·W', () => {
    const l = new Linear(2, 3);
    l.loadStateDict({ weight: { data: [1, 2, 3, 4, 5, 6], shape: [3, 2] }, bias: { data: [0, 0, 1], shape: [3] } });
    const y = l.apply(tf.tensor2d([[1, 1]]));
    expect(Array.from(y.dataSync())).toEqual([3, 7, 12]);
    y.dispose();
    l.dispose();
  });

  it('lists missing, unexpected and mis-shaped keys and changes nothing', () => {
    const l = new Linear(2, 3);
    const before = l.stateDict().get('weight')!.data.slice();
    let err: unknown;
    try {
      l.loadStateDict({ weight: { data: [1, 2], shape: [1, 2] }, extra: { data: [1], shape: [1] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NNError);
    expect((err as NNError).code).toBe('STATE_DICT_MISMATCH');
    expect((err as Error).message).toMatch(/missing: bias/);
    expect((err as Error).message).toMatch(/unexpected: extra/);
    expect((err as Error).message).toMatch(/weight: expected \[3,2\], got \[1,2\]/);
    expect(l.stateDict().get('weight')!.data).toEqual(before);
    l.dispose();
  });

  it('round-trips weights through float32 and float16 files', () => {
    const n = new Net();
    const sd = n.stateDict();
    for (const dtype of ['float32', 'float16'] as const) {
      const { modelJson, weights } = encodeWeights(n, { kind: 'test' }, { dtype });
      expect(weights.length).toBe(dtype === 'float16' ? 2 * 48 : 4 * 48);
      const back = decodeWeights(modelJson, weights);
      for (const [k, v] of sd) {
        const w = back.get(k)!;
        expect(w.shape).toEqual(v.shape);
        for (let i = 0; i < v.data.length; i++) expect(Math.abs(w.data[i] - v.data[i])).toBeLessThanOrEqual(dtype === 'float16' ? 1e-3 * Math.abs(v.data[i]) + 1e-7 : 0);
      }
      expect(() => decodeWeights(modelJson, weights.subarray(0, 10))).toThrow(/truncated/);
      // bytes at an odd offset (no aligned float16 view possible) decode to the same values; results own their memory
      const odd = new Uint8Array(weights.length + 1).subarray(1);
      odd.set(weights);
      const backOdd = decodeWeights(modelJson, odd);
      for (const [k, v] of back) expect(Array.from(backOdd.get(k)!.data)).toEqual(Array.from(v.data));
      for (const v of back.values()) expect(v.data.buffer).not.toBe(weights.buffer);
    }
    n.dispose();
  });

  it('loadStateDict keeps no reference to the given arrays (each backend)', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      expect(await selectBackend(backend)).toBe(backend);
      const l = new Linear(2, 3);
      const weight = new Float32Array([1, 2, 3, 4, 5, 6]);
      const bias = new Float32Array([7, 8, 9]);
      l.loadStateDict({ weight: { data: weight, shape: [3, 2] }, bias: { data: bias, shape: [3] } });
      weight.fill(-1);
      bias.fill(-1);
      expect(Array.from(l.weight.dataSync())).toEqual([1, 3, 5, 2, 4, 6]); // [in, out]
      expect(Array.from(l.bias!.dataSync())).toEqual([7, 8, 9]);
      l.dispose();
    }
    expect(await selectBackend('cpu')).toBe('cpu');
  });
});

describe('BatchNorm', () => {
  it('normalises over all leading axes in train mode and updates running stats (unbiased, momentum 0.1)', () => {
    const bn = new BatchNorm(2, { affine: false }).train();
    const x = tf.tensor3d([[[1, 10], [3, 10]], [[5, 10], [7, 14]]]); // [B=2, T=2, F=2]
    const y = bn.apply(x);
    const col0 = [1, 3, 5, 7];
    const mean = 4;
    const varB = col0.reduce((a, v) => a + (v - mean) ** 2, 0) / 4;
    const yd = y.dataSync();
    expect(yd[0]).toBeCloseTo((1 - mean) / Math.sqrt(varB + 1e-5), 5);
    const rm = bn.runningMean.dataSync();
    const rv = bn.runningVar.dataSync();
    expect(rm[0]).toBeCloseTo(0.1 * 4, 6);
    expect(rv[0]).toBeCloseTo(0.9 + 0.1 * (varB * 4) / 3, 5);
    bn.eval();
    const y2 = bn.apply(tf.tensor2d([[0.4, 1.1]]));
    expect(y2.dataSync()[0]).toBeCloseTo(0, 5);
    tf.dispose([x, y, y2]);
    bn.dispose();
  });

  it('does not leak tensors', () => {
    const bn = new BatchNorm(4).train();
    const x = tf.randomNormal([3, 5, 4]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) bn.apply(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    bn.dispose();
  });
});
