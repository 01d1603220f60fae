import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { gatherRows, registerFastWasmKernels, registerFastMatMulGradient, samplePlanesSum, sampleGridTrilinear, selectBackend } from '../src/index.js';

/** Values of `f()` on the cpu backend (the reference) and on wasm with our kernels. */
async function both<T>(f: () => T): Promise<{ cpu: T; wasm: T }> {
  await tf.setBackend('cpu');
  const cpu = f();
  await tf.setBackend('wasm');
  const wasm = f();
  return { cpu, wasm };
}

const values = (t: tf.Tensor) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.dataSync() as Float32Array) });

describe('registerFastWasmKernels', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm'); // registers our kernels
    registerFastWasmKernels(); // a second call keeps them (no wrapper around a wrapper)
    registerFastMatMulGradient();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('installs its kernels on wasm once', () => {
    const k = tf.getKernel('Sum', 'wasm');
    registerFastWasmKernels();
    expect(tf.getKernel('Sum', 'wasm')).toBe(k);
  });

  it('Sum and Mean over leading, middle, negative, all and last axes equal the cpu backend', async () => {
    const cases: [number[], number | number[] | null, boolean][] = [
      [[37, 5], 0, false],
      [[2, 9, 6], [0, 1], false],
      [[2, 9, 6], 1, true],
      [[3, 4, 5, 6], [-3, -2], false],
      [[3, 4, 5, 6], [2, 1], true],
      [[4, 6], null, false],
      [[4, 6], -1, true],
      [[3, 4, 5], [0, 2], false],
    ];
    for (const [shape, axis, keepDims] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 7)));
      const r = await both(() => {
        const x = tf.tensor(data, shape);
        const out = [values(tf.sum(x, axis ?? undefined, keepDims)), values(tf.mean(x, axis ?? undefined, keepDims))];
        x.dispose();
        return out;
      });
      for (let k = 0; k < 2; k++) {
        expect(r.wasm[k].shape, `${shape} ${axis}`).toEqual(r.cpu[k].shape);
        r.wasm[k].data.forEach((v, i) => expect(v).toBeCloseTo(r.cpu[k].data[i], 4));
      }
    }
  });

  it('int32 sums fall back to the wasm kernel and stay int32', async () => {
    await tf.setBackend('wasm');
    const s = tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([9, 12]);
  });

  it('Transpose: 2-D swaps (blocked) and other permutations equal the cpu backend', async () => {
    for (const [shape, perm] of [
      [[67, 45], [1, 0]],
      [[3, 5, 7, 11], [2, 3, 0, 1]],
      [[3, 5, 7, 11], [3, 0, 1, 2]],
      [[3, 5, 7], [0, 2, 1]],
      [[1, 9], [1, 0]],
    ] as [number[], number[]][]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const r = await both(() => values(tf.transpose(tf.tensor(Float32Array.from({ length: n }, (_, i) => i), shape), perm)));
      expect(r.wasm).toEqual(r.cpu);
    }
  });

  it('SplitV along every axis and broadcast Equal (ties, NaN) equal the cpu backend', async () => {
    const x = Float32Array.from({ length: 2 * 6 * 5 }, (_, i) => i * 0.5);
    for (const [axis, sizes] of [[0, [1, 1]], [1, [2, 4]], [2, [3, 2]], [-1, 5], [1, [1, -1]]] as [number, number[] | number][]) {
      const r = await both(() => tf.split(tf.tensor3d(x, [2, 6, 5]), sizes, axis).map(values));
      expect(r.wasm).toEqual(r.cpu);
    }
    const a = Float32Array.from({ length: 3 * 4 * 5 }, (_, i) => (i % 7) - 3);
    a[7] = Number.NaN;
    let ties = 0;
    for (const [sa, sb] of [[[3, 4, 5], [3, 1, 5]], [[3, 4, 5], [1, 4, 1]], [[3, 1, 5], [3, 4, 5]], [[3, 4, 5], [1, 1, 5]]] as [number[], number[]][]) {
      const bn = sb.reduce((p, d) => p * d, 1);
      const bv = Float32Array.from({ length: bn }, (_, i) => (i % 5) - 2);
      bv[1] = Number.NaN;
      const r = await both(() => values(tf.equal(tf.tensor(a.subarray(0, sa.reduce((p, d) => p * d, 1)), sa), tf.tensor(bv, sb))));
      expect(r.wasm).toEqual(r.cpu);
      ties += r.wasm.data.filter((v) => v === 1).length;
    }
    expect(ties).toBeGreaterThan(10); // the cases have ties to find
  });

  it('Slice (contiguous, strided, short and long rows, int32 and bool) equals the cpu backend', async () => {
    const shape = [3, 4, 5, 20];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.31) * 7);
    const cases: [number[], number[]][] = [
      [[1, 0, 0, 0], [1, 4, 5, 20]], // contiguous block
      [[0, 1, 0, 0], [3, 2, 5, 20]], // strided, 100-value rows
      [[0, 0, 0, 3], [3, 4, 5, 1]], // one value per row
      [[2, 3, 4, 0], [1, 1, 1, 20]],
      [[0, 1, 2, 2], [-1, 2, 3, 17]], // -1: to the end; 17 ≥ 16 takes the block copy
    ];
    for (const [begin, size] of cases) {
      const r = await both(() =>
        tf.tidy(() => {
          const t = tf.tensor(x, shape);
          return [values(tf.slice(t, begin, size)), values(tf.slice(tf.cast(tf.mul(t, 10), 'int32'), begin, size)), values(tf.slice(tf.greater(t, 0), begin, size))];
        }),
      );
      expect(r.wasm, `${begin} ${size}`).toEqual(r.cpu);
      expect(r.wasm[0].data.length).toBeGreaterThan(0);
    }
    const r1 = await both(() => values(tf.slice(tf.tensor1d([1, 2, 3, 4, 5]), 1, 3)));
    expect(r1.wasm.data).toEqual([2, 3, 4]);
  });

  it('Concat along the last, a middle and the first axis (short and long pieces, empty inputs) equals the cpu backend', async () => {
    const t = (shape: number[], k: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.25 + k * 1000), shape);
    const cases: [number[][], number][] = [
      [[[4, 5, 3], [4, 5, 2], [4, 5, 7]], 2],
      [[[4, 5, 3], [4, 1, 3]], 1],
      [[[2, 5, 3], [3, 5, 3]], 0],
      [[[6, 700], [6, 400]], 1], // 1100 values per row: the original kernel
      [[[4, 0, 3], [4, 5, 3]], 1],
    ];
    for (const [shapes, axis] of cases) {
      const r = await both(() => tf.tidy(() => values(tf.concat(shapes.map((s, k) => t(s, k)), axis))));
      expect(r.wasm, `${JSON.stringify(shapes)} ${axis}`).toEqual(r.cpu);
    }
  });

  it('Identity and same-dtype Cast share the buffer: the copy outlives its source, values intact', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1.5, -2, 3]);
    const c = tf.clone(x);
    const k = tf.cast(x, 'float32');
    const i = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(k.dataSync())).toEqual([1.5, -2, 3]);
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, -2, 3]);
    const before = tf.memory().numBytes;
    tf.dispose([c, k]);
    expect(tf.memory().numBytes).toBeLessThan(before); // the shared buffer is freed with its last user
    i.dispose();
  });

  it('a training-style graph (matmul, bias, batch statistics, relu) has the cpu backend gradients', async () => {
    const x0 = Float32Array.from({ length: 2 * 50 * 8 }, (_, i) => Math.cos(i * 0.37));
    const w0 = Float32Array.from({ length: 8 * 6 }, (_, i) => Math.sin(i * 0.91) * 0.5);
    const r = await both(() => {
      const x = tf.tensor3d(x0, [2, 50, 8]);
      const w = tf.tensor2d(w0, [8, 6]);
      const b = tf.tensor1d([0.1, -0.2, 0.3, 0, 0.5, -0.1]);
      const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => {
        const h = tf.add(tf.reshape(tf.matMul(tf.reshape(xx, [-1, 8]), ww), [2, 50, 6]), bb);
        const { mean, variance } = tf.moments(h, [0, 1]);
        const y = tf.relu(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))));
        return tf.sum(tf.mul(y, tf.reshape(tf.transpose(h, [1, 0, 2]), [2, 50, 6])));
      };
      const g = tf.grads(f)([x, w, b]);
      return g.map(values);
    });
    r.wasm.forEach((g, k) => {
      expect(g.shape).toEqual(r.cpu[k].shape);
      g.data.forEach((v, i) => expect(Math.abs(v - r.cpu[k].data[i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(r.cpu[k].data[i]))));
    });
  });
});

