import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { icosphere, box, shapeFamily } from '@onet/sampling';
import { OccupancyNetwork, type ModelConfig, PipelineError } from '@onet/model';
import { latentKL } from '@onet/encoders';
import { Trainer, sampleBatch, vaeLoss } from '../src/train.js';
import { createRng } from '@onet/sampling';
import { sampleShape } from '../src/trainingData.js';
import { trainFromConfigFile } from '../src/node/train.js';
import { loadModel } from '@onet/model/node';

const TINY_VAE: ModelConfig = { kind: 'vae', inputPoints: 256, noiseStd: 0, padding: 0.1, cDim: 0, encoderHidden: 128, decoderHidden: 32, zDim: 8, klWeight: 1 };

const shapes = () => [
  sampleShape('sphere', icosphere(2, 0.35), { surfacePoints: 500, uniformPoints: 3000, nearPoints: 1000, seed: 1 }),
  sampleShape('box', box([0.8, 0.3, 0.5]), { surfacePoints: 500, uniformPoints: 3000, nearPoints: 1000, seed: 2 }),
];

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('vae loss', () => {
  it('KL of N(μ, σ²) to N(0, 1) matches the closed form, summed over dims and averaged over the batch', () => {
    // row 0: μ = (1, 0), σ = (1, e) → ½ + (−1 + e²/2 − ½) ; row 1: μ = 0, σ = 1 → 0
    const mean = tf.tensor2d([1, 0, 0, 0], [2, 2]);
    const logstd = tf.tensor2d([0, 1, 0, 0], [2, 2]);
    const kl = latentKL(mean, logstd);
    const want = (0.5 + (-1 + Math.exp(2) / 2 - 0.5)) / 2;
    expect(kl.dataSync()[0]).toBeCloseTo(want, 5);
    tf.dispose([mean, logstd, kl]);
  });

  it('is reproducible for a seed and changes with it; with σ → 0 it equals the reconstruction term', () => {
    const m = OccupancyNetwork.fromConfig(TINY_VAE, 3);
    const b = sampleBatch(shapes(), createRng(5), { batchSize: 2, pointsPerShape: 128, nearFraction: 0.5, inputPoints: 0, noiseStd: 0 });
    const p = tf.tensor3d(b.queries, [2, 128, 3]);
    const occ = tf.tensor2d(b.occupancy, [2, 128]);
    const run = (seed: number) => {
      const parts: { rec?: number; kl?: number } = {};
      const l = vaeLoss(m.net, p, occ, 1, seed, parts);
      const v = l.dataSync()[0];
      l.dispose();
      return { v, ...parts };
    };
    const a = run(11);
    expect(run(11)).toEqual(a);
    expect(run(12).v).not.toBe(a.v);
    expect(a.v).toBeCloseTo(a.rec! + a.kl!, 3);
    expect(a.kl!).toBeGreaterThan(0);
    tf.dispose([p, occ]);
    m.dispose();
  });

  it('prior samples are seeded, N(0, 1)-distributed and backend-independent', () => {
    const m = OccupancyNetwork.fromConfig(TINY_VAE, 3);
    const z = m.sampleLatent(500, 7);
    expect(z.length).toBe(500 * 8);
    expect(Array.from(m.sampleLatent(500, 7))).toEqual(Array.from(z));
    expect(Array.from(m.sampleLatent(1, 8))).not.toEqual(Array.from(z.subarray(0, 8)));
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
    expect(() => m.condition(new Float32Array(3))).toThrow(PipelineError);
    expect(() => m.decodeLatent(new Float32Array(3))).toThrow(/zDim = 8/);
    m.dispose();
  });
});

describe('vae training', () => {
  it.each(['simple', 'cbatchnorm'] as const)('a tiny VAE (%s decoder) trains a few steps with falling loss and encodes to a posterior mean', async (decoder) => {
    const m = OccupancyNetwork.fromConfig({ ...TINY_VAE, decoder }, 1);
    const tr = new Trainer(m, shapes(), { batchSize: 2, pointsPerShape: 256, nearFraction: 0, lr: 1e-3, seed: 4 });
    const losses: number[] = [tr.trainStep()];
    const after1 = tf.memory().numTensors; // Adam's moments exist from step 1 on; nothing may grow after
    for (let i = 1; i < 30; i++) losses.push(tr.trainStep());
    expect(tf.memory().numTensors).toBe(after1);
    const first = (losses[0] + losses[1] + losses[2] + losses[3]) / 4;
    const last = losses.slice(-4).reduce((a, b) => a + b, 0) / 4;
    expect(last).toBeLessThan(0.85 * first); // measured: 147 → ~100 (the occupancy prior is learnt first)
    const s = shapes()[0];
    const z = m.encodeLatent(s.uniform.subarray(0, 3 * 256), s.uniformOcc.subarray(0, 256));
    expect(z.length).toBe(8);
    expect(Array.from(m.encodeLatent(s.uniform.subarray(0, 3 * 256), s.uniformOcc.subarray(0, 256)))).toEqual(Array.from(z));
    tr.dispose();
    m.dispose();
  });

  it('trainFromConfigFile trains a family vae, validates, resumes and writes a loadable model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onet-vae-'));
    const config = {
      model: TINY_VAE,
      data: { family: { name: 'stool', train: 3, val: 1 }, meshDir: '', heldOut: [], copies: 0, procedural: 0, valMeshes: 0, valProcedural: 0, sampling: { surfacePoints: 200, uniformPoints: 2000, nearPoints: 500 }, cacheDir: 'cache' },
      train: { batchSize: 2, pointsPerShape: 128, nearFraction: 0.5, lr: 1e-3, maxSteps: 3, validateEvery: 2, valPoints: 1000, backend: 'wasm' },
    };
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const r = await trainFromConfigFile(join(dir, 'config.json'), { outDir: join(dir, 'out') });
    expect(r.steps).toBe(3);
    expect(r.history.map((h) => h.step)).toEqual([2, 3]);
    expect(r.bestIou).toBeGreaterThanOrEqual(0);
    config.train.maxSteps = 4;
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const r2 = await trainFromConfigFile(join(dir, 'config.json'), { outDir: join(dir, 'out'), resume: true });
    expect(r2.steps).toBe(4);
    const loaded = await loadModel(join(dir, 'out'));
    const net = loaded.model as OccupancyNetwork;
    expect(net.config.kind).toBe('vae');
    expect(net.zDim).toBe(8);
    const shape = net.decodeLatent(net.sampleLatent(1, 0));
    const l = await shape.logits(new Float32Array([0, 0, 0, 0.5, 0.5, 0.5]));
    expect(l.length).toBe(2);
    expect(l.every(Number.isFinite)).toBe(true);
    shape.dispose();
    net.dispose();
    expect(JSON.parse(await readFile(join(dir, 'out', 'history.json'), 'utf8')).length).toBe(3);
    expect(shapeFamily('stool', 0).split).toBe('train');
  });
});
