import { describe, expect, it } from 'vitest';
import { icosphere, box, contains, sampleUniformPoints, createRng } from '@onet/sampling';
import { renderMesh, lookAtCamera, randomView, toViewFrame, silhouetteOccupancy, RenderError } from '../src/index.js';

describe('silhouetteOccupancy (silhouette extruded through the depth range)', () => {
  it('for a sphere it is the cylinder-like hull: IoU with the sphere ≈ 2/3, and it contains the sphere', () => {
    const r = 0.4;
    const sphere = icosphere(4, r);
    const cam = randomView(3, { width: 96, height: 96 });
    const { mask } = renderMesh(sphere, cam);
    // view-frame points (a sphere is its own rotation: world and view membership agree)
    const pts = toViewFrame(sampleUniformPoints(40_000, { rng: createRng(2), padding: 0.1 }), cam);
    const occ = silhouetteOccupancy(pts, mask, cam, [cam.distance - r, cam.distance + r]);
    const truth = contains(sphere, pts);
    let inter = 0;
    let union = 0;
    let missed = 0;
    for (let i = 0; i < occ.length; i++) {
      if (occ[i] && truth[i]) inter++;
      if (occ[i] || truth[i]) union++;
      if (truth[i] && !occ[i]) missed++;
    }
    // sphere / circumscribed cylinder = 2/3 (perspective widens the hull a little towards the back)
    expect(inter / union).toBeGreaterThan(0.6);
    expect(inter / union).toBeLessThan(0.7);
    // only silhouette-edge pixels (mask at half coverage) can miss inside points
    expect(missed / inter).toBeLessThan(0.02);
  });

  it('points outside the silhouette or the depth range are empty; bad arguments throw', () => {
    const cam = lookAtCamera(0, 0, { width: 32, height: 32 });
    const { mask } = renderMesh(box([0.4, 0.4, 0.4]), cam);
    const pts = new Float32Array([0, 0, 0, 0.4, 0, 0, 0, 0, 0.5, 0, 0, -0.5]);
    expect(Array.from(silhouetteOccupancy(pts, mask, cam, [2.0, 2.4]))).toEqual([1, 0, 0, 0]);
    expect(Array.from(silhouetteOccupancy(pts, mask, cam, [1.5, 2.8]))).toEqual([1, 0, 1, 1]);
    expect(() => silhouetteOccupancy(pts, mask.subarray(1), cam, [2, 2.4])).toThrow(RenderError);
    expect(() => silhouetteOccupancy(pts, mask, cam, [2.4, 2])).toThrow(RenderError);
    expect(() => silhouetteOccupancy(pts.subarray(1), mask, cam, [2, 2.4])).toThrow(RenderError);
  });
});
