import { describe, expect, it } from 'vitest';
import { box, icosphere, voxelize, SamplingError } from '../src/index.js';

describe('voxelize', () => {
  it('fills a box solid, in C order with i along x', () => {
    // box x ∈ [−0.5, 0], y,z ∈ [−0.5, 0.5] (slightly larger to avoid centre-on-face ties)
    const R = 8;
    const v = voxelize(box([0.51, 1.01, 1.01], [-0.25, 0, 0]), { resolution: R });
    expect(v.length).toBe(R ** 3);
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < R; j++) {
        for (let k = 0; k < R; k++) expect(v[(i * R + j) * R + k]).toBe(i < R / 2 ? 1 : 0);
      }
    }
  });

  it('approximates the volume of a sphere at 32³', () => {
    const r = 0.4;
    const v = voxelize(icosphere(4, r));
    const filled = v.reduce((a, b) => a + b, 0);
    expect(filled / 32 ** 3).toBeCloseTo((4 / 3) * Math.PI * r ** 3, 2);
    // centre cells occupied, corners empty
    expect(v[(16 * 32 + 16) * 32 + 16]).toBe(1);
    expect(v[0]).toBe(0);
  });

  it('padding enlarges the grid', () => {
    const v = voxelize(box(1.02), { resolution: 4, padding: 1 }); // grid [−1, 1]³, cells of 0.5
    // centres at ±0.25 (inside), ±0.75 (outside)
    expect(v.reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('rejects absurd resolutions', () => {
    expect(() => voxelize(box(1), { resolution: 0 })).toThrow(SamplingError);
    expect(() => voxelize(box(1), { resolution: 100_000 })).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});
