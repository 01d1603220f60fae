import { describe, expect, it } from 'vitest';
import { icosphere, box, contains, sampleUniformPoints, createRng } from '@onet/sampling';
import { renderMesh, lookAtCamera, randomView, toViewFrame, meshToViewFrame, silhouetteOccupancy, viewDepthRange, RenderError } from '../src/index.js';

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

describe('meshToViewFrame and viewDepthRange', () => {
  it('a box turned into the view frame: the camera-facing side is +z, inside tests agree with the rotated points', () => {
    const b = box([0.6, 0.2, 0.4]);
    // camera on world +x (azimuth 90°): world +x becomes view +z, world +y stays up
    const cam = lookAtCamera(Math.PI / 2, 0);
    const v = meshToViewFrame(b, cam);
    expect(Array.from(v.indices)).toEqual(Array.from(b.indices));
    let maxZ = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < v.positions.length; i += 3) {
      maxZ = Math.max(maxZ, v.positions[i + 2]);
      maxY = Math.max(maxY, v.positions[i + 1]);
    }
    expect(maxZ).toBeCloseTo(0.3, 6); // half the x side
    expect(maxY).toBeCloseTo(0.1, 6);
    // membership is rotated with the mesh (a proper rotation keeps the faces' orientation)
    const world = sampleUniformPoints(5000, { rng: createRng(4), padding: 0.1 });
    expect(Array.from(contains(v, toViewFrame(world, cam)))).toEqual(Array.from(contains(b, world)));
  });

  it('vertex normals turn with the mesh', () => {
    const cam = randomView(11);
    const m = { positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]), normals: new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1]) };
    const v = meshToViewFrame(m, cam);
    expect(Array.from(v.normals!.subarray(0, 3))).toEqual(Array.from(toViewFrame(new Float32Array([0, 0, 1]), cam)));
  });

  it('depth range is distance − z over the points; points behind the camera throw', () => {
    const cam = lookAtCamera(0, 0); // distance 2.2
    const [near, far] = viewDepthRange(new Float32Array([0, 0, 0.3, 0.5, 0.5, -0.2, 0, 0, 0]), cam);
    expect(near).toBeCloseTo(1.9, 6);
    expect(far).toBeCloseTo(2.4, 6);
    expect(() => viewDepthRange(new Float32Array([0, 0, 2.5]), cam)).toThrow(RenderError);
    expect(() => viewDepthRange(new Float32Array(0), cam)).toThrow(RenderError);
    expect(() => viewDepthRange(new Float32Array([0, Number.NaN, Number.NaN]), cam)).toThrow(RenderError);
  });
});
