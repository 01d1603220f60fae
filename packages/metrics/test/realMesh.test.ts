import { readFileSync } from 'node:fs';
import { fixturePath } from '@onet/test-utils';
import { describe, expect, it } from 'vitest';
import { parseOff, type TriangleMesh } from '@onet/io';
import { normalizeMesh } from '@onet/sampling';
import { evaluateMesh } from '@onet/metrics';

const load = (name: string): TriangleMesh =>
  normalizeMesh(
    parseOff(new Uint8Array(readFileSync(fixturePath(`meshes/${name}`))), { source: name }),
  ).mesh;

describe('evaluateMesh on a real mesh (CGAL eight.off from fixtures/, normalised to the unit cube)', () => {
  const mesh = load('eight.off'); // a genus-2 surface
  const opts = { nSurfacePoints: 5000, nIoUPoints: 5000 };

  it('against itself: Chamfer 0, NC 1, F 1, IoU 1', () => {
    const m = evaluateMesh(mesh, mesh, opts);
    expect([m.chamferL1, m.normalConsistency, m.fScore[0], m.iou]).toEqual([0, expect.closeTo(1, 6), 1, 1]);
  });

  it('against a copy shifted by δ: 0 < Chamfer-L1 ≤ δ (every sample has its shifted twin at δ), IoU < 1', () => {
    const delta = 0.01;
    const shifted = { positions: mesh.positions.map((v, i) => (i % 3 === 0 ? v + delta : v)), indices: mesh.indices };
    const m = evaluateMesh(shifted, mesh, { ...opts, thresholds: [delta * 1.001] });
    expect(m.chamferL1).toBeGreaterThan(0);
    expect(m.chamferL1).toBeLessThanOrEqual(delta * 1.0001);
    expect(m.accuracy).toBeLessThanOrEqual(delta * 1.0001);
    expect(m.completeness).toBeLessThanOrEqual(delta * 1.0001);
    expect(m.fScore[0]).toBeGreaterThan(0.99);
    expect(m.normalConsistency).toBeGreaterThan(0.95);
    expect(m.iou).toBeLessThan(1);
    expect(m.iou).toBeGreaterThan(0.8);
  });
});
