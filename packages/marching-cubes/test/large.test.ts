import { describe, expect, it } from 'vitest';
import { marchingCubes } from '../src/index.js';

describe('exact integer bookkeeping beyond 2^24 vertices', () => {
  it('a 2×2×N checkerboard with 8N − 4 > 2^24 crossed edges: every vertex where its id says, every triangle on its own cell', () => {
    const N = 2_100_000;
    const values = new Float32Array(4 * N);
    for (let r = 0; r < 4; r++)
      for (let k = 0; k < N; k++) values[r * N + k] = ((r >> 1) + (r & 1) + k) % 2 === 0 ? 1 : -1;
    const m = marchingCubes(values, [2, 2, N]);
    const V = m.positions.length / 3;
    expect(V).toBe(8 * N - 4);
    expect(V).toBeGreaterThan(2 ** 24);
    // Independent layout: rows (i, j) in C order, each row's z-edges, then its x-edges (to i + 1), then its
    // y-edges (to j + 1), each block in k order; every vertex at an edge midpoint (values ±1, level 0).
    const P = m.positions;
    let id = 0;
    const expectAt = (x: number, y: number, z: number): void => {
      const p = 3 * id++;
      if (P[p] !== x || P[p + 1] !== y || P[p + 2] !== z) {
        throw new Error(`vertex ${id - 1} at (${P[p]}, ${P[p + 1]}, ${P[p + 2]}), expected (${x}, ${y}, ${z})`);
      }
    };
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        for (let k = 0; k + 1 < N; k++) expectAt(i, j, k + 0.5);
        if (i === 0) for (let k = 0; k < N; k++) expectAt(0.5, j, k);
        if (j === 0) for (let k = 0; k < N; k++) expectAt(i, 0.5, k);
      }
    expect(id).toBe(V);
    // four triangles per cell (each outside corner cut off), each with its vertices on one cell's edges
    const T = m.indices;
    expect(T.length / 3).toBe(4 * (N - 1));
    for (let t = 0; t < T.length; t += 3) {
      const a = 3 * T[t]!;
      const b = 3 * T[t + 1]!;
      const c = 3 * T[t + 2]!;
      const zmin = Math.min(P[a + 2]!, P[b + 2]!, P[c + 2]!);
      const zmax = Math.max(P[a + 2]!, P[b + 2]!, P[c + 2]!);
      const cell = Math.floor(t / 12);
      if (zmin < cell || zmax > cell + 1)
        throw new Error(`triangle ${t / 3} leaves cell ${cell}: z ∈ [${zmin}, ${zmax}]`);
    }
  }, 120_000);
});
