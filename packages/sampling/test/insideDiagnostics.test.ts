import { describe, expect, it } from 'vitest';
import { box, concatMeshes, contains, containsWithDiagnostics } from '../src/index.js';

describe('containsWithDiagnostics', () => {
  const inside = new Float32Array([-0.2, 0.13, 0.2, 0.1, 0.05, -0.1]); // off the faces' diagonals in xy
  it('reports duplicate faces of opposite orientation, whose winding numbers cancel', () => {
    const b = box(1);
    const flipped = { positions: b.positions, indices: b.indices.map((_, i, a) => a[i - (i % 3) + [0, 2, 1][i % 3]]) };
    const doubled = concatMeshes([b, flipped]);
    const { occupancy, diagnostics } = containsWithDiagnostics(doubled, inside, { orientation: 'as-is' });
    expect(Array.from(occupancy)).toEqual([0, 0]); // w = 1 − 1 = 0: silently outside before
    expect(diagnostics.cancellingFacePairs).toBe(12);
    expect(diagnostics.warnings[0]).toMatch(/^12 pair\(s\) of coincident faces with opposite orientation/);
    const clean = containsWithDiagnostics(b, inside);
    expect(Array.from(clean.occupancy)).toEqual([1, 1]);
    expect(clean.diagnostics).toEqual({ refinedNearHalf: 0, exactNearHalf: 0, cancellingFacePairs: 0, rayParityDisagreements: 0, warnings: [] });
  });

  it('reports points whose +z and −z ray parities differ on an open mesh', () => {
    // A box without its top (the two faces with all z = +0.5): rays up from inside escape, rays down hit.
    const b = box(1);
    const keep: number[] = [];
    for (let t = 0; t < b.indices.length; t += 3) {
      const top = [0, 1, 2].every((k) => b.positions[3 * b.indices[t + k] + 2] > 0.49);
      if (!top) keep.push(b.indices[t], b.indices[t + 1], b.indices[t + 2]);
    }
    const open = { positions: b.positions, indices: Uint32Array.from(keep) };
    expect(open.indices.length).toBe(30);
    for (const method of ['winding', 'ray-parity'] as const) {
      const { occupancy, diagnostics } = containsWithDiagnostics(open, inside, { method });
      expect(Array.from(occupancy)).toEqual(Array.from(contains(open, inside, { method })));
      expect(diagnostics.rayParityDisagreements).toBe(2);
      expect(diagnostics.warnings).toEqual(['2 of 2 points have different +z and −z ray parities (the reference\'s contains1 != contains2): the mesh is not watertight there']);
    }
  });
});
