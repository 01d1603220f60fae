import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, NNError, type Module } from '@onet/nn';
import { ResnetPointnet, SimplePointnet, LatentEncoder, VoxelEncoder, Resnet18Encoder } from '../src/index.js';

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

// Decoder counts, verified by @onet/decoder-cbn's own tests (its package sits downstream of this one):
const DECODER_CBN_C256 = 2_106_625;
const DECODER_CBN_C512 = 3_548_417;
const DECODER_SIMPLE_Z128 = 182_273;

describe('encoders', () => {
  it('full-size parameter counts match the reference (encoder alone and whole model)', () => {
    const cases: [() => Module, number, number, string][] = [
      [() => new Resnet18Encoder({ cDim: 256 }), 11_307_840, 13_414_465 - DECODER_CBN_C256, 'image'],
      [() => new ResnetPointnet({ cDim: 512, hidden: 512 }), 6_825_472, 10_373_889 - DECODER_CBN_C512, 'point cloud'],
      [() => new VoxelEncoder({ cDim: 256 }), 5_750_848, 7_857_473 - DECODER_CBN_C256, 'voxels'],
      [() => new LatentEncoder({ zDim: 128, cDim: 0 }), 116_096, 298_369 - DECODER_SIMPLE_Z128, 'unconditional'],
    ];
    for (const [make, n, fromTotal, what] of cases) {
      const m = make();
      expect(m.parameterCount(), what).toBe(n);
      expect(m.parameterCount(), what).toBe(fromTotal);
      m.dispose();
    }
  });

  it('point encoders are permutation invariant and keep numTensors flat', () => {
    const encs = [new ResnetPointnet({ cDim: 8, hidden: 8 }), new SimplePointnet({ cDim: 8, hidden: 8 })];
    const x = tf.randomUniform([2, 40, 3], -0.5, 0.5, 'float32', 1);
    const perm = tf.tensor1d(Array.from({ length: 40 }, (_, i) => (i * 7) % 40), 'int32');
    const xp = tf.gather(x, perm, 1);
    for (const enc of encs) {
      const a = enc.apply(x);
      const b = enc.apply(xp);
      const ad = a.dataSync();
      const bd = b.dataSync();
      for (let i = 0; i < ad.length; i++) expect(Math.abs(ad[i] - bd[i])).toBeLessThan(1e-5);
      expect(Math.max(...Array.from(ad, Math.abs))).toBeGreaterThan(0);
      tf.dispose([a, b]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) tf.dispose(enc.apply(x));
      expect(tf.memory().numTensors).toBe(before);
      enc.dispose();
    }
    tf.dispose([x, xp, perm]);
  });

  it('voxel, image and latent encoders keep numTensors flat over repeated calls', () => {
    const vox = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([1, 32, 32, 32], 0, 1, 'float32', 4), 0.5), 'float32'));
    const img = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 5);
    const p = tf.randomUniform([1, 20, 3], -0.5, 0.5, 'float32', 6);
    const occ = tf.ones([1, 20]);
    const cases: [Module, () => tf.Tensor | { mean: tf.Tensor; logstd: tf.Tensor }][] = [];
    const v = new VoxelEncoder({ cDim: 4 }).eval();
    cases.push([v, () => v.apply(vox)]);
    const r = new Resnet18Encoder({ cDim: 4 }).eval();
    cases.push([r, () => r.apply(img)]);
    const l = new LatentEncoder({ zDim: 4, cDim: 0 });
    cases.push([l, () => l.apply(p, occ, null)]);
    for (const [enc, call] of cases) {
      const first = call();
      const firstValues = first instanceof tf.Tensor ? first.dataSync() : first.mean.dataSync();
      expect(Math.max(...Array.from(firstValues, Math.abs))).toBeGreaterThan(0);
      tf.dispose(first);
      const before = tf.memory().numTensors;
      tf.dispose(call()); // one more call (the voxel encoder's wasm Conv3D is slow)
      expect(tf.memory().numTensors).toBe(before);
      enc.dispose();
    }
    tf.dispose([vox, img, p, occ]);
  });

  it('latent encoder: with a condition code, shapes [B, zDim]; occupancy changes the posterior', () => {
    const enc = new LatentEncoder({ zDim: 4, cDim: 6 });
    const p = tf.randomUniform([2, 30, 3], -0.5, 0.5, 'float32', 2);
    const c = tf.randomNormal([2, 6], 0, 1, 'float32', 3);
    const occ0 = tf.zeros([2, 30]);
    const occ1 = tf.ones([2, 30]);
    const q0 = enc.apply(p, occ0, c);
    const q1 = enc.apply(p, occ1, c);
    expect(q0.mean.shape).toEqual([2, 4]);
    expect(q0.logstd.shape).toEqual([2, 4]);
    const d = Math.max(...Array.from(tf.sub(q0.mean, q1.mean).dataSync(), Math.abs));
    expect(d).toBeGreaterThan(1e-4);
    expect(() => enc.apply(p, occ0, null)).toThrow(/c \[2, 6\] is required/);
    tf.dispose([p, c, occ0, occ1, q0.mean, q0.logstd, q1.mean, q1.logstd]);
    enc.dispose();
  });

  it('reject wrong shapes with a typed error', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => new ResnetPointnet({ cDim: 4, hidden: 4 }).apply(tf.zeros([2, 10, 2])), /points must be \[B, N, 3\]/],
      [() => new SimplePointnet({ cDim: 4, hidden: 4 }).apply(tf.zeros([2, 0, 3])), /N ≥ 1/],
      [() => new VoxelEncoder({ cDim: 4 }).apply(tf.zeros([1, 16, 16, 16])), /\[B, 32, 32, 32\]/],
      [() => new Resnet18Encoder({ cDim: 4 }).apply(tf.zeros([1, 3, 224, 224])), /NHWC/],
      [() => new LatentEncoder({ zDim: 4, cDim: 0 }).apply(tf.zeros([1, 5, 3]), tf.zeros([1, 6])), /occupancy must be \[1, 5\]/],
      [() => new ResnetPointnet({ hidden: -3 }), /hidden must be an integer/],
    ];
    for (const [f, re] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NNError);
      expect((err as NNError).code).toBe('SHAPE_MISMATCH');
      expect((err as Error).message).toMatch(re);
    }
  });

  it('Resnet18Encoder keeps torchvision key names and maps NCHW weights', () => {
    const enc = new Resnet18Encoder({ cDim: 16 });
    const sd = enc.stateDict();
    expect(sd.get('features.conv1.weight')!.shape).toEqual([64, 3, 7, 7]);
    expect(sd.get('features.layer2.0.downsample.0.weight')!.shape).toEqual([128, 64, 1, 1]);
    expect(sd.get('features.layer4.1.bn2.running_var')!.shape).toEqual([512]);
    expect(sd.get('fc.weight')!.shape).toEqual([16, 512]);
    expect(sd.has('features.layer1.0.downsample.0.weight')).toBe(false);
    expect(sd.size).toBe(1 + 4 + 8 * 10 + 3 * 5 + 2);
    enc.dispose();
  });
});