describe('kernels on tensors made on another backend (moved onto the wasm heap on first use)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  /**
   * A tensor of `shape` made on cpu, then `op` on wasm. Each case's tensor is larger than the one before (≥ 16 MiB), so
   * its move grows the heap (the heap never shrinks, and a freed block would otherwise take it): a view of the heap
   * taken before the move would be detached.
   */
  async function movedThenRun<T extends tf.Tensor>(shape: number[], op: (x: T) => tf.Tensor): Promise<void> {
    const n = shape.reduce((a, b) => a * b, 1);
    await selectBackend('cpu');
    // small integers: any summation order is exact
    const x = tf.tidy(() => tf.reshape(tf.mod(tf.range(0, n, 1, 'float32'), 4), shape)) as T;
    const expected = tf.tidy(() => op(x));
    const want = Array.from(expected.dataSync());
    expected.dispose();
    await selectBackend('wasm');
    const got = op(x); // x still lives on cpu until the kernel looks it up
    expect(Array.from(got.dataSync())).toEqual(want);
    got.dispose();
    x.dispose();
  }

  it('Slice, Sum over axis 0, Transpose, Concat, gatherRows and samplePlanesSum equal the cpu backend', async () => {
    const M = 1 << 20;
    await movedThenRun<tf.Tensor2D>([4 * M, 1], (x) => tf.slice(x, [5, 0], [3, 1]));
    await movedThenRun<tf.Tensor2D>([5 * M, 1], (x) => tf.sum(x, 0));
    await movedThenRun<tf.Tensor2D>([3 * M, 2], (x) => tf.slice(tf.transpose(x), [0, 7], [2, 3]));
    await movedThenRun<tf.Tensor2D>([7 * M, 1], (x) => tf.slice(tf.concat([x, x], 1), [9, 0], [2, 2]));
    await movedThenRun<tf.Tensor2D>([2 * M, 4], (x) => gatherRows(x, tf.tensor1d([3, 0, 1000], 'int32')));
    await movedThenRun<tf.Tensor4D>([1, 1536, 1536, 4], (plane) => samplePlanesSum(tf.tensor3d([[[0.1, -0.2, 0.3], [0, 0, 0]]]), [['xz', plane]], 0.1));
  });

});

