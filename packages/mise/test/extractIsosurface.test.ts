import { describe, expect, it } from 'vitest';
import { isWatertight, meshArea, meshVolume } from '@onet/marching-cubes';
import { EXTRACT_ISOSURFACE_DEFAULTS, MiseError, extractIsosurface } from '../src/index.js';
import { MISE_CASE_FUNCTIONS, batched } from '@onet/test-utils';
import { FIXTURE } from './fixture.js';

const T = FIXTURE.threshold_logit;

const areaVolume = (positions: Float32Array, indices: Uint32Array) => ({
  area: meshArea({ positions, indices }),
  volume: meshVolume({ positions, indices }),
});

const sphere = (r: number, cx = 0, cy = 0, cz = 0) => (p: Float32Array) => {
  const v = new Float32Array(p.length / 3);
  for (let n = 0; n < v.length; n++) v[n] = r - Math.hypot(p[3 * n] - cx, p[3 * n + 1] - cy, p[3 * n + 2] - cz);
  return v;
};

describe('extractIsosurface reproduces the reference meshes', () => {
  for (const [name, c] of Object.entries(FIXTURE.cases)) {
    it(`${name}: counts, faces, area, volume`, async () => {
      const { mesh, stats } = await extractIsosurface(batched(MISE_CASE_FUNCTIONS[name]), { threshold: T });
      expect(stats.evaluationsPerRound).toEqual(c.evaluations_per_round);
      expect(stats.evaluations).toBe(c.evaluations_total);
      expect(stats.denseEvaluations).toBe(c.dense_evaluations);
      expect(stats.insideNodes).toBe(c.inside_nodes);
      expect(mesh.indices.length / 3).toBe(c.mesh_faces);
      expect(mesh.positions.length / 3).toBe(c.mesh_vertices);
      const { area, volume } = areaVolume(mesh.positions, mesh.indices);
      // Same vertices (area agrees to ≤ 1e-6 relative, float32 positions). Face and vertex counts agree with
      // PyMCubes exactly, but @onet/marching-cubes triangulates each loop by shortest diagonals where
      // PyMCubes' table fans, so a few quads take the other diagonal: the volume moves by ≤ 1e-4 relative.
      if (c.mesh_faces === 0) {
        expect(area).toBe(0);
        expect(volume).toBe(0);
      } else {
        expect(Math.abs(area - c.mesh_area)).toBeLessThanOrEqual(5e-6 * c.mesh_area);
        expect(Math.abs(volume - c.mesh_volume)).toBeLessThanOrEqual(1e-4 * c.mesh_volume);
      }
    });
  }

  it("safe mode recovers the dense grid's tiny blob mesh", async () => {
    const c = FIXTURE.cases.tiny_blob_between_coarse_nodes;
    const f = batched(MISE_CASE_FUNCTIONS.tiny_blob_between_coarse_nodes);
    const ref = await extractIsosurface(f, { threshold: T });
    expect(ref.mesh.indices.length).toBe(0);
    const safe = await extractIsosurface(f, { threshold: T, mode: 'safe' });
    expect(safe.stats.insideNodes).toBe(c.dense_inside_nodes);
    expect(safe.mesh.indices.length / 3).toBe(c.dense_mesh_faces);
    const { area, volume } = areaVolume(safe.mesh.positions, safe.mesh.indices);
    expect(Math.abs(area - c.dense_mesh_area)).toBeLessThanOrEqual(1e-6 * c.dense_mesh_area);
    // 344 faces at 3 nodes across: diagonal choices (see above) weigh more, 5e-4 relative here.
    expect(Math.abs(volume - c.dense_mesh_volume)).toBeLessThanOrEqual(1e-3 * c.dense_mesh_volume);
    expect(safe.stats.evaluations).toBeLessThan(1.1 * c.evaluations_total);
    expect(safe.stats.lipschitz).toBeGreaterThan(2 * 90); // 2 × (≈100 per world unit)
  });
  it('safe mode with a known Lipschitz bound in world units (100 for 100·distance)', async () => {
    const f = batched(MISE_CASE_FUNCTIONS.tiny_blob_between_coarse_nodes);
    const known = await extractIsosurface(f, { threshold: T, mode: 'safe', lipschitz: 100 });
    expect(known.stats.lipschitz).toBeCloseTo(100, 9);
    expect(known.stats.insideNodes).toBe(123);
    const tooSmall = await extractIsosurface(f, { threshold: T, mode: 'safe', lipschitz: 10 });
    expect(tooSmall.stats.insideNodes).toBe(0);
    const ref = await extractIsosurface(f, { threshold: T });
    expect(ref.stats.lipschitz).toBe(0);
  });
});

