import { describe, expect, it } from 'vitest';
import type { TriangleMesh } from '@onet/io';
import {
  boundingBox,
  box,
  createRng,
  icosphere,
  normalizeMesh,
  sampleNearSurface,
  sampleSurface,
  sampleUniformPoints,
  subsamplePointCloud,
  SamplingError,
} from '../src/index.js';
import { mean, std } from './helpers.js';

const rightTriangle: TriangleMesh = {
  positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]),
  indices: new Uint32Array([0, 1, 2]),
};

describe('normalizeMesh', () => {
  it('centres the bbox and scales the longest side to 1 − padding', () => {
    const m = box([2, 4, 1], [10, 20, 30]);
    const { mesh, loc, scale } = normalizeMesh(m);
    expect(loc).toEqual([10, 20, 30]);
    expect(scale).toBe(4);
    const ys = mesh.positions.filter((_, i) => i % 3 === 1);
    expect(Math.min(...ys)).toBe(-0.5);
    expect(Math.max(...ys)).toBe(0.5);
    const xs = mesh.positions.filter((_, i) => i % 3 === 0);
    expect(Math.max(...xs)).toBe(0.25);
    const padded = normalizeMesh(m, { padding: 0.1 });
    expect(padded.scale).toBeCloseTo(4 / 0.9, 12);
    const ys2 = padded.mesh.positions.filter((_, i) => i % 3 === 1);
    expect(Math.max(...ys2)).toBeCloseTo(0.45, 6);
    // maps back
    for (let i = 0; i < m.positions.length; i++) {
      expect(padded.mesh.positions[i] * padded.scale + padded.loc[i % 3]).toBeCloseTo(m.positions[i], 4);
    }
    expect(m.positions[0]).toBe(9); // input untouched
  });

  it('throws typed errors on empty/degenerate/NaN meshes', () => {
    expect(() => normalizeMesh({ positions: new Float32Array(0), indices: new Uint32Array(0) })).toThrow(SamplingError);
    const point = { positions: new Float32Array([1, 1, 1, 1, 1, 1, 1, 1, 1]), indices: new Uint32Array([0, 1, 2]) };
    expect(() => normalizeMesh(point)).toThrow(/zero extent/);
    const nan = { positions: new Float32Array([0, 0, NaN, 1, 0, 0, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]) };
    expect(() => normalizeMesh(nan)).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
    const bad = { positions: new Float32Array(9), indices: new Uint32Array([0, 1, 5]) };
    expect(() => normalizeMesh(bad)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});

describe('boundingBox', () => {
  it('gives min, max, centre and longest side; a mesh counts only referenced vertices', () => {
    const b = box([1, 2, 1], [5, 0, 0]);
    expect(boundingBox(b)).toEqual({ min: [4.5, -1, -0.5], max: [5.5, 1, 0.5], center: [5, 0, 0], side: 2 });
    const stray: TriangleMesh = { positions: new Float32Array([...b.positions, 100, 100, 100]), indices: b.indices };
    expect(boundingBox(stray)).toEqual(boundingBox(b));
    expect(normalizeMesh(stray).loc).toEqual([5, 0, 0]);
    expect(boundingBox(stray.positions).max).toEqual([100, 100, 100]); // a point array counts every point
    const noFaces: TriangleMesh = { positions: new Float32Array([1, 2, 3, -1, 0, 3]), indices: new Uint32Array(0) };
    expect(boundingBox(noFaces)).toEqual({ min: [-1, 0, 3], max: [1, 2, 3], center: [0, 1, 3], side: 2 });
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as SamplingError).code;
      }
      return 'no error';
    };
    expect(code(() => boundingBox(new Float32Array(0)))).toBe('EMPTY');
    expect(code(() => boundingBox(new Float32Array([0, NaN, 0])))).toBe('NON_FINITE');
    expect(code(() => boundingBox(new Float32Array([0, 0])))).toBe('SHAPE_MISMATCH');
  });
});

