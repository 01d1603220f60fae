import { describe, expect, it } from 'vitest';
import { MISE } from '../src/index.js';
import { rng } from '@onet/test-utils';
import { LiteralMise } from './literalPort.js';

describe('MISE equals a literal port of mise.pyx beyond the fixture', () => {
  const configs = [
    { r0: 3, depth: 3, seed: 1, quantized: false },
    { r0: 5, depth: 2, seed: 2, quantized: false },
    { r0: 2, depth: 4, seed: 3, quantized: false },
    { r0: 4, depth: 3, seed: 4, quantized: true }, // values in {−1, 0, 1}: ties at the threshold
    { r0: 1, depth: 4, seed: 5, quantized: true },
  ];
  for (const { r0, depth, seed, quantized } of configs) {
    it(`resolution0 ${r0}, ${depth} steps, ${quantized ? 'ternary' : 'random blobs'} (seed ${seed})`, () => {
      const rand = rng(seed);
      const R = r0 << depth;
      const blobs = Array.from({ length: 6 }, () => [rand() * R, rand() * R, rand() * R, 0.5 + rand() * R * 0.25]);
      blobs.push([0, 0, 0, 0.4 * R]); // covers a coarse corner: refinement guaranteed
      const f = (x: number, y: number, z: number) => {
        let v = -Infinity;
        for (const [cx, cy, cz, r] of blobs) v = Math.max(v, r - Math.hypot(x - cx, y - cy, z - cz));
        return quantized ? Math.sign(Math.round(v)) : v;
      };
      const a = new MISE(r0, depth, 0);
      const b = new LiteralMise(r0, depth, 0);
      for (let round = 0; ; round++) {
        const qa = Array.from(a.query());
        const qb = b.query();
        expect(qa).toEqual(qb);
        if (qa.length === 0) break;
        const v = new Float64Array(qa.length / 3).map((_, n) => f(qa[3 * n], qa[3 * n + 1], qa[3 * n + 2]));
        a.update(qa, v);
        b.update(qb, v);
        expect(round).toBeLessThan(100);
      }
      expect(a.numVoxels).toBe(b.voxels.length);
      expect(a.numPoints).toBe(b.points.length);
      expect(a.numPoints).toBeGreaterThan((r0 + 1) ** 3); // something was refined
    });
  }
});
