import { describe, expect, it } from 'vitest';
import type { TriangleMesh } from '@onet/io';
import { box, contains, icosphere, sampleSurface, sampleUniformPoints } from '@onet/sampling';
import { evaluateMesh } from '@onet/metrics';
import { code } from './helpers.js';

const scaled = (m: TriangleMesh, s: number, t = [0, 0, 0]): TriangleMesh => ({
  positions: m.positions.map((v, i) => v * s + t[i % 3]),
  indices: m.indices,
});

const small = { nSurfacePoints: 4000, nIoUPoints: 4000 };

describe('evaluateMesh', () => {
  const sphere = icosphere(3, 0.4);

  for (const [s, t] of [
    [1, [0, 0, 0]],
    [0.01, [0.2, -0.1, 0]],
    [40, [0, 0, 3]],
  ] as const) {
    it(`a mesh compared with itself: Chamfer 0, NC 1, F 1, IoU 1 (scale ${s})`, () => {
      const m = scaled(sphere, s, [...t]);
      const r = evaluateMesh(m, m, small);
      expect(r.empty).toBe(false);
      expect(r.chamferL1).toBe(0);
      expect(r.chamferL2).toBe(0);
      expect(r.normalConsistency).toBeCloseTo(1, 6);
      expect(r.fScore).toEqual([1, 1, 1]);
      expect(r.iou).toBe(1);
      expect(r.thresholds).toEqual([0.01, 0.015, 0.02]);
      expect(r.nSurfacePoints).toBe(4000);
      expect(r.nIoUPoints).toBe(4000);
    });
  }

  it('concentric spheres r and r + d: Chamfer-L1 ≈ d, IoU ≈ (r/(r+d))³', () => {
    const r = 0.3;
    const d = 0.05;
    const inner = icosphere(5, r);
    const outer = icosphere(5, r + d);
    const m = evaluateMesh(inner, outer, { nSurfacePoints: 20_000, nIoUPoints: 20_000, thresholds: [0.04, 0.06] });
    // facets (icosphere 5: edge ≈ 0.004·r) and the sampling gap move it by well under 3 %
    expect(Math.abs(m.chamferL1 - d) / d).toBeLessThan(0.03);
    expect(m.normalConsistency).toBeGreaterThan(0.99);
    expect(m.fScore[0]).toBeLessThan(0.05); // nothing within 0.04 < d
    expect(m.fScore[1]).toBeGreaterThan(0.95); // everything within 0.06 > d
    const iou = (r / (r + d)) ** 3;
    expect(Math.abs(m.iou - iou)).toBeLessThan(0.03);
  });

  it('uses the ground truth files as given (pointcloud, points, occupancies), as eval_meshes.py does', () => {
    const gtMesh = box(0.6);
    const pc = sampleSurface(gtMesh, 5000, { seed: 3 });
    const points = sampleUniformPoints(5000, { seed: 4 });
    const occupancies = contains(gtMesh, points);
    const withFiles = evaluateMesh(gtMesh, { pointcloud: pc, points, occupancies }, small);
    expect(withFiles.iou).toBe(1);
    expect(withFiles.nSurfacePoints).toBe(5000);
    // independent uniform samples of one surface (area A): the mean nearest-neighbour distance to n
    // points is 1/(2√(n/A)) for a Poisson process, here 0.0104 (to 5000) and 0.0116 (to 4000)
    const area = 6 * 0.6 * 0.6;
    const poisson = 0.5 * (0.5 / Math.sqrt(5000 / area) + 0.5 / Math.sqrt(4000 / area));
    expect(Math.abs(withFiles.chamferL1 - poisson) / poisson).toBeLessThan(0.1);
    // NC < 1 only where the nearest sample lies across a cube edge (normals ⟂): a band of about one
    // sample spacing along the 12 edges, ≈ 3 % of the points
    expect(withFiles.normalConsistency).toBeGreaterThan(0.93);
    expect(withFiles.normalConsistency).toBeLessThan(0.995);
    // occupancies as float probabilities work the same (≥ 0.5 is inside)
    const probs = Float32Array.from(occupancies, (o) => (o ? 0.7 : 0.2));
    expect(evaluateMesh(gtMesh, { pointcloud: pc, points, occupancies: probs }, small).iou).toBe(1);
    // a smaller cube inside: IoU is the volume ratio (0.4/0.6)³ up to sampling noise
    const smaller = evaluateMesh(box(0.4), { pointcloud: pc, points, occupancies }, small);
    expect(Math.abs(smaller.iou - (0.4 / 0.6) ** 3)).toBeLessThan(0.03);
    expect(smaller.completeness).toBeGreaterThan(smaller.accuracy * 0.5);
  });

  it("'unit-cube' box equals 'gt-bounds' for a mesh normalised like the reference's data", () => {
    // box(1) spans [-0.5, 0.5]³: centred, longest edge 1
    const a = evaluateMesh(icosphere(3, 0.45), box(1), { ...small, iouBox: 'unit-cube' });
    const b = evaluateMesh(icosphere(3, 0.45), box(1), { ...small, iouBox: 'gt-bounds' });
    expect(a.iou).toBe(b.iou);
    // a stray vertex no face uses moves neither normalizeMesh nor the 'gt-bounds' box
    const cube = box(1);
    const stray: TriangleMesh = { positions: new Float32Array([...cube.positions, 9, 9, 9]), indices: cube.indices };
    expect(evaluateMesh(icosphere(3, 0.45), stray, { ...small, iouBox: 'gt-bounds' }).iou).toBe(a.iou);
  });

  it('an empty prediction never looks like a match', () => {
    const none: TriangleMesh = { positions: new Float32Array(0), indices: new Uint32Array(0) };
    const m = evaluateMesh(none, sphere, small);
    expect(m.empty).toBe(true);
    expect(m.iou).toBe(0);
    expect(m.chamferL1).toBe(Math.sqrt(3));
    expect(m.normalConsistency).toBe(-1);
    expect(m.fScore).toEqual([0, 0, 0]);
    // zero-area faces count as empty too
    const flat: TriangleMesh = { positions: new Float32Array([0, 0, 0, 1, 0, 0, 2, 0, 0]), indices: new Uint32Array([0, 1, 2]) };
    expect(evaluateMesh(flat, sphere, small).empty).toBe(true);
  });

  it('bad ground truth or options → typed errors', () => {
    const pc = sampleSurface(sphere, 100, { seed: 1 });
    expect(code(() => evaluateMesh(sphere, { pointcloud: pc }, small))).toBe('MISSING_GROUND_TRUTH');
    expect(code(() => evaluateMesh(sphere, { points: new Float32Array(3), occupancies: new Uint8Array(1) }, small))).toBe(
      'MISSING_GROUND_TRUTH',
    );
    expect(code(() => evaluateMesh(sphere, { pointcloud: pc, occupancies: new Uint8Array(1) }, small))).toBe(
      'MISSING_GROUND_TRUTH',
    );
    expect(
      code(() => evaluateMesh(sphere, { pointcloud: pc, points: new Float32Array(6), occupancies: new Uint8Array(3) }, small)),
    ).toBe('SHAPE_MISMATCH');
    const none: TriangleMesh = { positions: new Float32Array(0), indices: new Uint32Array(0) };
    expect(code(() => evaluateMesh(sphere, none, small))).toBe('EMPTY_GROUND_TRUTH');
    const nan = { positions: sphere.positions.slice(), indices: sphere.indices };
    nan.positions[5] = NaN;
    expect(code(() => evaluateMesh(nan, sphere, small))).toBe('NON_FINITE');
    const badIndex = { positions: sphere.positions, indices: sphere.indices.slice() };
    badIndex.indices[0] = 1e6;
    expect(code(() => evaluateMesh(badIndex, sphere, small))).toBe('SHAPE_MISMATCH');
    expect(code(() => evaluateMesh(sphere, sphere, { nSurfacePoints: 0 }))).toBe('BAD_OPTION');
    expect(code(() => evaluateMesh(sphere, sphere, { ...small, thresholds: [] }))).toBe('BAD_OPTION');
  });
});
