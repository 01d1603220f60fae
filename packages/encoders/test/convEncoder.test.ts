import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend, seedInit, NNError } from '@onet/nn';
import { ConvEncoder, convEncoderMinSize } from '../src/index.js';

describe('ConvEncoder (reference simple_conv)', () => {
  it('has the reference parameter count, keys and reference weight shapes', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    const m = new ConvEncoder();
    // conv: 3·32·9+32, 32·64·9+64, 64·128·9+128, 128·256·9+256, 256·512·9+512; fc_out 512·128+128
    expect(m.parameterCount()).toBe(896 + 18_496 + 73_856 + 295_168 + 1_180_160 + 65_664);
    expect(m.parameterCount()).toBe(1_634_240);
    const ref = m.stateDict();
    expect([...ref.keys()].sort()).toEqual(['conv0.bias', 'conv0.weight', 'conv1.bias', 'conv1.weight', 'conv2.bias', 'conv2.weight', 'conv3.bias', 'conv3.weight', 'conv4.bias', 'conv4.weight', 'fc_out.bias', 'fc_out.weight']);
    expect(ref.get('conv1.weight')!.shape).toEqual([64, 32, 3, 3]);
    expect(ref.get('fc_out.weight')!.shape).toEqual([128, 512]);
    m.dispose();
  });

  it('maps [B, 64, 64, 3] to [B, C], per image, without leaking tensors; rejects too-small or non-RGB images', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    seedInit(3);
    const m = new ConvEncoder({ cDim: 8, widths: [4, 4, 8, 8, 8] });
    expect(m.minSize).toBe(63);
    expect(convEncoderMinSize(4)).toBe(31);
    const x = tf.randomUniform([3, 64, 64, 3], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const c = m.apply(x);
    expect(c.shape).toEqual([3, 8]);
    // per image: the code of image 1 alone equals row 1 of the batch
    const [diff, size] = tf.tidy(() => {
      const one = m.apply(tf.slice(x, [1, 0, 0, 0], [1, 64, 64, 3]));
      return [tf.max(tf.abs(tf.sub(one, tf.slice(c, [1, 0], [1, 8])))).dataSync()[0], tf.max(tf.abs(c)).dataSync()[0]];
    });
    expect(diff).toBeLessThan(1e-5);
    expect(size).toBeGreaterThan(0);
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const bad of [tf.zeros([1, 62, 64, 3]), tf.zeros([1, 64, 64, 4]), tf.zeros([64, 64, 3])]) {
      let err: unknown;
      try {
        m.apply(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NNError);
      expect((err as NNError).code).toBe('SHAPE_MISMATCH');
      bad.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    // 4 layers accept 31²: 31 → 15 → 7 → 3 → 1
    const small = new ConvEncoder({ cDim: 5, widths: [4, 4, 4, 4] });
    const y = tf.zeros([2, 31, 31, 3]);
    const cs = small.apply(y);
    expect(cs.shape).toEqual([2, 5]);
    tf.dispose([x, y, cs]);
    small.dispose();
    m.dispose();
  });

  it('rejects bad options with a typed error', () => {
    expect(() => new ConvEncoder({ widths: [] })).toThrow(NNError);
    expect(() => new ConvEncoder({ widths: [4, 0] })).toThrow(/widths\[1\]/);
    expect(() => new ConvEncoder({ cDim: 1.5 })).toThrow(NNError);
  });

  it('parameter gradients on wasm equal the cpu backend', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      expect(await selectBackend(backend)).toBe(backend);
      seedInit(8);
      const m = new ConvEncoder({ cDim: 6, widths: [4, 6, 8, 8] });
      const x = tf.randomUniform([2, 33, 35, 3], 0, 1, 'float32', 2);
      const params = m.namedParameters();
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.sin(tf.mul(m.apply(x), 4))) as tf.Scalar, [...params.values()]);
      const out = new Map<string, Float32Array>();
      for (const [k, v] of params) out.set(k, (await grads[v.name].data()) as Float32Array);
      tf.dispose([x, value, ...Object.values(grads)]);
      m.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (const [k, a] of cpu) {
      const b = wasm.get(k)!;
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
      expect(scale, k).toBeGreaterThan(0);
      expect(diff, k).toBeLessThanOrEqual(1e-4 * scale);
    }
  });
});
