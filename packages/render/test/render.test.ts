import { describe, expect, it } from 'vitest';
import { icosphere, box, concatMeshes } from '@onet/sampling';
import { renderMesh, randomView, lookAtCamera, toViewFrame, fromViewFrame, RenderError, type Camera } from '../src/index.js';

function centroid(mask: Uint8Array, w: number): { n: number; u: number; v: number } {
  let n = 0;
  let u = 0;
  let v = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    n++;
    u += (p % w) + 0.5;
    v += Math.floor(p / w) + 0.5;
  }
  return { n, u: u / n, v: v / n };
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RenderError);
    return (e as RenderError).code;
  }
  return undefined;
}

describe('renderMesh', () => {
  const sphere = icosphere(4, 0.4, [0, 0, 0]);

  it('a sphere renders as a centred disc of the perspective radius f·r/√(d² − r²), from any seeded view', () => {
    for (const seed of [1, 2, 3]) {
      const cam = randomView(seed, { width: 64, height: 64 });
      const img = renderMesh(sphere, cam);
      const { n, u, v } = centroid(img.mask, 64);
      const rPx = (cam.fx * 0.4) / Math.sqrt(cam.distance ** 2 - 0.4 ** 2);
      expect(rPx).toBeGreaterThan(10);
      // the icosphere is inscribed in the sphere (a little smaller); pixel counting of a ~15 px disc adds ±3%
      expect(n / (Math.PI * rPx * rPx)).toBeGreaterThan(0.95);
      expect(n / (Math.PI * rPx * rPx)).toBeLessThan(1.04);
      expect(Math.abs(u - 32)).toBeLessThan(0.3);
      expect(Math.abs(v - 32)).toBeLessThan(0.3);
      // nearest depth at the centre is d − r; the background is exactly white and infinitely far
      expect(img.depth[32 * 64 + 32]).toBeCloseTo(cam.distance - 0.4, 2);
      expect(Array.from(img.rgb.slice(0, 3))).toEqual([255, 255, 255]);
      expect(img.depth[0]).toBe(Number.POSITIVE_INFINITY);
      // shaded, not flat: the key light from the upper left makes the object's pixels vary
      const inside: number[] = [];
      for (let p = 0; p < img.mask.length; p++) if (img.mask[p]) inside.push(img.rgb[3 * p]);
      expect(Math.max(...inside) - Math.min(...inside)).toBeGreaterThan(60);
      expect(Math.max(...inside)).toBeLessThan(255);
    }
  });

  it('is deterministic: the same seed gives the same bytes, another seed another view', () => {
    const mesh = concatMeshes([box([0.6, 0.2, 0.3], [0.1, 0, 0]), icosphere(2, 0.15, [-0.2, 0.15, 0.1])]);
    const a = renderMesh(mesh, randomView(7));
    const b = renderMesh(mesh, randomView(7));
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    const c = renderMesh(mesh, randomView(8));
    expect(Buffer.from(a.rgb).equals(Buffer.from(c.rgb))).toBe(false);
  });

  it('orientation: from azimuth 0 (camera on +z), world +x is image right and world +y image up', () => {
    const cam = lookAtCamera(0, 0, { width: 48, height: 48 });
    expect(cam.rotation.map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const right = centroid(renderMesh(box([0.1, 0.1, 0.1], [0.3, 0, 0]), cam).mask, 48);
    const up = centroid(renderMesh(box([0.1, 0.1, 0.1], [0, 0.3, 0]), cam).mask, 48);
    // projected centre u = cx + f·0.3/2.2
    expect(right.u).toBeCloseTo(24 + (cam.fx * 0.3) / 2.2, 0);
    expect(right.v).toBeCloseTo(24, 0);
    expect(up.v).toBeCloseTo(24 - (cam.fy * 0.3) / 2.2, 0);
    // camera on +x (azimuth 90°): world −z is image right
    const side = lookAtCamera(Math.PI / 2, 0, { width: 48, height: 48 });
    expect(centroid(renderMesh(box([0.1, 0.1, 0.1], [0, 0, -0.3]), side).mask, 48).u).toBeGreaterThan(30);
  });

  it('toViewFrame is a rotation and fromViewFrame its inverse; the camera sits at (0, 0, distance) in the view frame', () => {
    const cam = randomView(11, { elevationRangeDeg: [-60, 60] });
    const R = cam.rotation;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = R[3 * i] * R[3 * j] + R[3 * i + 1] * R[3 * j + 1] + R[3 * i + 2] * R[3 * j + 2];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    const p = new Float32Array([0.1, -0.2, 0.3, 0.5, 0.4, -0.1]);
    const back = fromViewFrame(toViewFrame(p, cam), cam);
    for (let i = 0; i < p.length; i++) expect(back[i]).toBeCloseTo(p[i], 6);
    // the camera centre in world coordinates maps to (0, 0, d)
    const ce = Math.cos(cam.elevation);
    const camWorld = new Float32Array([ce * Math.sin(cam.azimuth), Math.sin(cam.elevation), ce * Math.cos(cam.azimuth)].map((v) => v * cam.distance));
    const cv = toViewFrame(camWorld, cam);
    expect(cv[0]).toBeCloseTo(0, 5);
    expect(cv[1]).toBeCloseTo(0, 5);
    expect(cv[2]).toBeCloseTo(cam.distance, 5);
  });

  it('random views stay in the elevation range and cover the azimuths', () => {
    const az: number[] = [];
    for (let s = 0; s < 200; s++) {
      const c: Camera = randomView(s, { elevationRangeDeg: [-10, 30] });
      expect((c.elevation * 180) / Math.PI).toBeGreaterThanOrEqual(-10);
      expect((c.elevation * 180) / Math.PI).toBeLessThanOrEqual(30);
      az.push(c.azimuth);
    }
    // every quarter of the circle is used
    for (let q = 0; q < 4; q++) expect(az.some((a) => a >= (q * Math.PI) / 2 && a < ((q + 1) * Math.PI) / 2)).toBe(true);
  });

  it('rejects bad meshes, cameras and options with typed errors', () => {
    const cam = randomView(1);
    expect(code(() => renderMesh({ positions: new Float32Array([0, 0, 0, 1, 0, Number.NaN, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]) }, cam))).toBe('INVALID_MESH');
    expect(code(() => renderMesh({ positions: new Float32Array(9), indices: new Uint32Array([0, 1, 3]) }, cam))).toBe('INVALID_MESH');
    expect(code(() => renderMesh({ positions: new Float32Array(8), indices: new Uint32Array([0, 1, 2]) }, cam))).toBe('INVALID_MESH');
    expect(code(() => renderMesh(box([0.1, 0.1, 0.1], [0, 0, 3]), lookAtCamera(0, 0)))).toBe('BEHIND_CAMERA');
    expect(code(() => renderMesh(sphere, cam, { supersample: 5 }))).toBe('INVALID_OPTION');
    expect(code(() => renderMesh(sphere, cam, { color: [2, 0, 0] }))).toBe('INVALID_OPTION');
    expect(code(() => randomView(1, { distance: 0.5 }))).toBe('INVALID_OPTION');
    expect(code(() => randomView(1, { width: 0 }))).toBe('INVALID_OPTION');
    expect(code(() => randomView(1, { elevationRangeDeg: [10, 90] }))).toBe('INVALID_OPTION');
    expect(code(() => lookAtCamera(0, Math.PI / 2))).toBe('INVALID_OPTION');
  });
});
