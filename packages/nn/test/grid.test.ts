import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  conv3x3x3,
  convTranspose2x2x2,
  maxPool2x2x2,
  normalizeGridCoordinates,
  gridCellIndex,
  sampleGridTrilinear,
  setJsKernels,
  registerFastMatMulGradient,
} from '../src/index.js';

const worstDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

/** Our kernel layout [ky, kx, cin, kz, cout] from tf's DHWIO [kz, ky, kx, cin, cout]. */
const ours = (k: tf.Tensor) => tf.reshape(tf.transpose(k, [1, 2, 3, 0, 4]), [9 * (k.shape[3] as number), 3 * (k.shape[4] as number)]);

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => setJsKernels('auto'));

describe('conv3x3x3 / convTranspose2x2x2 / maxPool2x2x2', () => {
  it('conv3x3x3 forward and both gradients equal tf.conv3d (cpu), odd sides and depth 1', () => {
    for (const shape of [
      [2, 4, 5, 6, 3],
      [1, 1, 3, 2, 2],
    ] as const) {
      const x = tf.randomNormal([...shape], 0, 1, 'float32', 1) as tf.Tensor5D;
      const k = tf.randomNormal([3, 3, 3, shape[4], 4], 0, 1, 'float32', 2) as tf.Tensor5D;
      const w = tf.randomNormal([...shape.slice(0, 4), 4], 0, 1, 'float32', 3);
      const mine = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv3x3x3(a as tf.Tensor5D, ours(b)), w));
      const ref = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, 'same'), w));
      expect(worstDiff(conv3x3x3(x, ours(k)).dataSync(), tf.conv3d(x, k, 1, 'same').dataSync())).toBeLessThan(1e-4);
      const [gx, gk] = tf.grads(mine)([x, k]);
      const [rx, rk] = tf.grads(ref)([x, k]);
      expect(worstDiff(gx.dataSync(), rx.dataSync())).toBeLessThan(1e-3);
      expect(worstDiff(gk.dataSync(), rk.dataSync())).toBeLessThan(1e-3);
    }
  });

  it('convTranspose2x2x2 places tap (a, b, c) at voxel (2z+a, 2y+b, 2x+c) and equals tf.conv3dTranspose', () => {
    const y = convTranspose2x2x2(tf.ones([1, 1, 1, 1, 1]) as tf.Tensor5D, tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [1, 8]));
    expect(y.shape).toEqual([1, 2, 2, 2, 1]);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const x = tf.randomNormal([2, 2, 3, 2, 3], 0, 1, 'float32', 4) as tf.Tensor5D;
    const k = tf.randomNormal([2, 2, 2, 5, 3], 0, 1, 'float32', 5) as tf.Tensor5D; // [d, h, w, out, in]
    const ref = tf.conv3dTranspose(x, k, [2, 4, 6, 4, 5], 2, 'valid');
    const kernel = tf.reshape(tf.transpose(k, [4, 0, 1, 2, 3]), [3, 40]); // [in, (a, b, c, out)]
    expect(worstDiff(convTranspose2x2x2(x, kernel).dataSync(), ref.dataSync())).toBeLessThan(1e-4);
  });

  it('maxPool2x2x2 rejects odd sides instead of pairing cells across rows or shapes', () => {
    expect(() => maxPool2x2x2(tf.zeros([2, 3, 4, 4, 1]) as tf.Tensor5D)).toThrow(/even D, H, W/);
    expect(() => maxPool2x2x2(tf.zeros([1, 4, 3, 4, 1]) as tf.Tensor5D)).toThrow(/even D, H, W/);
  });

  it('maxPool2x2x2 equals tf.maxPool3d and routes the gradient to the maxima', () => {
    const x = tf.randomNormal([2, 4, 2, 6, 3], 0, 1, 'float32', 6) as tf.Tensor5D;
    expect(Array.from(maxPool2x2x2(x).dataSync())).toEqual(Array.from(tf.maxPool3d(x, 2, 2, 'valid').dataSync()));
    const g = tf.grad((a: tf.Tensor) => tf.sum(maxPool2x2x2(a as tf.Tensor5D)))(x).dataSync() as Float32Array;
    expect(g.reduce((s, v) => s + v, 0)).toBe(2 * 2 * 1 * 3 * 3); // one 1 per output
  });
});

