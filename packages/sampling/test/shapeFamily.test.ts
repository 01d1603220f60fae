import { describe, expect, it } from 'vitest';
import {
  shapeFamily,
  familyIndices,
  SHAPE_FAMILIES,
  FAMILY_SPLITS,
  lathe,
  sweepTube,
  signedVolume,
  contains,
  sampleUniformPoints,
  SamplingError,
} from '@onet/sampling';
import type { TriangleMesh } from '@onet/io';

/** Every directed edge appears once and its reverse once: closed, consistently oriented parts. */
function closedAndOriented(m: TriangleMesh): boolean {
  const edges = new Map<string, number>();
  const f = m.indices;
  for (let t = 0; t < f.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const key = `${f[t + k]},${f[t + ((k + 1) % 3)]}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  for (const [key, n] of edges) {
    const [a, b] = key.split(',');
    if (n !== 1 || edges.get(`${b},${a}`) !== 1) return false;
  }
  return true;
}

describe('lathe and sweepTube', () => {
  it('a lathed cone has the cone volume πr²h/3 (to the polygon\'s area) and is closed', () => {
    const m = lathe([0, 0, 0.5, 0, 0, 1], 256);
    expect(closedAndOriented(m)).toBe(true);
    expect(signedVolume(m)).toBeCloseTo((Math.PI * 0.25) / 3, 3);
  });
  it('a straight tube has the cylinder volume πr²L', () => {
    const m = sweepTube(new Float32Array([0, 0, 0, 0, 0, 0.5, 0, 0, 1]), 0.1, 256);
    expect(closedAndOriented(m)).toBe(true);
    expect(signedVolume(m)).toBeCloseTo(Math.PI * 0.01, 4);
  });
  it('reject bad profiles and paths with a code', () => {
    expect(() => lathe([0.1, 0, 0.5, 0, 0, 1])).toThrow(SamplingError);
    expect(() => sweepTube(new Float32Array([0, 0, 0, 0, 0, 0]), 0.1)).toThrow(/coincide/);
  });
});

describe('shape families', () => {
  it('split by index: 4000 / 500 / 500', () => {
    expect(FAMILY_SPLITS).toEqual({ train: [0, 4000], val: [4000, 4500], test: [4500, 5000] });
    expect(familyIndices('test', 3)).toEqual([4500, 4501, 4502]);
    expect(shapeFamily('chair', 4499).split).toBe('val');
    expect(() => shapeFamily('chair', 5000)).toThrow(SamplingError);
    expect(() => shapeFamily('sofa' as never, 0)).toThrow(/unknown shape family/);
  });
  for (const family of SHAPE_FAMILIES) {
    it(`${family}: deterministic, closed parts, unit cube, plausible solid fraction`, () => {
      const a = shapeFamily(family, 7);
      expect(Array.from(shapeFamily(family, 7).mesh.positions)).toEqual(Array.from(a.mesh.positions));
      expect(Array.from(shapeFamily(family, 8).mesh.positions)).not.toEqual(Array.from(a.mesh.positions));
      const fractions: number[] = [];
      for (let i = 0; i < 6; i++) {
        const { mesh } = shapeFamily(family, 100 + i);
        expect(closedAndOriented(mesh)).toBe(true);
        let lo = Infinity, hi = -Infinity;
        for (const v of mesh.positions) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        expect(lo).toBeGreaterThanOrEqual(-0.5 - 1e-6);
        expect(hi).toBeLessThanOrEqual(0.5 + 1e-6);
        const occ = contains(mesh, sampleUniformPoints(4000, { seed: i, padding: 0 }));
        fractions.push(occ.reduce((s, o) => s + o, 0) / occ.length);
      }
      for (const f of fractions) {
        expect(f).toBeGreaterThan(0.005);
        expect(f).toBeLessThan(0.6);
      }
    });
  }
  for (const family of ['mug', 'vase'] as const) {
    it(`${family}: the cavity on the axis is outside, the floor inside`, () => {
      for (let i = 0; i < 4; i++) {
        const { mesh } = shapeFamily(family, 4500 + i);
        const p = mesh.positions;
        let zmin = Infinity, zmax = -Infinity;
        for (let k = 2; k < p.length; k += 3) {
          zmin = Math.min(zmin, p[k]);
          zmax = Math.max(zmax, p[k]);
        }
        let ax = 0, ay = 0, n = 0;
        for (let k = 0; k < p.length; k += 3) if (p[k + 2] === zmin) (ax += p[k], ay += p[k + 1], n++);
        ax /= n;
        ay /= n;
        const q = new Float32Array([ax, ay, zmin + 0.8 * (zmax - zmin), ax, ay, zmin + 0.005]);
        expect(Array.from(contains(mesh, q))).toEqual([0, 1]);
      }
    });
  }
});