describe('registerFastWasmKernels: exact results (bit for bit) and edge cases', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('feature-gather gradients written in the wasm heap: bit-identical to cpu even over freed NaN-filled memory', async () => {
    const R = 16;
    const C = 8;
    const T = 300;
    const pts = Float32Array.from({ length: 3 * T }, (_, i) => Math.sin(i * 1.37) * 0.55);
    const feat = Float32Array.from({ length: R * R * C }, (_, i) => Math.cos(i * 0.7));
    const grid = Float32Array.from({ length: R * R * R * C }, (_, i) => Math.sin(i * 0.3));
    const w = Float32Array.from({ length: T * C }, (_, i) => Math.cos(i * 0.11));
    const run = () => {
      // leave NaNs where the gradients will be allocated: a missing zero fill would show
      tf.dispose([tf.fill([R, R, R, C], Number.NaN), tf.fill([R, R, C], Number.NaN)]);
      const p = tf.tensor3d(pts, [1, T, 3]);
      const wt = tf.tensor3d(w, [1, T, C]);
      const plane = tf.tensor4d(feat, [1, R, R, C]);
      const g5 = tf.tensor5d(grid, [1, R, R, R, C]);
      const [gp] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(samplePlanesSum(p, [['xz', a as tf.Tensor4D], ['yz', a as tf.Tensor4D]], 0.1), wt)))([plane]);
      const [gg] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(sampleGridTrilinear(a as tf.Tensor5D, tf.mul(p, 1.6) as tf.Tensor3D), wt)))([g5]);
      const out = [Array.from(gp.dataSync()), Array.from(gg.dataSync())];
      tf.dispose([p, wt, plane, g5, gp, gg]);
      return out;
    };
    const r = await both(run);
    expect(r.wasm[0].some((v) => v !== 0)).toBe(true);
    expect(r.wasm[0].every(Number.isFinite) && r.wasm[1].every(Number.isFinite)).toBe(true);
    expect(r.wasm).toEqual(r.cpu);
  });

  it('Sum/Mean over leading axes add rows in order in float32 (bit for bit), Transpose is an exact copy, any row count', async () => {
    await tf.setBackend('wasm');
    for (const [outer, rows, inner] of [
      [1, 4099, 7],
      [3, 6, 5],
      [2, 3, 130],
    ]) {
      const data = Float32Array.from({ length: outer * rows * inner }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 11)) * 1e3);
      const expected = new Float32Array(outer * inner);
      for (let o = 0; o < outer; o++) {
        for (let r = 0; r < rows; r++) for (let i = 0; i < inner; i++) expected[o * inner + i] = Math.fround(expected[o * inner + i] + data[(o * rows + r) * inner + i]);
      }
      const x = tf.tensor3d(data, [outer, rows, inner]);
      const sum = tf.sum(x, 1);
      const mean = tf.mean(x, 1);
      expect(Array.from(sum.dataSync())).toEqual(Array.from(expected));
      expect(Array.from(mean.dataSync())).toEqual(Array.from(expected, (v) => Math.fround(v / rows)));
      const t = tf.transpose(tf.reshape(x, [outer * rows, inner]));
      const td = t.dataSync();
      let same = true;
      for (let r = 0; r < outer * rows; r++) for (let c = 0; c < inner; c++) same &&= td[c * outer * rows + r] === data[r * inner + c];
      expect(same).toBe(true);
      tf.dispose([x, sum, mean, t]);
    }
  });

  it('Max over leading axes equals the cpu backend bit for bit: NaN anywhere, ±0 (the first stays), keepDims', async () => {
    const cases: [number[], number | number[], boolean][] = [
      [[4, 9, 6], 1, false],
      [[4, 9, 6], [0, 1], true],
      [[37, 5], 0, false],
      [[2, 3, 4, 5], [1, 2], false],
      [[16, 512, 8], 1, false],
    ];
    for (const [shape, axis, keepDims] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 1.7) * 3));
      data[5] = Number.NaN;
      data[n - 2] = Number.NaN;
      for (let i = 10; i < n; i += 13) data[i] = -0;
      const key = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
      const r = await both(() => {
        const x = tf.tensor(data, shape);
        const m = tf.max(x, axis, keepDims);
        const out = { shape: m.shape, values: Array.from(m.dataSync(), key) };
        tf.dispose([x, m]);
        return out;
      });
      expect(r.wasm, `${shape} ${axis}`).toEqual(r.cpu);
      expect(r.wasm.values).toContain('NaN');
    }
    // signed zeros where they decide: of −0 and +0 the first stays, in either order; one row, inner size 1
    await tf.setBackend('wasm');
    const zeros = tf.max(tf.tensor2d([-0, 0, -1, 0, -0, -2], [2, 3]), 0);
    expect(Array.from(zeros.dataSync(), (v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['-0', '0', '-1']);
    const firstZero = tf.max(tf.tensor2d([-0, 0, 0, -0], [2, 2]), 0);
    expect(Array.from(firstZero.dataSync(), (v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['-0', '0']);
    const oneRow = tf.max(tf.tensor3d([3, -1, 2], [1, 1, 3]), 1);
    const innerOne = tf.max(tf.tensor2d([4, -2, 7, 1, 0], [5, 1]), 0);
    expect([Array.from(oneRow.dataSync()), Array.from(innerOne.dataSync())]).toEqual([[3, -1, 2], [7]]);
    // the gradient of max (tfjs's Equal against the saved output) still routes to the maxima
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.max(a, 1)))(tf.tensor3d([1, 5, 2, 7, 3, 1], [1, 3, 2]));
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 1, 1, 0]);
    tf.dispose([zeros, firstZero, oneRow, innerOne, g]);
  });
});
