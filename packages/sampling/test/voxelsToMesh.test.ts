import { describe, expect, it } from 'vitest';
import { icosphere, torus, voxelize, voxelizeMesh, voxelsToMesh, signedVolume, SamplingError } from '../src/index.js';

describe('voxelsToMesh', () => {
  it('is a closed outward mesh of the occupied cells: volume = cells · s³, and voxelising it gives the grid back', () => {
    const R = 16;
    for (const m of [icosphere(3, 0.37), torus(0.3, 0.1, 32, 16)]) {
      const grid = voxelizeMesh(m, { resolution: R });
      const blocks = voxelsToMesh(grid);
      const cells = grid.reduce((a, b) => a + b, 0);
      expect(signedVolume(blocks)).toBeCloseTo(cells / R ** 3, 6);
      // every edge is shared by an even number of triangles (closed; non-manifold where cells touch along an edge)
      const edges = new Map<string, number>();
      for (let t = 0; t < blocks.indices.length; t += 3) {
        for (let e = 0; e < 3; e++) {
          const a = blocks.indices[t + e];
          const b = blocks.indices[t + ((e + 1) % 3)];
          const key = a < b ? `${a},${b}` : `${b},${a}`;
          edges.set(key, (edges.get(key) ?? 0) + 1);
        }
      }
      for (const n of edges.values()) expect(n % 2).toBe(0);
      expect(voxelize(blocks, { resolution: R })).toEqual(grid);
    }
  });

  it('one cell in a 2³ grid is a cube of side ½ at its place; an empty grid gives no faces', () => {
    const g = new Uint8Array(8);
    g[(1 * 2 + 0) * 2 + 1] = 1; // x ∈ [0, ½], y ∈ [−½, 0], z ∈ [0, ½]
    const m = voxelsToMesh(g);
    expect(m.indices.length).toBe(36);
    const xs = Array.from(m.positions.filter((_, i) => i % 3 === 0));
    const ys = Array.from(m.positions.filter((_, i) => i % 3 === 1));
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([0, 0.5, -0.5, 0]);
    expect(voxelsToMesh(new Uint8Array(27)).indices.length).toBe(0);
    expect(() => voxelsToMesh(new Uint8Array(10))).toThrow(SamplingError);
  });
});