describe('latentKL and sampleLatent', () => {
  it('KL is Σ over dims of −logσ + (σ² + μ²)/2 − 1/2, averaged over the batch; 0 at the prior', async () => {
    const { latentKL, sampleLatent } = await import('../src/index.js');
    const mean = tf.tensor2d([[0, 1], [2, 0]]);
    const logstd = tf.tensor2d([[0, Math.log(2)], [0, -1]]);
    const kl = latentKL(mean, logstd).dataSync()[0];
    const row0 = 0 + (-Math.log(2) + (4 + 1) / 2 - 0.5);
    const row1 = (0 + (1 + 4) / 2 - 0.5) + (1 + Math.exp(-2) / 2 - 0.5);
    expect(kl).toBeCloseTo((row0 + row1) / 2, 5);
    const zero = tf.zeros([3, 4]);
    expect(latentKL(zero, zero).dataSync()[0]).toBe(0);
    const z = sampleLatent(tf.fill([2000, 1], 3), tf.fill([2000, 1], Math.log(0.5)), 42).dataSync() as Float32Array;
    const m = z.reduce((a, v) => a + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((a, v) => a + (v - m) ** 2, 0) / z.length);
    expect(Math.abs(m - 3)).toBeLessThan(0.05);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.03);
    expect(() => latentKL(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(NNError);
    tf.dispose([mean, logstd, zero]);
  });
});
