import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtemp, writeFile, readFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, icosphere, box, contains } from '@onet/sampling';
import { writeOff } from '@onet/io';
import { fromViewFrame, renderMesh, toViewFrame, randomView } from '@onet/render';
import { projectToImagePlane } from '@onet/nn';
import { OccupancyNetwork, DEFAULT_IMAGE_CAMERA, type ModelConfig } from '@onet/model';
import { Trainer, sampleBatch, splitBatch, makeValidationCases } from '../src/train.js';
import { sampleShape, fitInSphere, type ShapeSamples } from '../src/trainingData.js';
import { trainFromConfigFile } from '../src/node/train.js';
import { viewInputs, shapeViewCamera } from '../src/node/viewData.js';
import { loadModel } from '@onet/model/node';

/** A tiny image model: 4 stride-2 convs (4–8 channels) on 31² images, code 8, CBN decoder 16 wide. */
const TINY_IMAGE: ModelConfig = { kind: 'onet', input: 'image', imageSize: 31, imageEncoderWidths: [4, 8, 8, 8], inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 16 };

/** A tiny pixel-aligned model on 32² images: a 16² map of 8 channels, a 2-level U-Net of 8 maps, local decoder 16 wide. */
const TINY_PIXEL: ModelConfig = { kind: 'conv-onet', input: 'image', imageSize: 32, unetDepth: 2, unetFilters: 8, inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 16 };

const meshes = [icosphere(2, 0.2), icosphere(2, 0.4), box([0.8, 0.25, 0.5])];

