import { readFileSync } from 'node:fs';
import { fixturePath, MISE_CASE_FUNCTIONS } from '@onet/test-utils';
import { describe, expect, it } from 'vitest';
import { eulerCharacteristic, isWatertight, marchingCubes, meshArea, meshVolume } from '../src/index.js';

interface RefCase {
  mesh_vertices: number;
  mesh_faces: number;
  dense_mesh_faces: number;
  dense_mesh_area: number;
  dense_mesh_volume: number;
}
const ref = JSON.parse(
  readFileSync(fixturePath('mise/mise_reference.json'), 'utf8')
) as { threshold_logit: number; cases: Record<string, RefCase> };

// closed forms from the fixture's "function" fields
const fns = MISE_CASE_FUNCTIONS;

describe('parity with the reference libmcubes (REFERENCE.md §3.4) on its dense 129³ grids', () => {
  for (const [name, f] of Object.entries(fns)) {
    it(`${name}: same face and vertex counts, area and volume`, () => {
      const n = 129;
      const p = (t: number) => 1.1 * (t / 128 - 0.5);
      const v = new Float64Array(n ** 3);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) v[(i * n + j) * n + k] = f(p(i), p(j), p(k));
      // the reference pads with −1e6 and maps index v to 1.1·((v − 1)/128 − 0.5): closeBoundary + origin/spacing
      const m = marchingCubes(v, [n, n, n], {
        level: ref.threshold_logit,
        origin: [-0.55, -0.55, -0.55],
        spacing: [1.1 / 128, 1.1 / 128, 1.1 / 128],
        closeBoundary: true,
      });
      const c = ref.cases[name]!;
      expect(m.indices.length / 3).toBe(c.dense_mesh_faces);
      // the fixture lists vertex counts for the MISE mesh, which equals the dense one except for the tiny blob
      if (c.mesh_faces === c.dense_mesh_faces) expect(m.positions.length / 3).toBe(c.mesh_vertices);
      expect(Math.abs(meshArea(m) / c.dense_mesh_area - 1)).toBeLessThan(1e-5);
      expect(Math.abs(meshVolume(m) / c.dense_mesh_volume - 1)).toBeLessThan(name.startsWith('tiny') ? 1e-3 : 2e-4);
      expect(isWatertight(m)).toBe(true);
      expect(eulerCharacteristic(m)).toBe(name.startsWith('torus') ? 0 : name === 'two_spheres' ? 4 : 2);
    });
  }
});