describe('extractIsosurface options', () => {
  it('defaults are the reference parameters, threshold 0', () => {
    expect(EXTRACT_ISOSURFACE_DEFAULTS).toMatchObject({
      resolution0: 32, upsamplingSteps: 2, threshold: 0, bounds: [-0.55, 0.55], batchSize: 100_000, mode: 'reference',
    });
  });

  it('mesh is in world coordinates and honours custom bounds', async () => {
    const r = 0.3;
    const { mesh, stats } = await extractIsosurface(sphere(r, 1, 2, 3), {
      bounds: [[0.55, 1.55, 2.5], [1.45, 2.45, 3.5]],
      resolution0: 16,
      upsamplingSteps: 3,
    });
    expect(stats.resolution).toBe(128);
    expect(mesh.indices.length).toBeGreaterThan(1000);
    for (let v = 0; v < mesh.positions.length; v += 3) {
      const d = Math.hypot(mesh.positions[v] - 1, mesh.positions[v + 1] - 2, mesh.positions[v + 2] - 3);
      expect(Math.abs(d - r)).toBeLessThan(1e-3);
    }
    const { area, volume } = areaVolume(mesh.positions, mesh.indices);
    expect(area / (4 * Math.PI * r * r)).toBeCloseTo(1, 2);
    expect(volume / ((4 / 3) * Math.PI * r ** 3)).toBeCloseTo(1, 2); // positive: outward-facing triangles
  });

  it('accepts async functions and number[] results, batches by batchSize, reports progress', async () => {
    const sync = await extractIsosurface(sphere(0.35), { resolution0: 8, upsamplingSteps: 2 });
    const sizes: number[] = [];
    const progress: number[] = [];
    const asyncFn = async (p: Float32Array) => {
      sizes.push(p.length / 3);
      await new Promise((r) => setTimeout(r, 0));
      return Array.from(sphere(0.35)(p));
    };
    const res = await extractIsosurface(asyncFn, {
      resolution0: 8, upsamplingSteps: 2, batchSize: 100, onProgress: (p) => progress.push(p.evaluated),
    });
    expect(Math.max(...sizes)).toBe(100);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(res.stats.evaluations);
    expect(progress.at(-1)).toBe(res.stats.evaluations);
    expect(progress.length).toBe(sizes.length);
    expect(res.stats.evaluationsPerRound).toEqual(sync.stats.evaluationsPerRound);
    expect(Array.from(res.mesh.positions)).toEqual(Array.from(sync.mesh.positions));
    expect(res.stats.evaluationsPerRound[0]).toBe(9 ** 3);
  });

  it('AbortSignal: rejects promptly with AbortError and stops calling fn', async () => {
    const ctrl = new AbortController();
    let calls = 0;
    const fn = async (p: Float32Array) => {
      calls++;
      if (calls === 2) ctrl.abort();
      return sphere(0.3)(p);
    };
    await expect(extractIsosurface(fn, { batchSize: 1000, signal: ctrl.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(2);
    const pre = new AbortController();
    pre.abort();
    let called = false;
    await expect(extractIsosurface(() => ((called = true), []), { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(called).toBe(false);
  });

  it('NaN output: NAN_VALUE naming the point', async () => {
    const fn = (p: Float32Array) => {
      const v = sphere(0.3)(p);
      for (let n = 0; n < v.length; n++) if (p[3 * n] === Math.fround(0.55) && p[3 * n + 1] === Math.fround(0.55) && p[3 * n + 2] === Math.fround(0.55)) v[n] = NaN;
      return v;
    };
    const err = await extractIsosurface(fn, { resolution0: 4, upsamplingSteps: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(MiseError);
    expect(err.code).toBe('NAN_VALUE');
    expect(err.message).toMatch(/\(0\.55\d*, 0\.55\d*, 0\.55\d*\)/);
  });

  it('wrong output length or type: BAD_OUTPUT', async () => {
    await expect(extractIsosurface((p) => new Float32Array(p.length), { resolution0: 4, upsamplingSteps: 1 }))
      .rejects.toMatchObject({ code: 'BAD_OUTPUT' });
    await expect(extractIsosurface(() => 3 as unknown as number[], { resolution0: 4, upsamplingSteps: 1 }))
      .rejects.toMatchObject({ code: 'BAD_OUTPUT' });
    await expect(extractIsosurface((p) => Array.from({ length: p.length / 3 }, () => 'a') as unknown as number[], { resolution0: 4, upsamplingSteps: 1 }))
      .rejects.toMatchObject({ code: 'BAD_OUTPUT' });
  });

  it('bad options: INVALID_OPTION / TOO_LARGE before any evaluation', async () => {
    let called = false;
    const fn = (p: Float32Array) => ((called = true), new Float32Array(p.length / 3));
    for (const opts of [{ batchSize: 0 }, { bounds: [1, -1] as [number, number] }, { resolution0: -2 }, { threshold: NaN }, { lipschitz: -1 }]) {
      await expect(extractIsosurface(fn, opts)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    await expect(extractIsosurface(fn, { resolution0: 128, upsamplingSteps: 4 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    // R = 1024 is a valid MISE, but its 1025³ dense grid is over 2^30 values: refused before evaluating.
    await expect(extractIsosurface(fn, { resolution0: 256, upsamplingSteps: 2 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(called).toBe(false);
  });

  it('±Infinity (logits of occupancy 0/1) is clamped: finite vertices on the cell boundary', async () => {
    const fn = (p: Float32Array) => {
      const v = new Float32Array(p.length / 3);
      for (let n = 0; n < v.length; n++) v[n] = Math.hypot(p[3 * n], p[3 * n + 1], p[3 * n + 2]) < 0.3 ? Infinity : -Infinity;
      return v;
    };
    const { mesh } = await extractIsosurface(fn, { resolution0: 8, upsamplingSteps: 2 });
    expect(mesh.indices.length).toBeGreaterThan(0);
    expect(mesh.positions.every(Number.isFinite)).toBe(true);
    // ±3.4e38 on the two ends of a crossed edge interpolate to its midpoint: per vertex, two coordinates on
    // grid nodes and one halfway between (node i at −0.55 + i·1.1/32); the mesh stays closed.
    const h = 1.1 / 32;
    for (let i = 0; i < mesh.positions.length; i += 3) {
      const fracs = [0, 1, 2].map((k) => {
        const q = (mesh.positions[i + k] + 0.55) / h;
        return Math.abs(q - Math.round(q)) < 1e-3 ? 0 : Math.abs(q - Math.floor(q) - 0.5) < 1e-3 ? 0.5 : NaN;
      });
      expect(fracs.sort()).toEqual([0, 0, 0.5]);
    }
    expect(isWatertight(mesh)).toBe(true);
  });

  it('upsamplingSteps 0: the reference shortcut, a dense resolution0³ grid spanning the bounds', async () => {
    const { mesh, stats, grid } = await extractIsosurface(sphere(0.4), { resolution0: 33, upsamplingSteps: 0, returnGrid: true });
    expect(stats.evaluationsPerRound).toEqual([33 ** 3]);
    expect(grid?.length).toBe(33 ** 3);
    expect(grid?.[0]).toBeCloseTo(0.4 - Math.sqrt(3) * 0.55, 6); // corner node at (−0.55, −0.55, −0.55)
    const { volume } = areaVolume(mesh.positions, mesh.indices);
    expect(volume / ((4 / 3) * Math.PI * 0.4 ** 3)).toBeCloseTo(1, 1);
  });

  it('computeNormals passes through to marching cubes', async () => {
    const { mesh } = await extractIsosurface(sphere(0.3), { resolution0: 8, upsamplingSteps: 1, computeNormals: true });
    expect(mesh.normals?.length).toBe(mesh.positions.length);
    // Outward (from high to low values) on a sphere: n · p > 0; more precisely unit length and radial
    // (the central-difference gradient of the SDF is within ~4° of p/|p| even on this 16³ grid).
    let dot = 0;
    for (let v = 0; v < mesh.positions.length; v += 3) {
      dot = mesh.normals![v] * mesh.positions[v] + mesh.normals![v + 1] * mesh.positions[v + 1] + mesh.normals![v + 2] * mesh.positions[v + 2];
      expect(dot).toBeGreaterThan(0);
      const r = Math.hypot(mesh.positions[v], mesh.positions[v + 1], mesh.positions[v + 2]);
      expect(Math.hypot(mesh.normals![v], mesh.normals![v + 1], mesh.normals![v + 2])).toBeCloseTo(1, 5);
      expect(dot / r).toBeGreaterThan(0.995);
    }
  });

  it('fillCavities: a hollow ball comes out solid, with one surface and the outer ball\'s volume', async () => {
    const hollow = (p: Float32Array) => {
      const v = new Float32Array(p.length / 3);
      for (let n = 0; n < v.length; n++) {
        const r = Math.hypot(p[3 * n], p[3 * n + 1], p[3 * n + 2]);
        v[n] = Math.min(0.4 - r, r - 0.2); // shell between radii 0.2 and 0.4
      }
      return v;
    };
    const ball = (r: number) => (4 / 3) * Math.PI * r ** 3;
    const plain = await extractIsosurface(hollow, { resolution0: 16, upsamplingSteps: 2 });
    expect(plain.stats.filledNodes).toBe(0);
    expect(meshVolume(plain.mesh) / (ball(0.4) - ball(0.2))).toBeCloseTo(1, 1);
    const filled = await extractIsosurface(hollow, { resolution0: 16, upsamplingSteps: 2, fillCavities: true });
    expect(isWatertight(filled.mesh)).toBe(true);
    expect(meshVolume(filled.mesh) / ball(0.4)).toBeCloseTo(1, 2);
    // the void's nodes: radius 0.2 at spacing 1.1/64
    expect(filled.stats.filledNodes / (ball(0.2) / (1.1 / 64) ** 3)).toBeCloseTo(1, 1);
    expect(filled.stats.insideNodes - plain.stats.insideNodes).toBe(filled.stats.filledNodes);
    expect(filled.stats.evaluations).toBe(plain.stats.evaluations); // a post-process: no extra evaluations
  });
});
