import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtemp, writeFile, readFile, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, icosphere, box, concatMeshes } from '@onet/sampling';
import { writeOff } from '@onet/io';
import { OccupancyNetwork, type ModelConfig, OccupancyEnsemble } from '@onet/model';
import { Trainer, sampleBatch, occupancyLoss, occupancyIoU, curveSvg, makeValidationCases, splitBatch, flattenVariables, batchGradients } from '../src/train.js';
import { createGradientWorkers } from '../src/node/gradientWorkers.js';
import { sampleShape, proceduralShape } from '../src/trainingData.js';
import { trainFromConfigFile, trainEnsembleFromConfigFile, loadTrainingShapes } from '../src/node/train.js';
import { loadModel } from '@onet/model/node';

const TINY: ModelConfig = {
  kind: 'conv-onet',
  inputPoints: 200,
  noiseStd: 0.005,
  padding: 0.1,
  cDim: 8,
  encoderHidden: 16,
  decoderHidden: 16,
  planeResolution: 8,
  planes: ['xz', 'xy', 'yz'],
  unetDepth: 2,
  unetFilters: 8,
};

/** Spheres of different radii as labelled training shapes. */
const spheres = () => [0.2, 0.3, 0.45].map((r, i) => sampleShape(`sphere${r}`, icosphere(2, r), { surfacePoints: 2000, uniformPoints: 4000, nearPoints: 1000, seed: i }));

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('training pieces', () => {
  it('labels, batches and loss are consistent with the analytic sphere', () => {
    const [s] = spheres();
    for (let i = 0; i < s.uniformOcc.length; i += 97) {
      const r = Math.hypot(s.uniform[3 * i], s.uniform[3 * i + 1], s.uniform[3 * i + 2]);
      if (Math.abs(r - 0.2) > 0.01) expect(s.uniformOcc[i]).toBe(r < 0.2 ? 1 : 0);
    }
    const b = sampleBatch([s], createRng(1), { batchSize: 2, pointsPerShape: 64, nearFraction: 0.5, inputPoints: 10, noiseStd: 0 });
    expect(b.inputs.length).toBe(2 * 10 * 3);
    for (let i = 0; i < 20; i++) expect(Math.hypot(b.inputs[3 * i], b.inputs[3 * i + 1], b.inputs[3 * i + 2])).toBeCloseTo(0.2, 1);
    for (let i = 0; i < 128; i++) {
      const r = Math.hypot(b.queries[3 * i], b.queries[3 * i + 1], b.queries[3 * i + 2]);
      if (Math.abs(r - 0.2) > 0.01) expect(b.occupancy[i]).toBe(r < 0.2 ? 1 : 0);
    }
    // Σ over points, mean over batch: two shapes × two points, logits 0 → 4·ln2 / 2
    expect(occupancyLoss(tf.zeros([2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2])).dataSync()[0]).toBeCloseTo(2 * Math.log(2), 5);
    expect(occupancyLoss(tf.tensor2d([10, -10], [1, 2]), tf.tensor2d([1, 0], [1, 2])).dataSync()[0]).toBeCloseTo(2 * Math.log1p(Math.exp(-10)), 6);
    expect(occupancyIoU(new Float32Array([5, -5, 5, -5]), new Uint8Array([1, 1, 0, 0]))).toBeCloseTo(1 / 3);
    // τ = 0.2: logit −1 (p ≈ 0.27) counts as occupied
    expect(occupancyIoU(new Float32Array([-1]), new Uint8Array([1]))).toBe(1);
  });

  it('micro-batches: the summed gradient equals the whole batch\'s (no batch statistics); bad counts are typed errors', () => {
    const model = OccupancyNetwork.fromConfig(TINY, 3);
    const vars = model.net.trainableVariables();
    const b = sampleBatch(spheres(), createRng(5), { batchSize: 5, pointsPerShape: 64, nearFraction: 0.5, inputPoints: 200, noiseStd: 0.005 });
    const whole = batchGradients(model.net, vars, b, 1);
    const split = batchGradients(model.net, vars, b, 3); // shards of 2, 2, 1 shapes
    expect(split.loss).toBeCloseTo(whole.loss, 3);
    expect(Object.keys(split.grads).sort()).toEqual(Object.keys(whole.grads).sort());
    let norm = 0;
    let diff = 0;
    for (const [name, g] of Object.entries(whole.grads)) {
      const a = g.dataSync();
      const s = split.grads[name].dataSync();
      for (let i = 0; i < a.length; i++) {
        norm = Math.max(norm, Math.abs(a[i]));
        diff = Math.max(diff, Math.abs(a[i] - s[i]));
      }
    }
    expect(norm).toBeGreaterThan(1e-3); // a real gradient, not zeros
    expect(diff).toBeLessThan(1e-5 * norm);
    tf.dispose([...Object.values(whole.grads), ...Object.values(split.grads)]);
    expect(() => new Trainer(model, spheres(), { batchSize: 4, microBatches: 5 })).toThrow(/microBatches must be an integer in \[1, batchSize = 4\]/);
    expect(() => new Trainer(model, spheres(), { batchSize: 4, microBatches: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    const t = new Trainer(model, spheres(), { batchSize: 4, pointsPerShape: 64, microBatches: 2 });
    expect(Number.isFinite(t.trainStep())).toBe(true); // the first step creates Adam's moments
    const before = tf.memory().numTensors;
    expect(Number.isFinite(t.trainStep())).toBe(true);
    expect(tf.memory().numTensors).toBe(before); // no tensor left behind by the micro-batches
    model.dispose();
  });

  it('procedural unions are labelled by winding number (inside either part)', () => {
    const u = concatMeshes([box(0.4, [-0.25, 0, 0]), box(0.4, [0.25, 0, 0])]);
    const s = sampleShape('u', u, { surfacePoints: 100, uniformPoints: 2000, nearPoints: 0, seed: 2 });
    for (let i = 0; i < 2000; i++) {
      const [x, y, z] = [s.uniform[3 * i], s.uniform[3 * i + 1], s.uniform[3 * i + 2]];
      const inA = Math.abs(x + 0.25) < 0.2 && Math.abs(y) < 0.2 && Math.abs(z) < 0.2;
      const inB = Math.abs(x - 0.25) < 0.2 && Math.abs(y) < 0.2 && Math.abs(z) < 0.2;
      const margin = Math.min(Math.abs(Math.abs(y) - 0.2), Math.abs(Math.abs(z) - 0.2), Math.abs(Math.abs(x + 0.25) - 0.2), Math.abs(Math.abs(x - 0.25) - 0.2));
      if (margin > 1e-3) expect(s.uniformOcc[i]).toBe(inA || inB ? 1 : 0);
    }
    const p = proceduralShape(3).mesh;
    let m = 0;
    for (const v of p.positions) m = Math.max(m, Math.abs(v));
    expect(m).toBeCloseTo(0.5, 3);
  });

  it('Adam on wasm lowers the loss and raises validation IoU on spheres; deterministic given the seed', async () => {
    const shapes = spheres();
    const run = async () => {
      const model = OccupancyNetwork.fromConfig(TINY, 3);
      const trainer = new Trainer(model, shapes, { batchSize: 3, pointsPerShape: 256, lr: 3e-3, nearFraction: 0.25, seed: 5 });
      const cases = makeValidationCases(shapes, { inputPoints: 200, noiseStd: 0.005, valPoints: 2000, seed: 1 });
      const iou0 = (await trainer.validate(cases)).iou;
      const losses: number[] = [];
      for (let i = 0; i < 30; i++) losses.push(trainer.trainStep());
      const iou1 = (await trainer.validate(cases)).iou;
      trainer.dispose();
      model.dispose();
      return { losses, iou0, iou1 };
    };
    const n0 = tf.memory().numTensors;
    const a = await run();
    expect(tf.memory().numTensors).toBe(n0);
    const first = a.losses.slice(0, 5).reduce((x, y) => x + y) / 5;
    const last = a.losses.slice(-5).reduce((x, y) => x + y) / 5;
    expect(last).toBeLessThan(0.6 * first);
    expect(a.iou1).toBeGreaterThan(Math.max(0.5, a.iou0));
    const b = await run();
    expect(b.losses[3]).toBeCloseTo(a.losses[3], 3);
  });

  it('Adam state round-trips through optimizerState/setOptimizerState without leaking tensors', async () => {
    const shapes = spheres();
    const model = OccupancyNetwork.fromConfig(TINY, 6);
    const a = new Trainer(model, shapes, { batchSize: 2, pointsPerShape: 64, lr: 1e-3, seed: 2 });
    a.trainStep();
    a.trainStep();
    const state = await a.optimizerState();
    a.dispose();
    const n0 = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const b = new Trainer(model, shapes, { batchSize: 2, pointsPerShape: 64, lr: 1e-3, seed: 2 });
      await b.setOptimizerState(state);
      const back = await b.optimizerState();
      expect([...back.keys()]).toEqual([...state.keys()]);
      const [name, first] = [...state.entries()][1];
      expect(Array.from(back.get(name)!.data)).toEqual(Array.from(first.data));
      expect(first.data.some((v) => v !== 0)).toBe(true); // real moments, not zeros
      b.dispose();
      expect(tf.memory().numTensors).toBe(n0);
    }
    model.dispose();
  });

  it('cosine learning-rate schedule: constant, then a half-cosine down to lrFinal·lr', () => {
    const model = OccupancyNetwork.fromConfig(TINY, 1);
    const t = new Trainer(model, spheres().slice(0, 1), { lr: 1e-3, lrSchedule: 'cosine', lrDecayStart: 0.5, lrFinal: 0.1 });
    expect(t.learningRateAt(0)).toBe(1e-3);
    expect(t.learningRateAt(0.5)).toBe(1e-3);
    expect(t.learningRateAt(0.75)).toBeCloseTo(1e-3 * (0.1 + 0.9 * 0.5), 12);
    expect(t.learningRateAt(1)).toBeCloseTo(1e-4, 12);
    t.setProgress(1);
    expect(t.learningRate).toBeCloseTo(1e-4, 12);
    t.dispose();
    model.dispose();
  });

  it('curveSvg draws loss and IoU paths', () => {
    const svg = curveSvg([
      { step: 10, loss: 500, seconds: 1 },
      { step: 20, loss: 200, iou: 0.4, seconds: 2 },
      { step: 30, loss: 100, iou: 0.6, seconds: 3 },
    ]);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('best val IoU 0.600');
    expect((svg.match(/<path d="M/g) ?? []).length).toBe(2);
  });
});

describe('data-parallel training (worker threads)', () => {
  it('splitBatch keeps every shape once, in order', () => {
    const b = sampleBatch(spheres(), createRng(2), { batchSize: 5, pointsPerShape: 4, nearFraction: 0, inputPoints: 3, noiseStd: 0 });
    const parts = splitBatch(b, 2);
    expect(parts.map((p) => p.batchSize)).toEqual([3, 2]);
    expect(Float32Array.from([...parts[0].queries, ...parts[1].queries])).toEqual(b.queries);
    expect(Float32Array.from([...parts[0].inputs, ...parts[1].inputs])).toEqual(b.inputs);
    expect(splitBatch(b, 8).length).toBe(5);
  });

  it('a step split over the main thread and 2 workers equals the single-thread step (loss and weights)', async () => {
    const shapes = spheres();
    const opts = { batchSize: 3, pointsPerShape: 128, lr: 3e-3, seed: 9 };
    const n0 = tf.memory().numTensors;
    const init = OccupancyNetwork.fromConfig(TINY, 4);
    const w0 = flattenVariables(init.net.trainableVariables());
    init.dispose();
    const single = OccupancyNetwork.fromConfig(TINY, 4);
    const t1 = new Trainer(single, shapes, opts);
    const l1 = [t1.trainStep(), t1.trainStep()];
    const w1 = flattenVariables(single.net.trainableVariables());

    const par = OccupancyNetwork.fromConfig(TINY, 4);
    const t2 = new Trainer(par, shapes, opts);
    const pool = await createGradientWorkers(TINY, 2, 'wasm');
    try {
      const l2 = [await t2.trainStepParallel(pool), await t2.trainStepParallel(pool)];
      expect(l2[0]).toBeCloseTo(l1[0], 3);
      expect(l2[1]).toBeCloseTo(l1[1], 2);
      const w2 = flattenVariables(par.net.trainableVariables());
      let maxDiff = 0;
      let moved = 0;
      for (let i = 0; i < w1.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(w1[i] - w2[i]));
        moved = Math.max(moved, Math.abs(w1[i] - w0[i]));
      }
      expect(moved).toBeGreaterThan(1e-3); // the steps did change the weights (Adam: ≈ 2·lr)
      expect(maxDiff).toBeLessThan(1e-4);
    } finally {
      await pool.close();
      t2.dispose();
      par.dispose();
      t1.dispose();
      single.dispose();
    }
    expect(tf.memory().numTensors).toBe(n0);
  }, 60_000);

  it('a dead worker fails the step at once instead of hanging; the step leaks nothing', async () => {
    const model = OccupancyNetwork.fromConfig(TINY, 4);
    const trainer = new Trainer(model, spheres(), { batchSize: 2, pointsPerShape: 32, lr: 1e-3, seed: 3 });
    const pool = await createGradientWorkers(TINY, 1, 'wasm');
    await pool.close();
    const n0 = tf.memory().numTensors;
    await expect(trainer.trainStepParallel(pool)).rejects.toThrow(/gradient worker: worker was closed/);
    expect(tf.memory().numTensors).toBe(n0);
    trainer.dispose();
    model.dispose();
  }, 60_000);
});

describe('trainFromConfigFile', () => {
  it('train.initFrom starts from a saved model\'s weights; another architecture is BAD_MODEL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onet-train-init-'));
    await mkdir(join(dir, 'meshes'));
    await writeFile(join(dir, 'meshes', 'ball.off'), writeOff(icosphere(2, 0.4)));
    await writeFile(join(dir, 'meshes', 'heldout.off'), writeOff(box([0.2, 0.5, 0.3])));
    const data = { meshDir: 'meshes', heldOut: ['heldout.off'], copies: 1, procedural: 1, valMeshes: 1, valProcedural: 0, sampling: { surfacePoints: 500, uniformPoints: 1000, nearPoints: 200 }, cacheDir: 'cache' };
    const train = { backend: 'wasm', batchSize: 2, pointsPerShape: 64, lr: 1e-3, maxSteps: 2, validateEvery: 1, valPoints: 300, checkpointMinutes: 0, select: 'last', saveDtype: 'float32' };
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify({ model: TINY, data, train }));
    await trainFromConfigFile(path, { outDir: join(dir, 'first') });
    // one step at a vanishing learning rate from the first model's weights: the second model equals the first
    await writeFile(path, JSON.stringify({ model: TINY, data, train: { ...train, maxSteps: 1, lr: 1e-12, initFrom: 'first', modelSeed: 9 } }));
    const messages: string[] = [];
    await trainFromConfigFile(path, { outDir: join(dir, 'second'), onProgress: (p) => messages.push(p.message) });
    expect(messages.some((m) => m.startsWith(`weights from ${join(dir, 'first')}`))).toBe(true);
    const a = (await loadModel(join(dir, 'first'))).model as OccupancyNetwork;
    const b = (await loadModel(join(dir, 'second'))).model as OccupancyNetwork;
    const wa = a.net.stateDict();
    const wb = b.net.stateDict();
    let worst = 0;
    for (const [k, v] of wa) for (let i = 0; i < v.data.length; i++) worst = Math.max(worst, Math.abs(v.data[i] - wb.get(k)!.data[i]));
    expect(wa.size).toBeGreaterThan(10);
    expect(worst).toBeLessThan(1e-6);
    a.dispose();
    b.dispose();
    await writeFile(path, JSON.stringify({ model: { ...TINY, decoderHidden: 24 }, data, train: { ...train, initFrom: 'first' } }));
    await expect(trainFromConfigFile(path, { outDir: join(dir, 'third') })).rejects.toMatchObject({ code: 'BAD_MODEL' });
  });

  it('trains from a config, writes the best model + curve, and resumes from its checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onet-train-test-'));
    await mkdir(join(dir, 'meshes'));
    await writeFile(join(dir, 'meshes', 'ball.off'), writeOff(icosphere(2, 0.4)));
    await writeFile(join(dir, 'meshes', 'cube.off'), writeOff(box(0.6)));
    await writeFile(join(dir, 'meshes', 'heldout.off'), writeOff(box([0.2, 0.5, 0.3])));
    const config = {
      model: TINY,
      data: {
        meshDir: 'meshes',
        heldOut: ['heldout.off'],
        copies: 2,
        procedural: 1,
        valMeshes: 1,
        valProcedural: 1,
        sampling: { surfacePoints: 1000, uniformPoints: 2000, nearPoints: 500 },
        cacheDir: 'cache',
      },
      train: { backend: 'wasm', batchSize: 2, pointsPerShape: 128, lr: 1e-3, maxSteps: 4, validateEvery: 2, valPoints: 1000, checkpointMinutes: 0 },
    };
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify(config));
    const messages: string[] = [];
    const r = await trainFromConfigFile(path, { outDir: join(dir, 'out'), onProgress: (p) => messages.push(p.message) });
    expect(r.steps).toBe(4);
    expect(existsSync(join(dir, 'out', 'model.json'))).toBe(true);
    expect(existsSync(join(dir, 'out', 'curve.svg'))).toBe(true);
    expect(messages.some((m) => /val IoU/.test(m))).toBe(true);
    expect(messages.some((m) => m.includes('data: 5 training shapes, 2 validation shapes'))).toBe(true); // 2 meshes × 2 copies + 1 procedural; heldout.off excluded
    const saved = JSON.parse(await readFile(join(dir, 'out', 'model.json'), 'utf8'));
    expect(saved.modelConfig.kind).toBe('conv-onet');
    await writeFile(path, JSON.stringify({ ...config, train: { ...config.train, maxSteps: 6 } }));
    const r2 = await trainFromConfigFile(path, { outDir: join(dir, 'out'), resume: true, onProgress: (p) => messages.push(p.message) });
    expect(messages.some((m) => m.startsWith('resumed at step 4'))).toBe(true);
    expect(r2.steps).toBe(6);
    expect(r2.history.length).toBeGreaterThan(r.history.length);
    // a stage added to the config where the checkpoint ends starts its learning-rate schedule there, not where the
    // checkpoint's schedule started (step 0)
    await writeFile(path, JSON.stringify({ ...config, train: { ...config.train, maxSteps: 7, stages: [{ atStep: 6, lr: 5e-4 }] } }));
    const m4: string[] = [];
    await trainFromConfigFile(path, { outDir: join(dir, 'out'), resume: true, onProgress: (p) => m4.push(p.message) });
    expect(m4).toContain('stage 2 at step 6: lr 0.0005');
    const [ckpt] = await readdir(join(dir, 'cache', 'checkpoints'));
    const readState = async () => JSON.parse(await readFile(join(dir, 'cache', 'checkpoints', ckpt, 'state.json'), 'utf8'));
    const state = await readState();
    expect(state).toMatchObject({ step: 7, schedule: { startStep: 6, fromStage: 1 } });
    // resuming inside that stage, or after a later stage that leaves the learning rate alone, keeps its schedule:
    // it started at the time the checkpoint recorded, not at the resume
    await writeFile(path, JSON.stringify({ ...config, train: { ...config.train, maxSteps: 9, stages: [{ atStep: 6, lr: 5e-4 }, { atStep: 8, inputPointsRange: [50, 60] }] } }));
    await trainFromConfigFile(path, { outDir: join(dir, 'out'), resume: true });
    expect(await readState()).toMatchObject({ step: 9, schedule: { startSec: state.schedule.startSec, startStep: 6, fromStage: 1 } });
    // another output folder of the same name does not resume from that checkpoint
    const m1: string[] = [];
    await writeFile(path, JSON.stringify({ ...config, train: { ...config.train, maxSteps: 6 } }));
    const r1 = await trainFromConfigFile(path, { outDir: join(dir, 'other', 'out'), resume: true, onProgress: (p) => m1.push(p.message) });
    expect(m1.some((m) => m.startsWith('resumed'))).toBe(false);
    expect(r1.steps).toBe(6);

    // staged config: finer planes from step 2, then smaller inputs from step 3; same parameters and Adam state;
    // 2 threads (main + 1 gradient worker)
    const path2 = join(dir, 'config2.json');
    const stages = [
      { atStep: 2, planeResolution: 16, lr: 5e-4, lrDecayStart: 0.5, lrFinal: 0.1 },
      { atStep: 3, inputPointsRange: [50, 60] },
    ];
    await writeFile(path2, JSON.stringify({ ...config, train: { ...config.train, maxSteps: 4, threads: 2, stages, select: 'last' } }));
    const m2: string[] = [];
    const r3 = await trainFromConfigFile(path2, { outDir: join(dir, 'out2'), onProgress: (p) => m2.push(p.message) });
    expect(r3.steps).toBe(4);
    expect(m2).toContain('stage 2 at step 2: 16² planes, lr 0.0005');
    expect(m2).toContain('stage 3 at step 3: input 50–60 points');
    expect(m2.some((m) => m.endsWith('batch 2; 2 threads'))).toBe(true);
    const last = JSON.parse(await readFile(join(dir, 'out2', 'model.json'), 'utf8'));
    expect(last.modelConfig.training).toMatchObject({ step: 4, select: 'last' }); // the final weights, not the best-val ones
    expect(last.modelConfig.planeResolution).toBe(16);
    await writeFile(path2, JSON.stringify({ ...config, train: { ...config.train, stages: [{ lr: 1e-3 }] } }));
    await expect(trainFromConfigFile(path2, { outDir: join(dir, 'out3') })).rejects.toThrow(/exactly one of atMinutes, atStep/);
    expect(Number.isFinite(r3.history[r3.history.length - 1].iou)).toBe(true);
  });
});

