import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMesh, type TriangleMesh } from '@onet/io';
import { fixturePath } from '@onet/test-utils';
import { box, concatMeshes, contains, icosphere, normalizeMesh, sampleUniformPoints, torus, windingNumbers, SamplingError } from '../src/index.js';

/** A CGAL mesh committed under fixtures/ (`meshes/…` or `meshes-open/…`). */
const load = (rel: string): TriangleMesh => parseMesh(new Uint8Array(readFileSync(fixturePath(rel))), { source: rel });

describe('windingNumbers', () => {
  it('is 1 inside and 0 outside a sphere, matching the exact sum', () => {
    const sphere = icosphere(4, 0.4);
    const pts = sampleUniformPoints(4000, { seed: 2 });
    const fast = windingNumbers(sphere, pts, { rayCastClosed: false });
    const exact = windingNumbers(sphere, pts, { beta: Infinity, rayCastClosed: false });
    const rays = windingNumbers(sphere, pts); // closed mesh: exact signed ray crossings
    for (let i = 0; i < 4000; i++) expect(Math.abs(rays[i] - exact[i])).toBeLessThan(1e-6);
    let worst = 0;
    for (let i = 0; i < 4000; i++) {
      worst = Math.max(worst, Math.abs(fast[i] - exact[i]));
      const r = Math.hypot(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
      if (r < 0.39) expect(exact[i]).toBeCloseTo(1, 5);
      if (r > 0.41) expect(exact[i]).toBeCloseTo(0, 5);
    }
    expect(worst).toBeLessThan(0.01); // β = 2 far field
    expect(worst).toBeGreaterThan(0); // the far field is really used
  });

  it.each([true, false])('adds up overlapping components: w ≈ 2 inside both cubes (rayCastClosed %s)', (rayCastClosed) => {
    const two = concatMeshes([box(0.6, [-0.1, 0, 0]), box(0.6, [0.1, 0, 0])]);
    const w = windingNumbers(two, new Float32Array([0, 0, 0, -0.35, 0, 0, 0.35, 0.1, 0, 0.45, 0, 0]), { rayCastClosed });
    expect(w[0]).toBeCloseTo(2, 2);
    expect(w[1]).toBeCloseTo(1, 2);
    expect(w[2]).toBeCloseTo(1, 2);
    expect(w[3]).toBeCloseTo(0, 2);
    expect(Array.from(contains(two, new Float32Array([0, 0, 0, 0.45, 0, 0]), { rayCastClosed }))).toEqual([1, 0]);
    // ray parity (the reference rule) gets the doubly-covered point wrong: both counts even
    expect(Array.from(contains(two, new Float32Array([0, 0.01, 0.02]), { method: 'ray-parity' }))).toEqual([0]);
  });

  it('is −1 inside an inside-out mesh', () => {
    const s = icosphere(2, 0.4);
    const flipped = { positions: s.positions, indices: s.indices.slice() };
    for (let t = 0; t < flipped.indices.length; t += 3) [flipped.indices[t + 1], flipped.indices[t + 2]] = [flipped.indices[t + 2], flipped.indices[t + 1]];
    expect(windingNumbers(flipped, new Float32Array([0, 0, 0]))[0]).toBeCloseTo(-1, 2);
    expect(windingNumbers(flipped, new Float32Array([0, 0, 0]), { rayCastClosed: false })[0]).toBeCloseTo(-1, 2);
    expect(contains(flipped, new Float32Array([0, 0, 0]))[0]).toBe(1); // orientation 'auto'
    expect(contains(flipped, new Float32Array([0, 0, 0]), { orientation: 'as-is' })[0]).toBe(0);
  });

  it('rejects malformed input', () => {
    expect(() => windingNumbers(box(1), new Float32Array(4))).toThrow(SamplingError);
    expect(() => windingNumbers(box(1), new Float32Array([0, NaN, 0]))).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
    expect(() => windingNumbers(box(1), new Float32Array(3), { beta: 0 })).toThrow(SamplingError);
    expect(() => contains(box(1), new Float32Array(3), { method: 'nope' as 'winding' })).toThrow(SamplingError);
    expect(windingNumbers({ positions: new Float32Array(0), indices: new Uint32Array(0) }, new Float32Array(3))[0]).toBe(0);
  });
});

describe('contains', () => {
  it.each([true, false])('labels a sphere like |p| < r (rayCastClosed %s)', (rayCastClosed) => {
    const r = 0.4;
    const sphere = icosphere(5, r);
    const pts = sampleUniformPoints(20_000, { seed: 3 });
    const occ = contains(sphere, pts, { rayCastClosed });
    let wrong = 0, inside = 0;
    for (let i = 0; i < 20_000; i++) {
      const d = Math.hypot(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
      inside += occ[i];
      if (Math.abs(d - r) > 0.001 && occ[i] !== (d < r ? 1 : 0)) wrong++;
    }
    expect(wrong).toBe(0);
    // volume fraction of the sphere in the 1.1³ box
    expect(inside / 20_000).toBeCloseTo(((4 / 3) * Math.PI * r ** 3) / 1.1 ** 3, 1);
  });

  it.each([true, false])('labels a torus analytically (rayCastClosed %s)', (rayCastClosed) => {
    const occ = contains(torus(0.35, 0.1, 96, 48), sampleUniformPoints(10_000, { seed: 4 }), { rayCastClosed });
    const pts = sampleUniformPoints(10_000, { seed: 4 });
    let wrong = 0;
    for (let i = 0; i < 10_000; i++) {
      const [x, y, z] = pts.subarray(3 * i, 3 * i + 3);
      const d = Math.hypot(Math.hypot(x, y) - 0.35, z);
      if (Math.abs(d - 0.1) > 0.002 && occ[i] !== (d < 0.1 ? 1 : 0)) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it.each([true, false])('counts points exactly on the surface as inside (documented rule; rayCastClosed %s)', (rayCastClosed) => {
    const cube = box(1);
    const onFace = new Float32Array([0.5, 0.1, 0.2, 0, -0.5, 0.3, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0.5000001, 0, 0, 0, 0, 0]);
    expect(Array.from(contains(cube, onFace, { rayCastClosed }))).toEqual([1, 1, 1, 1, 0, 1]);
  });

  it('answers grid points lying on projected edges (rays retried along other axes)', () => {
    // cell centres of a grid line up with the diagonal edges of the box's faces
    const cube = box(0.5);
    const g: number[] = [];
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) for (let k = 0; k < 9; k++) g.push((i - 4) / 10, (j - 4) / 10, (k - 4) / 10);
    const pts = new Float32Array(g);
    const a = contains(cube, pts);
    const b = contains(cube, pts, { rayCastClosed: false });
    expect(Array.from(a)).toEqual(Array.from(b));
    // |coordinate| ≤ 0.2 < 0.25 inside: 5³ cells; 0.3, 0.4 outside
    expect(a.reduce((s, v) => s + v, 0)).toBe(125);
  });

  it('gives sensible answers on open meshes', () => {
    const centre = new Float32Array([0, 0, 0]);
    for (const f of ['open_cube.off', 'cube-ouvert.off']) {
      const mesh = normalizeMesh(load('meshes-open/' + f)).mesh;
      expect(contains(mesh, centre)[0], f).toBe(1);
      expect(Math.abs(windingNumbers(mesh, centre)[0])).toBeCloseTo(5 / 6, 3); // 5 of 6 faces present
      expect(contains(mesh, new Float32Array([0.52, 0, 0]))[0], f).toBe(0);
    }
  });

  it('labels a mesh with holes like its closed original (ray parity does not)', () => {
    const closed = load('meshes/elephant.off');
    const holes = load('meshes-open/elephant-with-holes.off');
    const { loc, scale } = normalizeMesh(closed);
    const apply = (m: TriangleMesh): TriangleMesh => ({
      positions: m.positions.map((v, i) => (v - loc[i % 3]) / scale),
      indices: m.indices,
    });
    const pts = sampleUniformPoints(20_000, { seed: 6 });
    const truth = contains(apply(closed), pts);
    const wn = contains(apply(holes), pts);
    const rp = contains(apply(holes), pts, { method: 'ray-parity' });
    let wnSame = 0, rpSame = 0;
    for (let i = 0; i < truth.length; i++) {
      wnSame += truth[i] === wn[i] ? 1 : 0;
      rpSame += truth[i] === rp[i] ? 1 : 0;
    }
    expect(wnSame / truth.length).toBeGreaterThan(0.99);
    expect(wnSame).toBeGreaterThan(rpSame);
  });
});