describe('sampleUniformPoints', () => {
  it('fills [−0.55, 0.55]³ uniformly and is seeded', () => {
    const p = sampleUniformPoints(30_000, { seed: 1 });
    expect(p.length).toBe(90_000);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(-0.55);
    expect(Math.max(...p)).toBeLessThanOrEqual(0.55);
    expect(Math.min(...p)).toBeLessThan(-0.549);
    expect(Math.abs(mean(p))).toBeLessThan(0.005);
    expect(std(p) ** 2).toBeCloseTo(1.1 ** 2 / 12, 3);
    expect(sampleUniformPoints(10, { seed: 1 })).toEqual(p.subarray(0, 30));
    expect(sampleUniformPoints(10, { seed: 2 })).not.toEqual(p.subarray(0, 30));
    const q = sampleUniformPoints(1000, { padding: 0 , rng: createRng(5) });
    expect(Math.max(...q.map(Math.abs))).toBeLessThanOrEqual(0.5);
  });

  it('rejects bad counts before allocating', () => {
    expect(() => sampleUniformPoints(-1)).toThrow(SamplingError);
    expect(() => sampleUniformPoints(1.5)).toThrow(SamplingError);
    expect(() => sampleUniformPoints(1e12)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});

describe('sampleSurface', () => {
  it('is uniform inside a triangle: share with u+v < 0.5 is 0.25', () => {
    const { points, normals, faceIndex } = sampleSurface(rightTriangle, 100_000, { seed: 11 });
    let low = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = points[3 * i], y = points[3 * i + 1];
      if (!(x >= 0 && y >= 0 && x + y <= 1 + 1e-6 && points[3 * i + 2] === 0)) outside++;
      if (x + y < 0.5) low++;
    }
    expect(outside).toBe(0);
    expect(low / 100_000).toBeGreaterThan(0.245);
    expect(low / 100_000).toBeLessThan(0.255);
    expect(Array.from(normals.subarray(0, 3))).toEqual([0, 0, 1]);
    expect(faceIndex.every((f) => f === 0)).toBe(true);
    // the part with x < ½ has ¾ of the area
    let left = 0;
    for (let i = 0; i < 100_000; i++) if (points[3 * i] < 0.5) left++;
    expect(left / 100_000).toBeCloseTo(0.75, 2);
  });

  it('weights faces by area', () => {
    // two triangles with areas 1/2 and 3/2
    const m: TriangleMesh = {
      positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5, 3, 0, 5, 0, 1, 5]),
      indices: new Uint32Array([0, 1, 2, 3, 4, 5]),
    };
    const { faceIndex } = sampleSurface(m, 40_000, { seed: 2 });
    const share = faceIndex.filter((f) => f === 1).length / 40_000;
    expect(share).toBeGreaterThan(0.74);
    expect(share).toBeLessThan(0.76);
  });

  it('samples a sphere at radius r with radial unit normals', () => {
    const r = 0.4;
    const { points, normals } = sampleSurface(icosphere(4, r), 20_000, { seed: 3 });
    const dists = new Float64Array(20_000);
    let worstRadius = 0, worstLength = 0, worstCos = 1;
    for (let i = 0; i < 20_000; i++) {
      const x = points[3 * i], y = points[3 * i + 1], z = points[3 * i + 2];
      const d = Math.hypot(x, y, z);
      dists[i] = d;
      worstRadius = Math.max(worstRadius, Math.abs(d - r));
      worstLength = Math.max(worstLength, Math.abs(Math.hypot(normals[3 * i], normals[3 * i + 1], normals[3 * i + 2]) - 1));
      worstCos = Math.min(worstCos, (normals[3 * i] * x + normals[3 * i + 1] * y + normals[3 * i + 2] * z) / d);
    }
    expect(worstRadius).toBeLessThan(0.002); // chord sagitta at s=4
    expect(worstRadius).toBeGreaterThan(0); // faceted: points lie inside the sphere
    expect(worstLength).toBeLessThan(1e-6);
    expect(worstCos).toBeGreaterThan(0.995);
    // sample centroid ≈ origin (uniform on the sphere)
    expect(Math.abs(mean(points.filter((_, i) => i % 3 === 2)))).toBeLessThan(0.01);
  });

  it('cube faces get equal shares and the stream is seeded', () => {
    const { normals } = sampleSurface(box(1), 60_000, { seed: 9 });
    const top = normals.filter((_, i) => i % 3 === 2).filter((z) => z === 1).length;
    expect(top / 60_000).toBeCloseTo(1 / 6, 2);
    expect(sampleSurface(box(1), 100, { seed: 9 }).points).toEqual(sampleSurface(box(1), 100, { seed: 9 }).points);
  });

  it('throws on zero-area meshes', () => {
    const flat = { positions: new Float32Array([0, 0, 0, 1, 0, 0, 2, 0, 0]), indices: new Uint32Array([0, 1, 2]) };
    expect(() => sampleSurface(flat, 10)).toThrow(expect.objectContaining({ code: 'DEGENERATE' }));
    expect(() => sampleSurface({ positions: new Float32Array(0), indices: new Uint32Array(0) }, 10)).toThrow(
      expect.objectContaining({ code: 'EMPTY' }),
    );
  });
});

describe('sampleNearSurface', () => {
  it('offsets surface samples by N(0, σ²)', () => {
    const r = 0.4;
    const p = sampleNearSurface(icosphere(5, r), 50_000, { sigma: 0.01, seed: 4 });
    const radial = new Float64Array(50_000);
    for (let i = 0; i < 50_000; i++) radial[i] = Math.hypot(p[3 * i], p[3 * i + 1], p[3 * i + 2]) - r;
    expect(Math.abs(mean(radial))).toBeLessThan(0.0005);
    expect(std(radial)).toBeGreaterThan(0.0097);
    expect(std(radial)).toBeLessThan(0.0103);
  });
});

describe('subsamplePointCloud', () => {
  const cloud = sampleSurface(icosphere(3, 0.5), 1000, { seed: 1 });
  it('draws with replacement from the cloud (noise 0)', () => {
    const out = subsamplePointCloud(cloud, 5000, { noiseStd: 0, seed: 1 });
    const set = new Set<string>();
    for (let i = 0; i < 1000; i++) set.add(cloud.points.subarray(3 * i, 3 * i + 3).join(','));
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const key = out.subarray(3 * i, 3 * i + 3).join(',');
      expect(set.has(key)).toBe(true);
      seen.add(key);
    }
    // with replacement from 1000: expected distinct ≈ 1000(1 − e^−5) ≈ 993
    expect(seen.size).toBeGreaterThan(980);
    expect(seen.size).toBeLessThan(1000);
  });

  it('defaults to 300 points with σ = 0.005 noise', () => {
    const a = subsamplePointCloud(cloud.points, undefined, { seed: 5 });
    expect(a.length).toBe(900);
    const big = subsamplePointCloud(cloud.points, 20_000, { seed: 5 });
    const clean = subsamplePointCloud(cloud.points, 20_000, { seed: 5, noiseStd: 0 });
    const d = big.map((v, i) => v - clean[i]);
    expect(std(d)).toBeGreaterThan(0.0049);
    expect(std(d)).toBeLessThan(0.0051);
  });

  it('rejects empty or malformed clouds', () => {
    expect(() => subsamplePointCloud(new Float32Array(0))).toThrow(expect.objectContaining({ code: 'EMPTY' }));
    expect(() => subsamplePointCloud(new Float32Array(4))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