describe('loadTrainingShapes', () => {
  it('rebuilds cached samples made from another file of the same name (same cache, other folder)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onet-cache-test-'));
    for (const d of ['meshes', 'a', 'b']) await mkdir(join(dir, d));
    await writeFile(join(dir, 'meshes', 'heldout.off'), writeOff(icosphere(1, 0.3)));
    await writeFile(join(dir, 'a', 'extra.off'), writeOff(box(0.6))); // a cube: copy 0 spans [−0.5, 0.5] on every axis
    await writeFile(join(dir, 'b', 'extra.off'), writeOff(box([0.2, 0.5, 0.3]))); // normalised: x in [−0.2, 0.2]
    const config = (sub: string) => ({
      model: TINY,
      data: { meshDir: 'meshes', heldOut: ['heldout.off'], extraMeshes: [`${sub}/extra.off`], copies: 1, procedural: 0, valMeshes: 0, valProcedural: 0, sampling: { surfacePoints: 500, uniformPoints: 500, nearPoints: 0 }, cacheDir: 'cache' },
      train: {},
    });
    const maxAbsX = (p: Float32Array) => p.filter((_, i) => i % 3 === 0).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const a = await loadTrainingShapes(config('a') as never, dir);
    const b = await loadTrainingShapes(config('b') as never, dir);
    expect(maxAbsX(a.train[0].surface)).toBeCloseTo(0.5, 3);
    expect(maxAbsX(b.train[0].surface)).toBeCloseTo(0.2, 3);
    const b2 = await loadTrainingShapes(config('b') as never, dir); // now cached: the same samples
    expect(Array.from(b2.train[0].surface.slice(0, 30))).toEqual(Array.from(b.train[0].surface.slice(0, 30)));
  });
});

