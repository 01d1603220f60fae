import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  gatherRows,
  scatterMeanRows,
  conv3x3,
  convTranspose2x2,
  samplePlaneBilinear,
  samplePlanesSum,
  sampleGridTrilinear,
  normalizePlaneCoordinates,
  planeCellIndex,
  setJsKernels,
  registerFastMatMulGradient,
  type PlaneName,
} from '../src/index.js';
import { jsKernelOutput } from '../src/sparse.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tol);
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => setJsKernels('auto'));

describe('gather / scatter-mean', () => {
  for (const mode of ['auto', 'never'] as const) {
    it(`values and gradients (${mode === 'auto' ? 'JS kernels' : 'tfjs ops'})`, () => {
      setJsKernels(mode);
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const idx = tf.tensor1d([2, 0, 2], 'int32');
      expect(Array.from(gatherRows(x, idx).dataSync())).toEqual([5, 6, 1, 2, 5, 6]);
      // d/dx Σ (gather(x) · w): rows accumulate their weights, duplicates summed
      const w = tf.tensor2d([1, 1, 10, 10, 100, 100], [3, 2]);
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(gatherRows(a, idx), w)))(x);
      expect(Array.from(g.dataSync())).toEqual([10, 10, 0, 0, 101, 101]);
      const v = tf.tensor2d([2, 4, 6, 8, 10, 12], [3, 2]);
      const m = scatterMeanRows(v, idx, 4);
      expect(Array.from(m.dataSync())).toEqual([6, 8, 0, 0, 6, 8, 0, 0]);
      const gm = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(scatterMeanRows(a, idx, 4), tf.tensor2d([1, 1, 0, 0, 3, 3, 0, 0], [4, 2]))))(v);
      expect(Array.from(gm.dataSync())).toEqual([1.5, 1.5, 1, 1, 1.5, 1.5]);
    });
  }
});

describe('conv3x3 / convTranspose2x2', () => {
  it('conv3x3 forward and both gradients equal tf.conv2d (cpu)', () => {
    const x = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const k = tf.randomNormal([27, 4], 0, 1, 'float32', 2);
    const ref = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, tf.reshape(b, [3, 3, 3, 4]) as tf.Tensor4D, 1, 'same');
    const w = tf.randomNormal([2, 5, 4, 4], 0, 1, 'float32', 3);
    close(conv3x3(x, k).dataSync(), ref(x, k).dataSync(), 1e-4);
    const [gx, gk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv3x3(a as tf.Tensor4D, b), w)))([x, k]);
    const [rx, rk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(ref(a, b), w)))([x, k]);
    close(gx.dataSync(), rx.dataSync(), 1e-3);
    close(gk.dataSync(), rk.dataSync(), 1e-3);
  });

  it('convTranspose2x2 places kernel taps at (2i+a, 2j+b)', () => {
    const x = tf.tensor4d([1, 2], [1, 1, 2, 1]);
    // kernel [Cin=1, 4·Cout=4] ordered (a, b): taps 1, 2, 3, 4
    const y = convTranspose2x2(x, tf.tensor2d([1, 2, 3, 4], [1, 4]));
    expect(y.shape).toEqual([1, 2, 4, 1]);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 2, 4, 3, 4, 6, 8]);
  });
});

describe('plane coordinates and bilinear sampling', () => {
  it('normalises like CON normalize_coordinate and indexes cells u + R·v', () => {
    const p = tf.tensor2d([0, 0, 0, 0.55, -0.2, -0.55, 0.7, 0, -0.9], [3, 3]);
    const uv = normalizePlaneCoordinates(p, 'xz', 0.1).dataSync();
    const d = 1 + 0.1 + 1e-5;
    close(uv, [0.5, 0.5, 0.55 / d + 0.5, -0.55 / d + 0.5, 1 - 1e-5, 0], 1e-6);
    const idx = planeCellIndex(tf.tensor2d(uv, [3, 2]), 4).dataSync();
    expect(Array.from(idx)).toEqual([2 + 4 * 2, 3 + 4 * 0, 3 + 4 * 0]);
  });

  for (const mode of ['auto', 'never'] as const) {
    it(`samples corner-aligned with border clamp, gradient into features (${mode})`, () => {
      setJsKernels(mode);
      // 1 batch, 3×3 plane, 1 channel: value = 10·row + col
      const f = tf.tensor4d([0, 1, 2, 10, 11, 12, 20, 21, 22], [1, 3, 3, 1]);
      const uv = tf.tensor3d([0, 0, 1, 1, 0.5, 0.5, 0.25, 0.75, 1, 0], [1, 5, 2]);
      const s = samplePlaneBilinear(f, uv).dataSync();
      // pixel = uv·(R−1): (0,0)→0, (2,2)→22, (1,1)→11, (0.5,1.5)→15.5, (2,0)→2
      close(s, [0, 22, 11, 15.5, 2], 1e-5);
      const g = tf.grad((a: tf.Tensor) => tf.sum(samplePlaneBilinear(a as tf.Tensor4D, uv)))(f).dataSync();
      close(g, [1, 0, 1, 0.25, 1.25, 0, 0.25, 0.25, 1], 1e-6);
    });
  }
});

