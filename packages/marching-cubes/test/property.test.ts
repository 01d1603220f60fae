import { describe, expect, it } from 'vitest';
import { marchingCubes, meshEdges, meshVolume } from '../src/index.js';
import { rng } from './helpers.js';

/**
 * Vertices the mesh must have, by brute force: one per crossed grid edge, plus with `closed` one per inside
 * node on the grid's boundary (the cap's corner there, shared by the caps that meet at it).
 */
function expectedVertices(v: Float32Array, dims: number[], level: number, closed: boolean): number {
  const [nx, ny, nz] = dims as [number, number, number];
  if (nx < 2 || ny < 2 || nz < 2) return 0; // no cells, no surface (closed or not)
  const inside = (i: number, j: number, k: number): boolean => v[(i * ny + j) * nz + k]! >= level;
  let n = 0;
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++)
      for (let k = 0; k < nz; k++) {
        const s = inside(i, j, k);
        if (i + 1 < nx && s !== inside(i + 1, j, k)) n++;
        if (j + 1 < ny && s !== inside(i, j + 1, k)) n++;
        if (k + 1 < nz && s !== inside(i, j, k + 1)) n++;
        const onBoundary = i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1;
        if (closed && s && onBoundary) n++;
      }
  return n;
}

/** Pairs of vertices at the same position, and triangles of zero area. */
function coincidences(m: { positions: Float32Array; indices: Uint32Array }): { vertices: number; zeroArea: number } {
  const P = m.positions;
  const T = m.indices;
  const seen = new Set<string>();
  let vertices = 0;
  for (let p = 0; p < P.length; p += 3) {
    const key = `${P[p]},${P[p + 1]},${P[p + 2]}`;
    if (seen.has(key)) vertices++;
    seen.add(key);
  }
  let zeroArea = 0;
  for (let t = 0; t < T.length; t += 3) {
    const [a, b, c] = [3 * T[t]!, 3 * T[t + 1]!, 3 * T[t + 2]!];
    const u = [P[b]! - P[a]!, P[b + 1]! - P[a + 1]!, P[b + 2]! - P[a + 2]!] as const;
    const w = [P[c]! - P[a]!, P[c + 1]! - P[a + 1]!, P[c + 2]! - P[a + 2]!] as const;
    const cx = u[1] * w[2] - u[2] * w[1];
    const cy = u[2] * w[0] - u[0] * w[2];
    const cz = u[0] * w[1] - u[1] * w[0];
    if (cx === 0 && cy === 0 && cz === 0) zeroArea++;
  }
  return { vertices, zeroArea };
}

/** Number of closed meshes' vertices whose incident triangles do not form one single fan (a disk). */
function nonManifoldVertices(indices: Uint32Array, V: number): number {
  // around vertex a, triangle (a, b, c) links b → c; on an oriented closed manifold each vertex's links form one cycle
  const next = Array.from({ length: V }, () => new Map<number, number>());
  for (let t = 0; t < indices.length; t += 3) {
    const [a, b, c] = [indices[t]!, indices[t + 1]!, indices[t + 2]!];
    next[a]!.set(b, c);
    next[b]!.set(c, a);
    next[c]!.set(a, b);
  }
  let bad = 0;
  for (const links of next) {
    if (links.size === 0) continue;
    const start = links.keys().next().value as number;
    let steps = 0;
    let cur: number | undefined = start;
    do {
      cur = links.get(cur!);
      steps++;
    } while (cur !== undefined && cur !== start && steps <= links.size);
    if (cur !== start || steps !== links.size) bad++;
  }
  return bad;
}

