import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtemp, writeFile, readFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, icosphere, box, voxelizeMesh } from '@onet/sampling';
import { writeOff } from '@onet/io';
import { OccupancyNetwork, PipelineError, type ModelConfig } from '@onet/model';
import { Trainer, sampleBatch, splitBatch, makeValidationCases } from '../src/train.js';
import { sampleShape } from '../src/trainingData.js';
import { trainFromConfigFile } from '../src/node/train.js';
import { loadModel } from '@onet/model/node';

/** A tiny local voxel model: Conv3d 1→8 on 8³ voxels, 2-level U-Net, local decoder. */
const TINY_VOXELS: ModelConfig = {
  kind: 'conv-onet',
  input: 'voxels',
  voxelResolution: 8,
  inputPoints: 1,
  noiseStd: 0,
  padding: 0.1,
  cDim: 8,
  encoderHidden: 8,
  decoderHidden: 16,
  planes: [],
  unet3dLevels: 2,
  unet3dFilters: 8,
};

/** Spheres and a box with their 8³ voxels. */
const shapes = () =>
  [icosphere(2, 0.2), icosphere(2, 0.35), box([0.6, 0.3, 0.45])].map((m, i) => ({
    ...sampleShape(`s${i}`, m, { surfacePoints: 200, uniformPoints: 4000, nearPoints: 1000, seed: i }),
    voxels: voxelizeMesh(m, { resolution: 8 }),
  }));

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('voxel models', () => {
  it('batches carry the shapes’ grids (and no cloud); shards split them by shape', () => {
    const s = shapes();
    const b = sampleBatch(s, createRng(4), { batchSize: 3, pointsPerShape: 16, nearFraction: 0, inputPoints: 100, noiseStd: 0 });
    expect(b.inputs.length).toBe(0);
    expect(b.voxels!.length).toBe(3 * 512);
    const counts = [0, 1, 2].map((k) => b.voxels!.subarray(512 * k, 512 * (k + 1)).reduce((a, x) => a + x, 0));
    const known = s.map((x) => x.voxels.reduce((a, v) => a + v, 0));
    for (const c of counts) expect(known).toContain(c);
    const [a, c] = splitBatch(b, 2);
    expect(a.voxels!.length).toBe(2 * 512);
    expect(c.voxels!.length).toBe(512);
    expect(Array.from(c.voxels!)).toEqual(Array.from(b.voxels!.subarray(1024)));
    const cases = makeValidationCases(s, { inputPoints: 100, noiseStd: 0, valPoints: 500, seed: 1 });
    expect(Array.from(cases[1].input)).toEqual(Array.from(s[1].voxels));
  });

  it('a tiny local voxel model trains: the loss falls and validation IoU rises', async () => {
    const s = shapes();
    const model = OccupancyNetwork.fromConfig(TINY_VOXELS, 3);
    const trainer = new Trainer(model, s, { batchSize: 3, pointsPerShape: 256, lr: 3e-3, seed: 5 });
    const cases = makeValidationCases(s, { inputPoints: 1, noiseStd: 0, valPoints: 2000, seed: 1 });
    const before = (await trainer.validate(cases)).iou;
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) losses.push(trainer.trainStep());
    const after = (await trainer.validate(cases)).iou;
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    console.log(`tiny voxel model: loss ${mean(losses.slice(0, 5)).toFixed(1)} → ${mean(losses.slice(-5)).toFixed(1)}, val IoU ${before.toFixed(3)} → ${after.toFixed(3)}`);
    expect(mean(losses.slice(-5))).toBeLessThan(0.6 * mean(losses.slice(0, 5)));
    expect(after).toBeGreaterThan(before + 0.1);
    trainer.dispose();
    model.dispose();
  });

  it('the paper’s voxel ONet (3D CNN + CBN decoder) encodes 32³ grids; other sizes are refused', async () => {
    const cfg: ModelConfig = { kind: 'onet', input: 'voxels', inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 16, encoderHidden: 16, decoderHidden: 16 };
    const model = OccupancyNetwork.fromConfig(cfg, 1);
    // the reference's 3D CNN: 4,702,016 convolution + 4096·16 + 16 fc parameters (5,750,848 at C 256), + the CBN decoder
    expect(model.parameterCount() - 4_702_016 - 65_552).toBe(8_785);
    const before = tf.memory().numTensors;
    const shape = model.condition(Float32Array.from(voxelizeMesh(box([0.7, 0.3, 0.4]))));
    const l = await shape.logits(new Float32Array([0, 0, 0, 0.5, 0.5, 0.5]));
    shape.dispose();
    expect(l.length).toBe(2);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => OccupancyNetwork.fromConfig({ ...cfg, voxelResolution: 16 })).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
    model.dispose();
  });

  it('condition() checks the grid: shape named, empty and full grids refused', () => {
    const model = OccupancyNetwork.fromConfig(TINY_VOXELS, 1);
    expect(() => model.condition(new Float32Array(16 ** 3))).toThrow(/takes a 8×8×8 occupancy grid \(512 cells\), got 16×16×16/);
    expect(() => model.condition(new Float32Array(512))).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => model.condition(new Float32Array(512).fill(1))).toThrow(expect.objectContaining({ code: 'BAD_VOXEL_GRID' }));
    const half = new Float32Array(512).fill(0.5);
    expect(() => model.condition(half)).toThrow(PipelineError);
    model.dispose();
  });

  it('onet train --config trains a voxel config (voxels cached per shape) and the model loads as a voxel model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onet-voxels-train-'));
    await mkdir(join(dir, 'meshes'));
    await writeFile(join(dir, 'meshes', 'ball.off'), writeOff(icosphere(2, 0.4)));
    await writeFile(join(dir, 'meshes', 'slab.off'), writeOff(box([0.6, 0.2, 0.5])));
    await writeFile(join(dir, 'meshes', 'heldout.off'), writeOff(box([0.2, 0.5, 0.3])));
    const config = {
      model: TINY_VOXELS,
      data: { meshDir: 'meshes', heldOut: ['heldout.off'], copies: 2, procedural: 1, valMeshes: 1, valProcedural: 1, sampling: { surfacePoints: 100, uniformPoints: 2000, nearPoints: 500 }, cacheDir: 'cache' },
      train: { backend: 'wasm', threads: 2, batchSize: 2, pointsPerShape: 128, lr: 1e-3, maxSteps: 3, validateEvery: 3, valPoints: 1000, checkpointMinutes: 0 },
    };
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify(config));
    const r = await trainFromConfigFile(path, { outDir: join(dir, 'out') });
    expect(r.steps).toBe(3);
    // 2 meshes × 2 copies + 1 procedural + 2 validation shapes, each with its 8³ grid
    const cached = await readdir(join(dir, 'cache', 'voxels'));
    expect(cached.length).toBe(7);
    expect(cached.every((f) => f.endsWith('-r8.bin'))).toBe(true);
    const saved = JSON.parse(await readFile(join(dir, 'out', 'model.json'), 'utf8'));
    expect(saved.modelConfig.input).toBe('voxels');
    const { model } = await loadModel(join(dir, 'out'));
    expect(model.config).toMatchObject({ input: 'voxels', voxelResolution: 8 });
    model.dispose();
  });
});