describe('conv3x3x3 JS depth-tap sum', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`equals the per-tap convolutions exactly, gradients to float noise, no tensor left (${backend})`, async () => {
      await tf.setBackend(backend);
      try {
        const x = tf.randomNormal([2, 5, 4, 3, 6], 0, 1, 'float32', 11) as tf.Tensor5D;
        const k = tf.randomNormal([54, 21], 0, 1, 'float32', 12); // 9·6 × 3·7
        const bias = tf.randomNormal([7], 0, 1, 'float32', 13);
        const w = tf.randomNormal([2, 5, 4, 3, 7], 0, 1, 'float32', 14);
        const run = (mode: 'auto' | 'never') => {
          setJsKernels(mode);
          const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv3x3x3(a as tf.Tensor5D, b, bias), w));
          const value = tf.tidy(() => Array.from(conv3x3x3(x, k, bias).dataSync()));
          const [gx, gk] = tf.tidy(() => tf.grads(f)([x, k]).map((g) => Array.from(g.dataSync())));
          return { value, gx, gk };
        };
        const before = tf.memory().numTensors;
        const fused = run('auto');
        const taps = run('never');
        expect(tf.memory().numTensors).toBe(before);
        expect(fused.value).toEqual(taps.value);
        expect(fused.value.filter((v) => v !== 0).length).toBeGreaterThan(500);
        expect(worstDiff(fused.gx, taps.gx)).toBeLessThan(1e-4);
        expect(worstDiff(fused.gk, taps.gk)).toBeLessThan(1e-4);
        tf.dispose([x, k, bias, w]);
      } finally {
        setJsKernels('auto');
        await tf.setBackend('cpu');
      }
    });
  }
});

