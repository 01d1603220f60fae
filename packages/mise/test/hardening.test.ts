import { describe, expect, it } from 'vitest';
import { MarchingCubesRangeError, marchingCubes } from '@onet/marching-cubes';
import { MiseError, extractIsosurface } from '../src/index.js';

const sphere = (p: Float32Array) => {
  const v = new Float32Array(p.length / 3);
  for (let n = 0; n < v.length; n++) v[n] = 0.4 - Math.hypot(p[3 * n], p[3 * n + 1], p[3 * n + 2]);
  return v;
};

/** The MiseError `extractIsosurface` rejects with, and how many points fn saw before. */
async function rejection(options: Parameters<typeof extractIsosurface>[1]): Promise<{ code: string; message: string; evaluated: number }> {
  let evaluated = 0;
  try {
    await extractIsosurface((p) => ((evaluated += p.length / 3), sphere(p)), options);
  } catch (e) {
    expect(e).toBeInstanceOf(MiseError);
    return { code: (e as MiseError).code, message: (e as MiseError).message, evaluated };
  }
  throw new Error('expected a MiseError');
}

describe('options are checked before any allocation or evaluation', () => {
  it('NaN threshold, resolution0 1025 without upsampling, bad resolution0 / upsamplingSteps', async () => {
    expect(await rejection({ threshold: NaN, upsamplingSteps: 0, resolution0: 64 })).toMatchObject({ code: 'INVALID_OPTION', evaluated: 0 });
    expect(await rejection({ threshold: Infinity })).toMatchObject({ code: 'INVALID_OPTION', evaluated: 0 });
    const big = await rejection({ resolution0: 1025, upsamplingSteps: 0 });
    expect(big).toMatchObject({ code: 'TOO_LARGE', evaluated: 0 });
    expect(big.message).toContain('[2, 1024]');
    expect(await rejection({ resolution0: 2.5 })).toMatchObject({ code: 'INVALID_OPTION', evaluated: 0 });
    expect(await rejection({ upsamplingSteps: -1 })).toMatchObject({ code: 'INVALID_OPTION', evaluated: 0 });
    expect(await rejection({ resolution0: 512, upsamplingSteps: 2 })).toMatchObject({ code: 'TOO_LARGE', evaluated: 0 });
  });

  it('bounds whose size or nodes overflow float32 are refused (they gave Infinity vertices)', async () => {
    const r = await rejection({ bounds: [-3e38, 3e38], resolution0: 4, upsamplingSteps: 1 });
    expect(r).toMatchObject({ code: 'INVALID_OPTION', evaluated: 0 });
    expect(r.message).toContain('overflow float32');
    // Large but representable: finite vertices.
    const { mesh } = await extractIsosurface((p) => sphere(p.map((x) => x / 1e37)), { bounds: [-0.55e37, 0.55e37], resolution0: 8, upsamplingSteps: 1 });
    expect(mesh.positions.length).toBeGreaterThan(0);
    expect(mesh.positions.every(Number.isFinite)).toBe(true);
  });

  it('marchingCubes refuses origin/spacing whose extent overflows float32', () => {
    const grid = new Float32Array(8).fill(1);
    grid[0] = -1;
    expect(() => marchingCubes(grid, [2, 2, 2], { spacing: [3e38, 1, 1] })).toThrow(MarchingCubesRangeError);
    expect(() => marchingCubes(grid, [2, 2, 2], { origin: [3.4e38, 0, 0], spacing: [1e38, 1, 1] })).toThrow(/beyond float32/);
    const ok = marchingCubes(grid, [2, 2, 2], { spacing: [1e37, 1, 1] });
    expect(ok.positions.every(Number.isFinite)).toBe(true);
  });
});

describe('abort while fn is in flight', () => {
  it('rejects with the signal reason while fn never settles', async () => {
    const ctrl = new AbortController();
    let calls = 0;
    const never = () => {
      calls++;
      queueMicrotask(() => ctrl.abort(new Error('stop')));
      return new Promise<Float32Array>(() => undefined);
    };
    await expect(extractIsosurface(never, { signal: ctrl.signal, resolution0: 8 })).rejects.toThrow('stop');
    expect(calls).toBe(1);
  });

  it('sees an abort from a timer between synchronous batches', async () => {
    const ctrl = new AbortController();
    let calls = 0;
    const sync = (p: Float32Array) => {
      calls++;
      if (calls === 1) setTimeout(() => ctrl.abort(), 0);
      // Busy long enough for the timer to be due before fn returns.
      const until = Date.now() + 5;
      while (Date.now() < until);
      return sphere(p);
    };
    await expect(extractIsosurface(sync, { signal: ctrl.signal, resolution0: 16, batchSize: 100 })).rejects.toMatchObject({ name: 'AbortError' });
    // Without a turn of the event loop, every one of the 4 913 / 100 = 50 coarse batches would run first.
    expect(calls).toBe(1);
  });
});
