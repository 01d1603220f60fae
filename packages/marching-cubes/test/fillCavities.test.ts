import { describe, expect, it } from 'vitest';
import {
  fillCavities,
  marchingCubes,
  meshVolume,
  eulerCharacteristic,
  isWatertight,
  MarchingCubesNaNError,
  MarchingCubesRangeError,
  MarchingCubesTypeError,
} from '../src/index.js';
import { grid, rng } from './helpers.js';

const N = 40;
const C = (N - 1) / 2;
const r = (i: number, j: number, k: number): number => Math.hypot(i - C, j - C, k - C);
/** Shell between radii 6 and 14 (inside where the value ≥ 0): a ball of radius 14 with a closed void of radius 6. */
const hollowBall = (): Float32Array => grid([N, N, N], (i, j, k) => Math.min(14 - r(i, j, k), r(i, j, k) - 6)) as Float32Array;
const ball = (R: number): number => (4 / 3) * Math.PI * R ** 3;

describe('fillCavities', () => {
  it('fills a closed void: the hollow ball becomes a solid ball, its outer surface unchanged', () => {
    const v = hollowBall();
    const before = marchingCubes(v.slice(), [N, N, N], { level: 0, closeBoundary: true });
    expect(meshVolume(before) / (ball(14) - ball(6))).toBeCloseTo(1, 1);
    expect(eulerCharacteristic(before)).toBe(4); // two spheres
    const filled = fillCavities(v, [N, N, N], 0);
    // nodes strictly inside radius 6: about the ball's volume in node units
    expect(filled / ball(6)).toBeGreaterThan(0.9);
    expect(filled / ball(6)).toBeLessThan(1.1);
    const after = marchingCubes(v, [N, N, N], { level: 0, closeBoundary: true });
    expect(isWatertight(after)).toBe(true);
    expect(eulerCharacteristic(after)).toBe(2); // one sphere
    expect(meshVolume(after) / ball(14)).toBeCloseTo(1, 2);
    // the outer sphere's triangles are the ones from before
    expect(after.indices.length).toBeLessThan(before.indices.length);
    const outerBefore = Array.from(before.positions).filter((_, q) => q % 3 === 0).filter((x) => Math.abs(x - C) > 13).length;
    const outerAfter = Array.from(after.positions).filter((_, q) => q % 3 === 0).filter((x) => Math.abs(x - C) > 13).length;
    expect(outerAfter).toBe(outerBefore);
  });

  it('leaves an open cup alone: its hollow reaches the border', () => {
    // the hollow ball with a shaft from its void up through the shell to the top face (k = N − 1)
    const v = grid([N, N, N], (i, j, k) => {
      const shell = Math.min(14 - r(i, j, k), r(i, j, k) - 6);
      const shaft = Math.hypot(i - C, j - C) < 3 && k > C ? -1 : Infinity;
      return Math.min(shell, shaft);
    }) as Float32Array;
    const copy = v.slice();
    expect(fillCavities(v, [N, N, N], 0)).toBe(0);
    expect(v).toEqual(copy);
  });

  it('fills nothing on a field without voids, and everything enclosed at any level', () => {
    const v = grid([N, N, N], (i, j, k) => 10 - r(i, j, k)) as Float32Array;
    expect(fillCavities(v, [N, N, N], 0)).toBe(0);
    // random field: afterwards every outside node reaches the border (a second fill finds nothing)
    const rand = rng(7);
    const w = grid([16, 12, 20], () => rand() - 0.3) as Float32Array;
    const n1 = fillCavities(w, [16, 12, 20], 0);
    expect(n1).toBeGreaterThan(0);
    expect(fillCavities(w, [16, 12, 20], 0)).toBe(0);
    const w64 = grid([3, 3, 3], (i, j, k) => (i === 1 && j === 1 && k === 1 ? -1 : 1), Float64Array);
    expect(fillCavities(w64, [3, 3, 3], 0)).toBe(1);
    expect(w64[13]).toBe(0); // raised to the level
  });

  it('filled nodes read back as inside at a level float32 cannot hold (a logit such as ln(0.35/0.65))', () => {
    const level = Math.log(0.35 / 0.65);
    expect(Math.fround(level)).toBeLessThan(level); // rounding to float32 alone would leave the node outside
    const v = grid([N, N, N], (i, j, k) => level + Math.min(14 - r(i, j, k), r(i, j, k) - 6)) as Float32Array;
    const filled = fillCavities(v, [N, N, N], level);
    expect(filled).toBeGreaterThan(800);
    expect(v[(20 * N + 20) * N + 20]).toBeGreaterThanOrEqual(level);
    const mesh = marchingCubes(v, [N, N, N], { level, closeBoundary: true });
    expect(eulerCharacteristic(mesh)).toBe(2);
    expect(meshVolume(mesh) / ball(14)).toBeCloseTo(1, 2);
  });

  it('fills exactly the nodes a node-by-node breadth-first search leaves unreached (the previous implementation)', () => {
    const rand = rng(11);
    const cases: { dims: [number, number, number]; f: (i: number, j: number, k: number) => number; type?: typeof Float64Array }[] = [
      { dims: [N, N, N], f: (i, j, k) => Math.min(14 - r(i, j, k), r(i, j, k) - 6) },
      // nested shells: ball 16 ⊃ void 12 ⊃ ball 8 ⊃ void 4, plus a tunnel from the outer void along z to the border
      {
        dims: [N, N, N],
        f: (i, j, k) => {
          const d = r(i, j, k);
          const shells = Math.min(16 - d, Math.max(d - 12, Math.min(8 - d, d - 4)));
          return Math.hypot(i - C - 14, j - C) < 1.5 ? -1 : shells;
        },
      },
      { dims: [1, 1, 1], f: () => -1 },
      { dims: [1, 7, 9], f: () => rand() - 0.5 },
      { dims: [5, 1, 6], f: () => rand() - 0.2, type: Float64Array },
      { dims: [9, 11, 1], f: () => rand() - 0.7 },
      { dims: [3, 3, 3], f: (i, j, k) => (i === 1 && j === 1 && k === 1 ? -1 : 1) },
    ];
    // random fields of every density: many small enclosed pockets, runs cut everywhere
    for (const p of [0.1, 0.3, 0.45, 0.55, 0.7, 0.9]) {
      cases.push({ dims: [17, 13, 23], f: () => rand() - p });
      cases.push({ dims: [12, 12, 12], f: () => rand() - p, type: Float64Array });
    }
    for (const { dims, f, type } of cases) {
      const v = grid(dims, f, type ?? Float32Array);
      const want = v.slice();
      const wantCount = fillCavitiesBfs(want, dims, 0);
      expect(fillCavities(v, dims, 0)).toBe(wantCount);
      expect(v).toEqual(want);
    }
  });

  it('rejects bad input before modifying anything', () => {
    const v = hollowBall();
    expect(() => fillCavities(v, [N, N, N - 1], 0)).toThrow(MarchingCubesRangeError);
    expect(() => fillCavities(v, [N, N, 0] as never, 0)).toThrow(/INVALID_DIMS|positive integers/);
    expect(() => fillCavities(v, [N, N, N], Number.NaN)).toThrow(/level must be a number/);
    expect(() => fillCavities([1, 2, 3] as never, [1, 1, 3], 0)).toThrow(MarchingCubesTypeError);
    const w = hollowBall();
    const idx = (20 * N + 20) * N + 20; // inside the void
    w[idx] = Number.NaN;
    const copy = w.slice();
    try {
      fillCavities(w, [N, N, N], 0);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MarchingCubesNaNError);
      expect((e as Error).message).toMatch(/^fillCavities: values\[\d+\] \(i=20, j=20, k=20\) is NaN/);
      expect([(e as MarchingCubesNaNError).i, (e as MarchingCubesNaNError).j, (e as MarchingCubesNaNError).k]).toEqual([20, 20, 20]);
    }
    expect(w).toEqual(copy);
  });
});