/** The three shapes with 3 rendered views each (the cache folder is throwaway). */
async function shapes(config: ModelConfig = TINY_IMAGE): Promise<ShapeSamples[]> {
  const dir = await mkdtemp(join(tmpdir(), 'onet-image-views-'));
  const views = viewInputs(config, dir, 3)!;
  const out: ShapeSamples[] = [];
  for (const [i, m] of meshes.entries()) out.push({ ...sampleShape(`s${i}`, m, { surfacePoints: 100, uniformPoints: 3000, nearPoints: 500, seed: i }), views: await views(`s${i}`, () => m) });
  return out;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('image models: data', () => {
  it('fitInSphere scales a centred mesh to touch the radius-½ sphere', () => {
    const m = fitInSphere(box([1, 0.5, 0.2]));
    let r = 0;
    for (let i = 0; i < m.positions.length; i += 3) r = Math.max(r, Math.hypot(m.positions[i], m.positions[i + 1], m.positions[i + 2]));
    expect(r).toBeCloseTo(0.5, 6);
    // proportions kept: the half-diagonal √(0.25 + 0.0625 + 0.01) becomes ½
    expect(Math.max(...m.positions)).toBeCloseTo((0.5 * 0.5) / Math.sqrt(0.3225), 5);
  });

  it('views are the seeded renders; a batch holds one of them per shape and points labelled in its view frame', async () => {
    const s = await shapes();
    // view 2 of shape s2 is renderMesh from shapeViewCamera('s2', 2)
    const cam = shapeViewCamera('s2', 2, 31);
    expect(Buffer.from(s[2].views!.images.subarray(2 * 31 * 31 * 3, 3 * 31 * 31 * 3)).equals(Buffer.from(renderMesh(meshes[2], cam).rgb))).toBe(true);
    expect(Array.from(s[2].views!.rotations.subarray(18, 27))).toEqual(Array.from(Float32Array.from(cam.rotation)));

    const b = sampleBatch(s, createRng(4), { batchSize: 6, pointsPerShape: 400, nearFraction: 0.25, inputPoints: 1, noiseStd: 0, padding: 0.1 });
    expect(b.inputs.length).toBe(0);
    expect(b.images!.length).toBe(6 * 31 * 31 * 3);
    expect(Math.max(...b.images!)).toBeLessThanOrEqual(1);
    // every label is the true occupancy of the point taken back to the world frame, for whichever shape and view:
    // find the (shape, view) whose image is in the batch, then check all its points
    let outsideBox = 0;
    for (let k = 0; k < 6; k++) {
      const img = b.images!.subarray(k * 2883, (k + 1) * 2883);
      let match: { shape: number; R: number[] } | undefined;
      s.forEach((sh, si) => {
        for (let v = 0; v < 3; v++) {
          const bytes = sh.views!.images.subarray(v * 2883, (v + 1) * 2883);
          if (bytes.every((x, i) => Math.abs(x / 255 - img[i]) < 1e-6)) match = { shape: si, R: Array.from(sh.views!.rotations.subarray(9 * v, 9 * v + 9)) };
        }
      });
      expect(match).toBeDefined();
      const q = b.queries.subarray(k * 1200, (k + 1) * 1200);
      for (let i = 0; i < q.length; i++) expect(Math.abs(q[i])).toBeLessThanOrEqual(0.55 + 1e-6);
      const world = fromViewFrame(q, { rotation: match!.R } as Parameters<typeof fromViewFrame>[1]);
      const truth = contains(meshes[match!.shape], world);
      const occ = b.occupancy.subarray(k * 400, (k + 1) * 400);
      let wrong = 0;
      for (let i = 0; i < 400; i++) {
        if (truth[i] !== occ[i]) wrong++;
        if (Math.max(Math.abs(world[3 * i]), Math.abs(world[3 * i + 1]), Math.abs(world[3 * i + 2])) > 0.55) outsideBox++;
      }
      expect(wrong).toBe(0);
    }
    // the rotated box's corners are sampled too (as empty space)
    expect(outsideBox).toBeGreaterThan(0);
    const [x, y] = splitBatch(b, 2);
    expect(x.images!.length).toBe(3 * 2883);
    expect(Array.from(y.images!.subarray(0, 50))).toEqual(Array.from(b.images!.subarray(3 * 2883, 3 * 2883 + 50)));
    // validation: view 0, points rotated into it
    const cases = makeValidationCases(s, { inputPoints: 1, noiseStd: 0, valPoints: 500, seed: 1 });
    expect(cases[1].input.length).toBe(2883);
    expect(cases[1].input[0]).toBeCloseTo(s[1].views!.images[0] / 255, 6);
    const back = fromViewFrame(cases[2].points, shapeViewCamera('s2', 0, 31));
    expect(Array.from(contains(meshes[2], back))).toEqual(Array.from(cases[2].occupancy));
  });
});

describe('image models: training', () => {
  it('pixel-aligned features read the training renders where the points appear', async () => {
    // vertices of an off-centre ellipsoid, projected by the model's camera, fall on its rendered silhouette
    const S = 48;
    const base = icosphere(3);
    const positions = base.positions.map((v, i) => v * [0.15, 0.1, 0.12][i % 3] + [0.25, -0.2, 0.1][i % 3]);
    const mesh = { positions, indices: base.indices };
    let off = 0;
    let total = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const cam = randomView(seed, { ...DEFAULT_IMAGE_CAMERA, width: S, height: S });
      const { mask } = renderMesh(mesh, cam);
      const view = toViewFrame(positions, cam);
      const t = tf.tensor3d(view, [1, view.length / 3, 3]);
      const uv = projectToImagePlane(t, DEFAULT_IMAGE_CAMERA, S);
      const flat = uv.dataSync();
      t.dispose();
      uv.dispose();
      for (let k = 0; k < flat.length; k += 2, total++) {
        const c = Math.round(flat[k] * (S - 1));
        const r = Math.round(flat[k + 1] * (S - 1));
        let hit = false;
        for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) hit ||= mask[(r + di) * S + c + dj] === 1;
        if (!hit) off++;
      }
    }
    expect(total).toBe(4 * (positions.length / 3));
    expect(off).toBe(0);
  });

  it.each([
    ['global code (simple-conv + CBN)', TINY_IMAGE, 3e-3],
    ['pixel-aligned (U-Net map + local decoder)', TINY_PIXEL, 3e-3],
  ] as const)('a tiny image model trains on wasm: the loss falls — %s', async (_, config, lr) => {
    const s = await shapes(config);
    const model = OccupancyNetwork.fromConfig(config, 3);
    const trainer = new Trainer(model, s, { batchSize: 3, pointsPerShape: 256, lr, seed: 5 });
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) losses.push(trainer.trainStep());
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    console.log(`tiny image model: loss ${mean(losses.slice(0, 4)).toFixed(1)} → ${mean(losses.slice(-4)).toFixed(1)}`);
    expect(mean(losses.slice(-4))).toBeLessThan(0.7 * mean(losses.slice(0, 4)));
    trainer.dispose();
    model.dispose();
  });

  it('onet train --config trains an image config (renders cached per shape), resumes, and the model loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onet-image-train-'));
    await mkdir(join(dir, 'meshes'));
    await writeFile(join(dir, 'meshes', 'ball.off'), writeOff(icosphere(2, 0.4)));
    await writeFile(join(dir, 'meshes', 'slab.off'), writeOff(box([0.6, 0.2, 0.5])));
    await writeFile(join(dir, 'meshes', 'heldout.off'), writeOff(box([0.2, 0.5, 0.3])));
    const config = {
      model: TINY_IMAGE,
      data: { meshDir: 'meshes', heldOut: ['heldout.off'], copies: 2, procedural: 1, valMeshes: 1, valProcedural: 1, views: 2, sampling: { surfacePoints: 100, uniformPoints: 2000, nearPoints: 500 }, cacheDir: 'cache' },
      train: { backend: 'wasm', threads: 2, batchSize: 2, pointsPerShape: 128, lr: 1e-3, maxSteps: 4, validateEvery: 2, valPoints: 500, checkpointMinutes: 0 },
    };
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify(config));
    const r = await trainFromConfigFile(path, { outDir: join(dir, 'out') });
    expect(r.steps).toBe(4);
    // 2 meshes × 2 copies + 1 procedural + 2 validation shapes, 2 views each at 31²
    const cached = await readdir(join(dir, 'cache', 'views'));
    expect(cached.length).toBe(7);
    expect(cached.every((f) => f.endsWith('-s31-v2-r2.bin'))).toBe(true);
    const history = JSON.parse(await readFile(join(dir, 'out', 'history.json'), 'utf8'));
    expect(history.some((h: { iou?: number }) => h.iou !== undefined)).toBe(true);
    // resume to 6 steps
    await writeFile(path, JSON.stringify({ ...config, train: { ...config.train, maxSteps: 6 } }));
    const r2 = await trainFromConfigFile(path, { outDir: join(dir, 'out'), resume: true });
    expect(r2.steps).toBe(6);
    const { model } = await loadModel(join(dir, 'out'));
    expect(model.config).toMatchObject({ input: 'image', imageSize: 31 });
    model.dispose();
  });
});