describe('wasm agrees with cpu', () => {
  it('a small conv + gather + sampling graph has the same value and gradients on wasm and cpu', async () => {
    const run = () => {
      const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
      const k = tf.randomNormal([18, 2], 0, 1, 'float32', 6);
      const uv = tf.randomUniform([1, 7, 2], 0, 1, 'float32', 7) as tf.Tensor3D;
      const idx = tf.tensor1d([0, 3, 3, 15, 7], 'int32');
      const f = (a: tf.Tensor, b: tf.Tensor) => {
        const c = tf.relu(conv3x3(a as tf.Tensor4D, b)) as tf.Tensor4D;
        const s = samplePlaneBilinear(c, uv);
        const m = scatterMeanRows(tf.reshape(c, [16, 2]), tf.tensor1d([0, 3, 3, 15, 7, 1, 1, 1, 2, 2, 4, 5, 6, 8, 9, 0], 'int32'), 16);
        return tf.add(tf.sum(tf.square(s)), tf.sum(gatherRows(m, idx)));
      };
      const value = f(x, k).dataSync()[0];
      const [gx, gk] = tf.grads(f)([x, k]);
      return { value, gx: Array.from(gx.dataSync()), gk: Array.from(gk.dataSync()) };
    };
    const cpu = run();
    await tf.setBackend('wasm');
    registerFastMatMulGradient();
    const registered = tf.getGradient('BatchMatMul');
    registerFastMatMulGradient(); // every Trainer calls it: a second call must not wrap the first
    expect(tf.getGradient('BatchMatMul')).toBe(registered);
    try {
      const wasm = run();
      expect(Math.abs(wasm.value - cpu.value)).toBeLessThan(1e-3 * Math.max(1, Math.abs(cpu.value)));
      close(wasm.gx, cpu.gx, 1e-3);
      close(wasm.gk, cpu.gk, 1e-3);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});

describe('JS sampling kernels round as the plain loop', () => {
  /** The loop the kernels replaced: `out += w · f[row]` per corner with w ≠ 0, float32 after each corner. */
  const plain = (f: Float32Array, C: number, corners: [number, number][][]) => {
    const out = new Float32Array(corners.length * C);
    corners.forEach((list, k) => {
      for (const [row, w] of list) if (Math.fround(w) !== 0) for (let c = 0; c < C; c++) out[k * C + c] += Math.fround(w) * f[row * C + c];
    });
    return Array.from(out);
  };
  const features = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.37) * 3 + Math.cos(i * 0.11));

  for (const backend of ['cpu', 'wasm']) {
    it(`bilinear and trilinear samples are bit-identical to it, zero weights included (${backend})`, async () => {
      await tf.setBackend(backend);
      try {
        const R = 5;
        const C = 32;
        const fp = features(R * R * C);
        // generic points (four non-zero weights) and points on grid lines and nodes (zero weights)
        const uv = [0.13, 0.71, 0.5, 0.5, 0.25, 0.6, 0, 1, 0.99, 0.02, 0.37, 0.25];
        const plane = tf.tidy(() => Array.from(samplePlaneBilinear(tf.tensor4d(fp, [1, R, R, C]), tf.tensor3d(uv, [1, 6, 2])).dataSync()));
        const cornersUv: [number, number][][] = [];
        for (let t = 0; t < 6; t++) {
          const px = Math.fround(uv[2 * t]) * (R - 1);
          const py = Math.fround(uv[2 * t + 1]) * (R - 1);
          const x0 = Math.min(Math.floor(px), R - 2);
          const y0 = Math.min(Math.floor(py), R - 2);
          const wx = px - x0;
          const wy = py - y0;
          cornersUv.push([
            [y0 * R + x0, (1 - wx) * (1 - wy)],
            [y0 * R + x0 + 1, wx * (1 - wy)],
            [(y0 + 1) * R + x0, (1 - wx) * wy],
            [(y0 + 1) * R + x0 + 1, wx * wy],
          ]);
        }
        expect(plane).toEqual(plain(fp, C, cornersUv));
        expect(cornersUv.flat().filter(([, w]) => w === 0).length).toBeGreaterThan(3); // the zero-weight path runs

        const G = 4;
        const fg = features(G * G * G * C);
        const xyz = [0.13, 0.71, 0.42, 0.5, 0.5, 0.5, 1, 0, 0.6, 0.9, 0.21, 0.05];
        const grid = tf.tidy(() => Array.from(sampleGridTrilinear(tf.tensor5d(fg, [1, G, G, G, C]), tf.tensor3d(xyz, [1, 4, 3])).dataSync()));
        const cornersXyz: [number, number][][] = [];
        for (let t = 0; t < 4; t++) {
          const p = [0, 1, 2].map((a) => Math.fround(xyz[3 * t + a]) * (G - 1));
          const p0 = p.map((v) => Math.min(Math.floor(v), G - 2));
          const w = p.map((v, a) => v - p0[a]);
          const list: [number, number][] = [];
          for (let j = 0; j < 8; j++) {
            const d = [j & 1, (j >> 1) & 1, (j >> 2) & 1];
            const row = ((p0[2] + d[2]) * G + (p0[1] + d[1])) * G + (p0[0] + d[0]);
            list.push([row, (d[0] ? w[0] : 1 - w[0]) * (d[1] ? w[1] : 1 - w[1]) * (d[2] ? w[2] : 1 - w[2])]);
          }
          cornersXyz.push(list);
        }
        expect(grid).toEqual(plain(fg, C, cornersXyz));
      } finally {
        await tf.setBackend('cpu');
      }
    });
  }
});

describe('samplePlanesSum', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`is bit-identical to summing samplePlaneBilinear over normalised coordinates, gradients too (${backend})`, async () => {
      await tf.setBackend(backend);
      try {
        const B = 2;
        const T = 40;
        const C = 8;
        const pts = Float32Array.from({ length: B * T * 3 }, (_, i) => Math.sin(i * 2.3) * 0.62); // some beyond the padded cube
        for (let i = 0; i < 12; i++) pts[i] = [0, 0.25, -0.25, 0.55, -0.55, 0.1][i % 6]; // cell borders: zero weights
        const sides: Record<PlaneName, number> = { xz: 5, xy: 8, yz: 1 };
        const planes = (['xz', 'xy', 'yz'] as PlaneName[]).map((n, j): [PlaneName, tf.Tensor4D] => {
          const R = sides[n];
          return [n, tf.tensor4d(Float32Array.from({ length: B * R * R * C }, (_, i) => Math.cos(i * 0.77 + j) * 2), [B, R, R, C])];
        });
        const p = tf.tensor3d(pts, [B, T, 3]);
        const before = tf.memory().numTensors;
        const composed = (fs: tf.Tensor[]) =>
          tf.tidy(() => {
            let c: tf.Tensor | undefined;
            planes.forEach(([n], j) => {
              const s = samplePlaneBilinear(fs[j] as tf.Tensor4D, normalizePlaneCoordinates(p, n, 0.1) as tf.Tensor3D);
              c = c ? tf.add(c, s) : s;
            });
            return c!;
          });
        const fused = (fs: tf.Tensor[]) => samplePlanesSum(p, planes.map(([n], j) => [n, fs[j] as tf.Tensor4D]), 0.1);
        const fs = planes.map(([, f]) => f);
        const a = tf.tidy(() => Array.from(fused(fs).dataSync()));
        const b = tf.tidy(() => Array.from(composed(fs).dataSync()));
        expect(a).toEqual(b);
        expect(a.some((v) => v !== 0)).toBe(true);
        const w = tf.tensor3d(Float32Array.from({ length: B * T * C }, (_, i) => (i % 5) - 2), [B, T, C]);
        const ga = tf.tidy(() => tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(fused(x), w)))(fs).map((g) => Array.from(g.dataSync())));
        const gb = tf.tidy(() => tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(composed(x), w)))(fs).map((g) => Array.from(g.dataSync())));
        ga.forEach((g, j) => close(g, gb[j], 1e-5));
        w.dispose();
        expect(tf.memory().numTensors).toBe(before);
        // the tfjs-ops path agrees to float noise
        setJsKernels('never');
        const c = tf.tidy(() => Array.from(fused(fs).dataSync()));
        close(c, b, 1e-5);
        tf.dispose([p, ...fs]);
      } finally {
        setJsKernels('auto');
        await tf.setBackend('cpu');
      }
    });
  }

  it('refuses mismatched shapes with SHAPE_MISMATCH', () => {
    const p = tf.zeros([1, 4, 3]) as tf.Tensor3D;
    expect(() => samplePlanesSum(p, [], 0.1)).toThrow(/at least one plane/);
    expect(() => samplePlanesSum(p, [['xz', tf.zeros([1, 4, 4, 2]) as tf.Tensor4D], ['xy', tf.zeros([1, 4, 4, 3]) as tf.Tensor4D]], 0.1)).toThrow(/plane xy must be \[1, R, R, 2\]/);
    expect(() => samplePlanesSum(tf.zeros([1, 4, 2]) as tf.Tensor3D, [['xz', tf.zeros([1, 4, 4, 2]) as tf.Tensor4D]], 0.1)).toThrow(/\[B, T, 3\]/);
  });
});

describe('jsKernelOutput', () => {
  it('writes in place on wasm and frees its output when the kernel throws', async () => {
    await tf.setBackend('wasm');
    try {
      const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
      const y = jsKernelOutput([2], [x], (out, [src]) => {
        out[0] = src[0] + src[1];
        out[1] = src[2] * src[3];
      });
      expect(Array.from(y.dataSync())).toEqual([3, 12]);
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const ids = backend.numDataIds();
      const tensors = tf.memory().numTensors;
      expect(() =>
        jsKernelOutput([1000], [x], () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(backend.numDataIds()).toBe(ids);
      expect(tf.memory().numTensors).toBe(tensors);
      tf.dispose([x, y]);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
