import { describe, expect, it } from 'vitest';
import { box, icosphere, torus, voxelize, voxelizeMesh, transformMesh, randomAffine, createRng, SamplingError } from '../src/index.js';

const count = (v: Uint8Array) => v.reduce((a, b) => a + b, 0);

describe('voxelizeMesh', () => {
  it('marks exactly the cells of a box whose faces lie on cell faces', () => {
    // x ∈ [−0.25, 0.25], y ∈ [−0.5, 0], z ∈ [0, 0.375]: 16 × 16 × 12 cells of 1/32
    const R = 32;
    const v = voxelizeMesh(box([0.5, 0.5, 0.375], [0, -0.25, 0.1875]), { resolution: R });
    expect(count(v)).toBe(16 * 16 * 12);
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < R; j++) {
        for (let k = 0; k < R; k++) {
          const inside = i >= 8 && i < 24 && j < 16 && k >= 16 && k < 28;
          expect(v[(i * R + j) * R + k]).toBe(inside ? 1 : 0);
        }
      }
    }
  });

  it('adds the surface cells of a box between cell faces', () => {
    // x,y,z ∈ [−0.2, 0.2], cells of 1/16: centres of cells 5..10 inside, the faces cut cells 4 and 11
    const v = voxelizeMesh(box(0.4), { resolution: 16 });
    expect(count(voxelize(box(0.4), { resolution: 16 }))).toBe(6 ** 3);
    expect(count(v)).toBe(8 ** 3);
  });

  it('a sphere: the centres fill ≈ its volume, the shell adds about one cell layer', () => {
    const r = 0.4;
    const R = 32;
    const sphere = icosphere(4, r);
    const centres = voxelize(sphere, { resolution: R });
    const v = voxelizeMesh(sphere, { resolution: R });
    const cell = 1 / R;
    expect(count(centres) * cell ** 3).toBeCloseTo((4 / 3) * Math.PI * r ** 3, 2);
    // surface cells lie within √3/2 cells of the sphere: the union sits between the volumes of radius r and r + √3/2·cell
    const outer = (4 / 3) * Math.PI * (r + (Math.sqrt(3) / 2) * cell) ** 3;
    const vol = count(v) * cell ** 3;
    expect(vol).toBeGreaterThan((4 / 3) * Math.PI * (r + 0.25 * cell) ** 3);
    expect(vol).toBeLessThan(outer);
    for (let i = 0; i < centres.length; i++) if (centres[i]) expect(v[i]).toBe(1);
  });

  it('keeps thin parts that miss every cell centre', () => {
    // a torus with tube radius 0.01 (< half a cell of 1/32): no centre inside, but its cells are marked
    const t = torus(0.3, 0.01, 48, 12);
    expect(count(voxelize(t))).toBeLessThan(20);
    const n = count(voxelizeMesh(t));
    // the tube's centre line is 2π·0.3 ≈ 1.88 long ≈ 60 cells; a thin tube crosses 1–4 cells per cell of length
    expect(n).toBeGreaterThan(60);
    expect(n).toBeLessThan(60 * 6);
  });

  it('is deterministic and surface: false equals voxelize', () => {
    const m = transformMesh(icosphere(3, 0.3), randomAffine(createRng(3), { rotate: true }));
    expect(voxelizeMesh(m)).toEqual(voxelizeMesh(m));
    expect(voxelizeMesh(m, { surface: false })).toEqual(voxelize(m));
  });

  it('rejects bad options', () => {
    expect(() => voxelizeMesh(box(1), { resolution: 0 })).toThrow(SamplingError);
    expect(() => voxelizeMesh(box(1), { surface: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