describe('trainEnsembleFromConfigFile', () => {
  it('trains each member into its subfolder (extra meshes included), writes the manifest, and loadModel reads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onet-ens-test-'));
    await mkdir(join(dir, 'meshes'));
    await mkdir(join(dir, 'more'));
    await writeFile(join(dir, 'meshes', 'ball.off'), writeOff(icosphere(2, 0.4)));
    await writeFile(join(dir, 'meshes', 'heldout.off'), writeOff(box([0.2, 0.5, 0.3])));
    await writeFile(join(dir, 'more', 'cube.off'), writeOff(box(0.6)));
    const data = {
      meshDir: '../meshes',
      heldOut: ['heldout.off'],
      extraMeshes: ['../more/cube.off'],
      copies: 2,
      procedural: 0,
      valMeshes: 1,
      valProcedural: 0,
      sampling: { surfacePoints: 1000, uniformPoints: 2000, nearPoints: 0 },
      cacheDir: '../cache',
    };
    const train = { backend: 'wasm', batchSize: 2, pointsPerShape: 128, lr: 1e-3, maxSteps: 2, validateEvery: 2, valPoints: 1000, checkpointMinutes: 0 };
    for (const [name, model] of [['a', TINY], ['b', { ...TINY, planes: [], gridResolution: 8, unet3dLevels: 1, unet3dFilters: 4 }]] as const) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'config.json'), JSON.stringify({ model, data, train }));
    }
    const path = join(dir, 'config.json');
    const thresholdByInputPoints = [{ inputPoints: 300, threshold: 0.3 }, { inputPoints: 3000, threshold: 0.45 }];
    await writeFile(path, JSON.stringify({ ensemble: { members: ['a', 'b'], description: 'test', thresholdByInputPoints, fillCavities: true, testTimeAugmentation: 'none' } }));
    const messages: string[] = [];
    const r = await trainEnsembleFromConfigFile(path, { onProgress: (p) => messages.push(p.message) });
    expect(r.members.map((m) => [m.name, m.steps])).toEqual([['a', 2], ['b', 2]]);
    // ball.off × 2 + the extra cube.off × 2; validation only from meshDir (ball.off)
    expect(messages.some((m) => /^\[b\] data: 4 training shapes, 1 validation shapes/.test(m))).toBe(true);
    expect(JSON.parse(await readFile(path.replace('config.json', 'model.json'), 'utf8'))).toEqual({ format: 'onet-ensemble', version: 1, members: ['a', 'b'], description: 'test', thresholdByInputPoints, fillCavities: true, testTimeAugmentation: 'none' });
    expect(existsSync(join(dir, 'b', 'weights.bin'))).toBe(true);
    await expect(trainFromConfigFile(path)).rejects.toThrow(/ensemble config/);

    const loaded = await loadModel(dir);
    expect(loaded.model).toBeInstanceOf(OccupancyEnsemble);
    expect(loaded.message).toMatch(/ensemble of 2 \(mean logits\): a \(conv-onet, \d+ parameters\) \+ b/);
    const e = loaded.model as OccupancyEnsemble;
    expect(e.config.fillCavities).toBe(true);
    expect(e.config.thresholdByInputPoints).toEqual(thresholdByInputPoints);
    const [a, b] = await Promise.all(['a', 'b'].map(async (m) => (await loadModel(join(dir, m))).model));
    const cloud = icosphere(1, 0.4).positions;
    const q = new Float32Array([0, 0, 0, 0.3, 0.1, -0.2, 0.5, 0.5, 0.5]);
    const n0 = tf.memory().numTensors;
    const [se, sa, sb] = [e, a, b].map((m) => m.condition(cloud));
    const [le, la, lb] = await Promise.all([se, sa, sb].map((s) => s.logits(q)));
    for (let i = 0; i < 3; i++) expect(le[i]).toBeCloseTo((la[i] + lb[i]) / 2, 5);
    for (const s of [se, sa, sb]) s.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    expect(e.parameterCount()).toBe(a.parameterCount() + b.parameterCount());
    for (const m of [e, a, b]) m.dispose();

    // stopped before the first member: nothing trained, no manifest written
    const stopped = new AbortController();
    stopped.abort();
    const none = await trainEnsembleFromConfigFile(path, { outDir: join(dir, 'stopped'), signal: stopped.signal });
    expect(none).toMatchObject({ complete: false, members: [] });
    expect(existsSync(join(dir, 'stopped', 'model.json'))).toBe(false);

    // a config with a member escaping the folder is refused before any training
    await writeFile(path, JSON.stringify({ ensemble: { members: ['../a'] } }));
    await expect(trainEnsembleFromConfigFile(path)).rejects.toMatchObject({ code: 'BAD_DATASET' });
    // and so is a bad generation setting (before, it failed only after every member had trained)
    const progress: string[] = [];
    await writeFile(path, JSON.stringify({ ensemble: { members: ['a', 'b'], testTimeAugmentation: 'all' } }));
    await expect(trainEnsembleFromConfigFile(path, { outDir: join(dir, 'bad'), onProgress: (p) => progress.push(p.message) })).rejects.toMatchObject({ code: 'BAD_DATASET', message: expect.stringMatching(/ensemble testTimeAugmentation must be one of/) });
    expect(progress).toEqual([]);
    // a training mesh named like a held-out mesh is refused
    await writeFile(join(dir, 'a', 'config.json'), JSON.stringify({ model: TINY, data: { ...data, extraMeshes: ['../meshes/heldout.off'] }, train }));
    await expect(trainFromConfigFile(join(dir, 'a', 'config.json'))).rejects.toThrow(/name of a held-out mesh/);
  }, 120_000);
});
