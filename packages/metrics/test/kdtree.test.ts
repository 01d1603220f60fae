import { describe, expect, it } from 'vitest';
import { KdTree } from '@onet/metrics';
import { bruteNearest, code, rng } from './helpers.js';

function check(points: Float32Array, queries: Float32Array, leafSize?: number, spatialOrder?: boolean): void {
  const tree = KdTree.build(points, leafSize === undefined ? {} : { leafSize });
  const { distances, indices } = tree.nearest(queries, spatialOrder === undefined ? {} : { spatialOrder });
  expect(distances.length).toBe(queries.length / 3);
  const bad: string[] = [];
  for (let j = 0; j < queries.length / 3; j++) {
    const best = bruteNearest(points, queries, j);
    // the distance is exact (same float64 arithmetic), and the index really is at that distance
    const i = indices[j];
    const dx = points[3 * i] - queries[3 * j], dy = points[3 * i + 1] - queries[3 * j + 1], dz = points[3 * i + 2] - queries[3 * j + 2];
    if (distances[j] !== Math.sqrt(best) || dx * dx + dy * dy + dz * dz !== best) bad.push(`query ${j}: ${distances[j]} vs ${Math.sqrt(best)}`);
  }
  expect(bad.slice(0, 5)).toEqual([]);
  // the same queries as a tree (visited in its tree order) give the same exact distances
  const viaTree = tree.nearest(KdTree.build(queries, { leafSize: 1 + (queries.length % 13) }));
  expect(Array.from(viaTree.distances)).toEqual(Array.from(distances));
}

describe('KdTree vs brute force', () => {
  it('random sets of many sizes and leaf sizes', () => {
    const r = rng(1);
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + Math.floor(r() * 2500);
      const m = 1 + Math.floor(r() * 300);
      const points = new Float32Array(3 * n).map(() => r() * 2 - 1);
      const queries = new Float32Array(3 * m).map(() => r() * 2.4 - 1.2);
      check(points, queries, 1 + Math.floor(r() * 24), trial % 2 === 0);
    }
  });

  it('many duplicates (points on a coarse lattice) and queries equal to points', () => {
    const r = rng(2);
    const n = 3000;
    const points = new Float32Array(3 * n).map(() => Math.round(r() * 4) / 4);
    const queries = new Float32Array(3 * 500).map(() => Math.round(r() * 8) / 8);
    check(points, queries);
    check(points, points.slice(0, 900), 3);
    const self = KdTree.build(points).nearest(points);
    expect(Math.max(...self.distances)).toBe(0);
  });

  it('degenerate: all points equal', () => {
    const n = 20_000;
    const points = new Float32Array(3 * n).fill(0.25);
    const tree = KdTree.build(points, { leafSize: 4 });
    const q = new Float32Array([0.25, 0.25, 0.25, 1, 0.25, 0.25, -1, -1, -1]);
    const { distances } = tree.nearest(q);
    expect(Array.from(distances)).toEqual([0, 0.75, Math.sqrt(3 * 1.25 * 1.25)]);
    // and many queries against the degenerate tree stay fast (no per-query linear scan)
    const many = new Float32Array(3 * 20_000).fill(0.3);
    const res = tree.nearest(many);
    expect(res.distances[19_999]).toBeCloseTo(Math.sqrt(3) * 0.05, 6);
  });

  it('degenerate: collinear and coplanar points', () => {
    const r = rng(3);
    const n = 2000;
    const line = new Float32Array(3 * n);
    const plane = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      const t = r();
      line[3 * i] = t;
      line[3 * i + 1] = 2 * t;
      line[3 * i + 2] = -t;
      plane[3 * i] = r();
      plane[3 * i + 1] = r();
      plane[3 * i + 2] = 0.5;
    }
    const queries = new Float32Array(3 * 400).map(() => r() * 3 - 1);
    check(line, queries, 5);
    check(plane, queries, 8);
  });

  it('a single point, leafSize 1, and an empty query set', () => {
    check(new Float32Array([1, 2, 3]), new Float32Array([0, 0, 0, 1, 2, 3, 5, 5, 5]));
    check(new Float32Array([1, 2, 3, 1, 2, 3]), new Float32Array([1, 2, 3]), 1);
    const r = rng(4);
    check(new Float32Array(300).map(() => r()), new Float32Array(300).map(() => r()), 1);
    const empty = KdTree.build(new Float32Array([0, 0, 0])).nearest(new Float32Array(0));
    expect(empty.distances.length).toBe(0);
    expect(empty.indices.length).toBe(0);
  });

  it('builds a balanced tree: 200k points, depth stays logarithmic', () => {
    const r = rng(5);
    const n = 200_000;
    const points = new Float32Array(3 * n).map(() => r());
    const tree = KdTree.build(points, { leafSize: 8 });
    expect(tree.size).toBe(n);
    // median splits: every leaf holds 4..8 points, so the node count is bounded
    expect(tree.nodeCount).toBeLessThanOrEqual(2 * Math.ceil(n / 4));
    expect(tree.nodeCount).toBeGreaterThanOrEqual(2 * Math.ceil(n / 8) - 1);
  });
});

describe('KdTree queried with another tree', () => {
  it('gives the same distances, in the order of the array the query tree was built from', () => {
    const r = rng(6);
    const a = new Float32Array(3 * 5000).map(() => r());
    const b = new Float32Array(3 * 4000).map(() => Math.round(r() * 50) / 50); // with duplicates
    const ta = KdTree.build(a, { leafSize: 7 });
    const tb = KdTree.build(b);
    const direct = ta.nearest(b);
    const viaTree = ta.nearest(tb);
    expect(Array.from(viaTree.distances)).toEqual(Array.from(direct.distances));
    // indices may differ only between equidistant points
    for (let j = 0; j < 4000; j++) {
      const i = viaTree.indices[j];
      const d = Math.hypot(a[3 * i] - b[3 * j], a[3 * i + 1] - b[3 * j + 1], a[3 * i + 2] - b[3 * j + 2]);
      expect(Math.abs(d - direct.distances[j])).toBeLessThan(1e-12);
    }
    expect(Array.from(tb.nearest(tb).distances).every((d) => d === 0)).toBe(true);
  });
});

describe('KdTree errors', () => {
  it('rejects bad inputs with typed errors', () => {
    expect(code(() => KdTree.build(new Float32Array(0)))).toBe('EMPTY');
    expect(code(() => KdTree.build(new Float32Array(4)))).toBe('BAD_LENGTH');
    expect(code(() => KdTree.build(new Float32Array([0, NaN, 0])))).toBe('NON_FINITE');
    expect(code(() => KdTree.build(new Float32Array([0, Infinity, 0])))).toBe('NON_FINITE');
    expect(code(() => KdTree.build([0, 0, 0] as unknown as Float32Array))).toBe('BAD_LENGTH');
    expect(code(() => KdTree.build(new Float32Array(3), { leafSize: 0 }))).toBe('BAD_OPTION');
    const tree = KdTree.build(new Float32Array(3));
    expect(code(() => tree.nearest(new Float32Array([1, 2])))).toBe('BAD_LENGTH');
    expect(code(() => tree.nearest(new Float32Array([1, 2, NaN])))).toBe('NON_FINITE');
  });
});
