import { describe, expect, it } from 'vitest';
import { marchingCubes } from '../src/index.js';
import { grid, rng } from './helpers.js';

/**
 * The main path (flyingEdges.ts) and the closeBoundary path (scanCells + emitSurface) are separate code with one
 * vertex numbering. On a grid whose boundary nodes are all below the level, the padding adds no crossing, so the
 * two must give the same mesh bit for bit: each checks the other.
 */
function bytes(a: Float32Array | Uint32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function withOutsideBoundary(
  dims: [number, number, number],
  f: (i: number, j: number, k: number) => number,
  Type = Float32Array as typeof Float32Array | typeof Float64Array,
) {
  const [nx, ny, nz] = dims;
  return grid(dims, (i, j, k) => (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1 ? -1 : f(i, j, k)), Type);
}

describe('main path', () => {
  it('equals the closeBoundary path bit for bit when the boundary is outside (noise, ties, ±∞, NaN as outside, long rows)', () => {
    const r = rng(7);
    let triangles = 0;
    // nz around word boundaries: 31, 32, 33, 64, 65 nodes per row
    for (const dims of [
      [4, 4, 4],
      [5, 4, 31],
      [4, 6, 32],
      [6, 5, 33],
      [4, 4, 64],
      [3, 7, 65],
    ] as [number, number, number][]) {
      for (const Type of [Float32Array, Float64Array]) {
        const noise = withOutsideBoundary(dims, () => r() - 0.5, Type);
        const ties = withOutsideBoundary(dims, () => Math.floor(r() * 3) - 1, Type);
        const odd = withOutsideBoundary(dims, () => [Infinity, -Infinity, Number.NaN, 0.5, -0.5][Math.floor(r() * 5)]!, Type);
        for (const [v, opts] of [
          [noise, {}],
          [noise, { level: 0.25, computeNormals: true, origin: [0.1, -1.3, 2.7], spacing: [0.3, 1.7, 0.11] }],
          [ties, { level: 0 }],
          [odd, { nan: 'outside' as const }],
        ] as const) {
          const a = marchingCubes(v, dims, opts);
          const b = marchingCubes(v, dims, { ...opts, closeBoundary: true });
          expect(bytes(a.positions).equals(bytes(b.positions))).toBe(true);
          expect(bytes(a.indices).equals(bytes(b.indices))).toBe(true);
          if ('computeNormals' in opts) expect(bytes(a.normals!).equals(bytes(b.normals!))).toBe(true);
          triangles += a.indices.length / 3;
        }
      }
    }
    expect(triangles).toBeGreaterThan(1000);
  });

  it('a row holding +∞ and −∞ (their sum is NaN) is no NaN error', () => {
    const v = grid([2, 2, 40], (_i, _j, k) => (k === 3 ? Infinity : k === 30 ? -Infinity : k < 20 ? 1 : -1));
    const m = marchingCubes(v, [2, 2, 40]);
    expect(m.indices.length / 3).toBe(2); // one crossing per z-row at k 19 → 20: one quad
    expect(Array.from(m.positions).every(Number.isFinite)).toBe(true);
  });
});
