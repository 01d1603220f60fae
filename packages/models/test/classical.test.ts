import { describe, expect, it } from 'vitest';
import { evaluateMeshes } from '@onet/model';
import { icosphere, sampleSurface, subsamplePointCloud } from '@onet/sampling';
import { findPython } from '@onet/test-utils/peers';
import { boundaryEdges, type ClassicalMethod, startClassicalPeer } from '../scripts/classical.js';

describe('boundaryEdges', () => {
  it('is 0 for a closed mesh and counts the rim of a hole', () => {
    const sphere = icosphere(2);
    expect(boundaryEdges(sphere)).toBe(0);
    // one triangle removed: its three edges now belong to one triangle each
    const holed = { positions: sphere.positions, indices: sphere.indices.slice(3) };
    expect(boundaryEdges(holed)).toBe(3);
    // two triangles sharing an edge: 4 rim edges, the shared one is interior
    expect(boundaryEdges({ positions: new Float32Array(12), indices: new Uint32Array([0, 1, 2, 2, 1, 3]) })).toBe(4);
  });
});

// The peer of compare-classical.ts: Open3D in the Python that has it, else the test says how to install it.
const py = findPython(['numpy', 'open3d']);
describe.skipIf(py.missing !== undefined)(`classical.py (Open3D)${py.missing ? ` — skipped, ${py.missing}` : ''}`, () => {
  it('reconstructs a noisy sphere with Poisson and ball pivoting, and reports a failed method without losing the others', async () => {
    const sphere = icosphere(4, 0.4);
    const points = subsamplePointCloud(sampleSurface(sphere, 20_000, { seed: 1 }).points, 2000, { noiseStd: 0.005, seed: 2 });
    const peer = await startClassicalPeer();
    if (!('reconstruct' in peer)) throw new Error(peer.missing);
    try {
      const results = await peer.reconstruct(points, ['poisson6', 'nonsense' as ClassicalMethod, 'bpa']);
      expect(results.map((r) => r.method)).toEqual(['poisson6', 'nonsense', 'bpa']);
      expect(results[1].error).toMatch(/unknown method/);
      expect(peer.name).toMatch(/^Open3D \d+\.\d+/);
      const [poisson, , bpa] = results;
      if (poisson.error !== undefined || bpa.error !== undefined) throw new Error(`${poisson.error ?? ''} ${bpa.error ?? ''}`);
      for (const r of [poisson, bpa]) {
        expect(r.cpuS).toBeGreaterThan(0);
        expect(r.wallS).toBeGreaterThan(0);
      }
      const p = evaluateMeshes(poisson.mesh, sphere, { frame: 'as-is', points: 20_000, seed: 3 });
      const b = evaluateMeshes(bpa.mesh, sphere, { frame: 'as-is', points: 20_000, seed: 3 });
      // a sphere of radius 0.4 from 2000 points: both surfaces lie within the noise of the truth
      expect(p.iou).toBeGreaterThan(0.93);
      expect(p.chamferL1).toBeLessThan(0.01);
      expect(b.fscore).toBeGreaterThan(0.8);
      // ball pivoting interpolates the input: its vertices are the 2000 points, and it leaves holes
      expect(bpa.mesh.positions.length / 3).toBe(2000);
      expect(boundaryEdges(bpa.mesh)).toBeGreaterThan(0);
    } finally {
      await peer.close();
    }
  });
});