/** fillCavities as it was before the scanline fill: breadth-first over single nodes (the oracle of the test above). */
function fillCavitiesBfs(values: Float32Array | Float64Array, dims: [number, number, number], level: number): number {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const reached = new Uint8Array(n);
  const queue = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  const push = (idx: number): void => {
    if (reached[idx] === 0 && values[idx]! < level) {
      reached[idx] = 1;
      queue[tail++] = idx;
    }
  };
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const row = (i * ny + j) * nz;
      if (i === 0 || i === nx - 1 || j === 0 || j === ny - 1) {
        for (let k = 0; k < nz; k++) push(row + k);
      } else {
        push(row);
        push(row + nz - 1);
      }
    }
  }
  const sx = ny * nz;
  while (head < tail) {
    const idx = queue[head++]!;
    const k = idx % nz;
    const j = ((idx - k) / nz) % ny;
    const i = (idx - k - j * nz) / sx;
    if (i > 0) push(idx - sx);
    if (i < nx - 1) push(idx + sx);
    if (j > 0) push(idx - nz);
    if (j < ny - 1) push(idx + nz);
    if (k > 0) push(idx - 1);
    if (k < nz - 1) push(idx + 1);
  }
  const f32 = new Float32Array([level]);
  const fill = values instanceof Float32Array ? (f32[0]! >= level ? f32[0]! : level) : level;
  let filled = 0;
  for (let idx = 0; idx < n; idx++) {
    if (reached[idx] === 0 && values[idx]! < level) {
      values[idx] = fill;
      filled++;
    }
  }
  return filled;
}