describe('topology over random grids (the one-rule property)', () => {
  it('the vertex check flags two closed tetrahedra that share only a vertex', () => {
    const tet = (o: number) => [0, 1 + o, 2 + o, 0, 2 + o, 3 + o, 0, 3 + o, 1 + o, 1 + o, 3 + o, 2 + o];
    expect(nonManifoldVertices(Uint32Array.from([...tet(0), ...tet(3)]), 7)).toBe(1);
    expect(nonManifoldVertices(Uint32Array.from(tet(0)), 4)).toBe(0);
  });

  const random = rng(20240607);
  // distinct: no value equals the level, so no two vertices may coincide and no triangle may have zero area
  const cases: { name: string; draw: () => number; level: number; distinct?: boolean }[] = [
    { name: 'values in {−1, 0, +1} at level 0', draw: () => Math.floor(random() * 3) - 1, level: 0 },
    { name: 'values in {0, 1} at level 0.5', draw: () => (random() < 0.5 ? 0 : 1), level: 0.5, distinct: true },
    { name: 'uniform values at level 0.3', draw: () => random(), level: 0.3, distinct: true },
    {
      name: 'values in {−1, 0, +1} with NaN as outside',
      draw: () => [-1, 0, 1, NaN][Math.floor(random() * 4)]!,
      level: 0,
    },
  ];
  it('long rows (30 to 70 nodes: several 32-bit words, cells across word boundaries) are watertight and welded', () => {
    for (let trial = 0; trial < 150; trial++) {
      const dims = [1 + Math.floor(random() * 4), 1 + Math.floor(random() * 4), 30 + Math.floor(random() * 41)];
      const v = new Float32Array(dims[0]! * dims[1]! * dims[2]!);
      // runs of equal values (like smooth fields) mixed with noise
      let cur = 1;
      for (let q = 0; q < v.length; q++) {
        if (random() < 0.2) cur = Math.floor(random() * 3) - 1;
        v[q] = random() < 0.1 ? Math.floor(random() * 3) - 1 : cur;
      }
      for (const closeBoundary of [true, false]) {
        const m = marchingCubes(v, dims, { closeBoundary });
        const r = meshEdges(m);
        const ctx = `dims ${dims} closeBoundary ${closeBoundary}`;
        expect(r.nonManifoldEdges + r.inconsistentEdges + r.degenerateFaces, ctx).toBe(0);
        if (closeBoundary) {
          expect(r.boundaryEdges, ctx).toBe(0);
          expect(nonManifoldVertices(m.indices, m.positions.length / 3), ctx).toBe(0);
        }
        expect(m.positions.length / 3, ctx).toBe(expectedVertices(v, dims, 0, closeBoundary));
        expect(r.vertices, ctx).toBe(m.positions.length / 3);
      }
    }
  });

  for (const { name, draw, level, distinct } of cases) {
    it(`${name}: closed meshes are watertight, manifold, consistently oriented and welded`, () => {
      for (let trial = 0; trial < 400; trial++) {
        const dims = [1 + Math.floor(random() * 6), 1 + Math.floor(random() * 6), 1 + Math.floor(random() * 6)];
        const v = new Float32Array(dims[0]! * dims[1]! * dims[2]!);
        for (let q = 0; q < v.length; q++) v[q] = draw();
        for (const closeBoundary of [true, false]) {
          const m = marchingCubes(v, dims, { level, closeBoundary, nan: 'outside', computeNormals: true });
          const r = meshEdges(m);
          const ctx = `dims ${dims} values ${Array.from(v)} closeBoundary ${closeBoundary}`;
          expect(r.nonManifoldEdges, ctx).toBe(0);
          expect(r.inconsistentEdges, ctx).toBe(0);
          expect(r.degenerateFaces, ctx).toBe(0);
          // welded: exactly one vertex per crossed grid edge (and inside boundary node), and every vertex used
          expect(m.positions.length / 3, ctx).toBe(expectedVertices(v, dims, level, closeBoundary));
          if (distinct) expect(coincidences(m), ctx).toEqual({ vertices: 0, zeroArea: 0 });
          expect(r.vertices, ctx).toBe(m.positions.length / 3);
          expect(m.normals!.every(Number.isFinite), ctx).toBe(true);
          if (closeBoundary) {
            expect(r.boundaryEdges, ctx).toBe(0);
            expect(nonManifoldVertices(m.indices, m.positions.length / 3), ctx).toBe(0);
            expect(meshVolume(m), ctx).toBeGreaterThanOrEqual(-1e-6); // oriented outward
          } else {
            // open borders only on the grid's own boundary planes
            const P = m.positions;
            const onBorder = (a: number) => [0, 1, 2].some((ax) => P[a + ax] === 0 || P[a + ax] === dims[ax]! - 1);
            const T = m.indices;
            const count = new Map<string, number>();
            for (let t = 0; t < T.length; t += 3)
              for (let e = 0; e < 3; e++) {
                const a = T[t + e]!;
                const b = T[t + ((e + 1) % 3)]!;
                const key = a < b ? `${a},${b}` : `${b},${a}`;
                count.set(key, (count.get(key) ?? 0) + 1);
              }
            for (const [key, c] of count) {
              if (c !== 1) continue;
              const [a, b] = key.split(',').map(Number) as [number, number];
              expect(onBorder(3 * a) && onBorder(3 * b), ctx).toBe(true);
            }
          }
        }
      }
    });
  }
});