describe('grid coordinates and trilinear sampling', () => {
  it('normalises like CON normalize_3d_coordinate (eps 1e-3) and indexes cells x + R·(y + R·z)', () => {
    const p = tf.tensor2d([0, 0, 0, 0.55, -0.2, -0.55, 0.7, 0, -0.9], [3, 3]);
    const n = normalizeGridCoordinates(p, 0.1).dataSync();
    const d = 1 + 0.1 + 1e-3;
    expect(worstDiff(n, [0.5, 0.5, 0.5, 0.55 / d + 0.5, -0.2 / d + 0.5, -0.55 / d + 0.5, 1 - 1e-3, 0.5, 0])).toBeLessThan(1e-6);
    const idx = gridCellIndex(tf.tensor2d(n, [3, 3]), 4).dataSync();
    expect(Array.from(idx)).toEqual([2 + 4 * (2 + 4 * 2), 3 + 4 * (1 + 4 * 0), 3 + 4 * (2 + 4 * 0)]);
  });

  for (const mode of ['auto', 'never'] as const) {
    it(`samples corner-aligned with border clamp, gradient into features (${mode === 'auto' ? 'JS kernel' : 'tfjs ops'})`, () => {
      setJsKernels(mode);
      // 1 batch, 3×3×3 grid, 1 channel: value = 100·z + 10·y + x — trilinear reproduces it exactly inside
      const v = new Float32Array(27).map((_, i) => 100 * Math.floor(i / 9) + 10 * (Math.floor(i / 3) % 3) + (i % 3));
      const f = tf.tensor5d(v, [1, 3, 3, 3, 1]);
      const xyz = tf.tensor3d([0, 0, 0, 1, 1, 1, 0.5, 0.25, 0.75, 1.2, -0.3, 0.5], [1, 4, 3]);
      const s = sampleGridTrilinear(f, xyz).dataSync();
      // voxel = xyz·(R−1); outside [0, 1] clamps to the border
      expect(worstDiff(s, [0, 222, 100 * 1.5 + 10 * 0.5 + 1, 100 + 0 + 2])).toBeLessThan(1e-4);
      const g = tf.grad((a: tf.Tensor) => tf.sum(sampleGridTrilinear(a as tf.Tensor5D, xyz)))(f).dataSync() as Float32Array;
      expect(g.reduce((t, x) => t + x, 0)).toBeCloseTo(4, 5); // each sample's weights sum to 1
      expect(g[0]).toBeCloseTo(1, 6);
      expect(g[26]).toBeCloseTo(1, 6);
    });
  }

  for (const mode of ['auto', 'never'] as const) {
    it(`keeps batch elements apart: each shape samples its own grid, gradients land in its own grid (${mode === 'auto' ? 'JS kernel' : 'tfjs ops'})`, () => {
      setJsKernels(mode);
      const G = 3;
      // shape 0: value = x-index; shape 1: value = 10 · z-index
      const v = new Float32Array(2 * G ** 3).map((_, i) => (i < G ** 3 ? i % G : 10 * Math.floor((i - G ** 3) / (G * G))));
      const f = tf.tensor5d(v, [2, G, G, G, 1]);
      const xyz = tf.tensor3d([0.25, 0.5, 1, 0.75, 0, 0.5, 0.25, 0.5, 1, 0.75, 0, 0.5], [2, 2, 3]);
      expect(worstDiff(sampleGridTrilinear(f, xyz).dataSync(), [0.5, 1.5, 20, 10])).toBeLessThan(1e-4);
      const w = tf.tensor3d([1, 0, 0, 1], [2, 2, 1]); // only shape 0's first and shape 1's second sample count
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(sampleGridTrilinear(a as tf.Tensor5D, xyz), w)))(f).dataSync() as Float32Array;
      const sum = (from: number, to: number) => g.slice(from, to).reduce((t, x) => t + x, 0);
      expect(sum(0, G ** 3)).toBeCloseTo(1, 5);
      expect(sum(G ** 3, 2 * G ** 3)).toBeCloseTo(1, 5);
      // shape 1's sample (0.75, 0, 0.5) sits at voxel (x 1.5, y 0, z 1): cells (1|2, 0, 1) of the second grid
      expect(g[G ** 3 + (1 * G + 0) * G + 1]).toBeCloseTo(0.5, 5);
      expect(g[G ** 3 + (1 * G + 0) * G + 2]).toBeCloseTo(0.5, 5);
      expect(() => sampleGridTrilinear(f, tf.zeros([1, 2, 3]) as tf.Tensor3D)).toThrow(/\[2, T, 3\]/);
      expect(() => sampleGridTrilinear(tf.zeros([1, 2, 2, 3, 1]) as tf.Tensor5D, tf.zeros([1, 2, 3]) as tf.Tensor3D)).toThrow(/cubic/);
    });
  }

  it('the cell a point is scattered into contains it', () => {
    const R = 8;
    const p = tf.randomUniform([50, 3], -0.55, 0.55, 'float32', 8);
    const n = normalizeGridCoordinates(p, 0.1);
    const idx = gridCellIndex(n, R).dataSync();
    const c = n.dataSync();
    for (let i = 0; i < 50; i++) {
      const x = idx[i] % R;
      const y = Math.floor(idx[i] / R) % R;
      const z = Math.floor(idx[i] / (R * R));
      expect([x, y, z]).toEqual([Math.floor(c[3 * i] * R), Math.floor(c[3 * i + 1] * R), Math.floor(c[3 * i + 2] * R)]);
    }
  });

  it('conv3x3x3 + trilinear sampling: same value and gradients on wasm and cpu', async () => {
    const run = () => {
      const x = tf.randomNormal([1, 4, 4, 4, 2], 0, 1, 'float32', 5) as tf.Tensor5D;
      const k = tf.randomNormal([18, 6], 0, 1, 'float32', 6);
      const xyz = tf.randomUniform([1, 9, 3], 0, 1, 'float32', 7) as tf.Tensor3D;
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(sampleGridTrilinear(maxPool2x2x2(tf.relu(conv3x3x3(a as tf.Tensor5D, b)) as tf.Tensor5D), xyz)));
      const value = f(x, k).dataSync()[0];
      const [gx, gk] = tf.grads(f)([x, k]);
      return { value, gx: Array.from(gx.dataSync()), gk: Array.from(gk.dataSync()) };
    };
    const cpu = run();
    await tf.setBackend('wasm');
    registerFastMatMulGradient();
    try {
      const wasm = run();
      expect(Math.abs(wasm.value - cpu.value)).toBeLessThan(1e-3 * Math.max(1, Math.abs(cpu.value)));
      expect(worstDiff(wasm.gx, cpu.gx)).toBeLessThan(1e-3);
      expect(worstDiff(wasm.gk, cpu.gk)).toBeLessThan(1e-3);
      expect(cpu.gk.some((v) => v !== 0)).toBe(true);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
