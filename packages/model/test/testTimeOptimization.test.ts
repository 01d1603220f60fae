import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@onet/nn';
import { icosphere } from '@onet/sampling';
import { OccupancyNetwork, type ModelConfig } from '../src/model.js';
import { OccupancyEnsemble } from '../src/ensemble.js';
import { optimizeEncoding } from '../src/testTimeOptimization.js';
import { reconstruct } from '../src/reconstruct.js';
import { PipelineError } from '../src/errors.js';
import { checkGenerationSettings } from '../src/generationSettings.js';
import { parseEnsembleManifest } from '../src/ensemble.js';
import { tinyModel } from './helpers/tinyModel.js';

const base = { kind: 'conv-onet' as const, inputPoints: 64, noiseStd: 0.005, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 4 };
const planes: ModelConfig = { ...base, planeResolution: 8, unetDepth: 2, unetFilters: 4 };
const grid: ModelConfig = { ...base, planes: [], gridResolution: 8, unet3dLevels: 2, unet3dFilters: 4 };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** τ at the median logit of the cloud under `shape`, so the loss starts from a spread around the level. */
async function medianTau(shape: { logits(p: Float32Array): Promise<Float32Array> }, cloud: Float32Array): Promise<number> {
  const l = [...(await shape.logits(cloud))].sort((a, b) => a - b);
  return sigmoid(l[Math.floor(l.length / 2)] + 0.3); // off the median: the mean square is not the variance alone
}

describe('test-time optimisation of the encoding', () => {
  beforeAll(async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
  });

  it('pulls the level set onto the input points, moves only features the points reach, keeps the weights, leaks nothing', async () => {
    const ens = new OccupancyEnsemble([OccupancyNetwork.fromConfig(planes, 1), OccupancyNetwork.fromConfig(grid, 2)]);
    const cloud = icosphere(2, 0.3).positions;
    const weightsBefore = ens.members.map((m) => m.save().weights);
    const corner = new Float32Array([0.54, 0.54, 0.54, -0.54, 0.54, -0.54]); // projects onto plane / grid corners no point reaches
    const run = async () => {
      const shape = ens.conditionOptimizable(cloud);
      const tau = await medianTau(shape, cloud);
      const level = Math.log(tau / (1 - tau));
      const cornerBefore = await shape.logits(corner);
      const stats = await optimizeEncoding(shape, cloud, tau, { steps: 30, lr: 0.05, anchorWeight: 0 });
      // the reported loss is the mean square at the input points, measured through the plain logits path too
      const after = await shape.logits(cloud);
      const mse = after.reduce((a, l) => a + (l - level) ** 2, 0) / after.length;
      const cornerAfter = await shape.logits(corner);
      shape.dispose();
      return { stats, mse, cornerBefore, cornerAfter };
    };
    const first = await run(); // warm-up: kernels, backend constants
    expect(first.stats.surfaceLossBefore).toBeGreaterThan(0);
    expect(first.stats.surfaceLossAfter).toBeLessThan(0.2 * first.stats.surfaceLossBefore);
    expect(first.mse).toBeCloseTo(first.stats.surfaceLossAfter, 4);
    expect(first.stats.lossLast).toBeLessThan(first.stats.lossFirst);
    for (let i = 0; i < 2; i++) expect(first.cornerAfter[i]).toBe(first.cornerBefore[i]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
    ens.members.forEach((m, j) => expect(Buffer.from(m.save().weights).equals(Buffer.from(weightsBefore[j]))).toBe(true));
    ens.dispose();
  });

  it('off-surface points and the anchor: the loss still falls, and a stronger anchor moves the features less', async () => {
    const net = OccupancyNetwork.fromConfig(planes, 3);
    const cloud = icosphere(2, 0.3).positions;
    const moved = async (anchorWeight: number) => {
      const shape = net.conditionOptimizable(cloud);
      const start = shape.variables.map((v) => v.dataSync().slice());
      const tau = await medianTau(shape, cloud);
      const stats = await optimizeEncoding(shape, cloud, tau, { steps: 10, lr: 0.05, anchorWeight, offSurfaceDistance: 0.02, offSurfaceWeight: 3 });
      let d = 0;
      shape.variables.forEach((v, j) => v.dataSync().forEach((x, k) => (d += (x - start[j][k]) ** 2)));
      shape.dispose();
      return { stats, d };
    };
    const free = await moved(0);
    const anchored = await moved(10);
    expect(free.stats.lossLast).toBeLessThan(free.stats.lossFirst);
    expect(free.d).toBeGreaterThan(0);
    expect(anchored.d).toBeLessThan(free.d);
    net.dispose();
  });

  it('under test-time augmentation the differentiable logits equal the plain ones (symmetries applied alike)', async () => {
    const ens = new OccupancyEnsemble([OccupancyNetwork.fromConfig(planes, 4), OccupancyNetwork.fromConfig(grid, 5)], { testTimeAugmentation: 'half-turns' });
    const cloud = icosphere(1, 0.35).positions;
    const queries = new Float32Array(3 * 40).map((_, i) => Math.sin(i * 12.9898) * 0.5);
    const shape = ens.conditionOptimizable(cloud);
    expect(shape.variables.length).toBe(3 * 4 + 4); // 3 planes and 1 grid, 4 encodings each
    const plain = await shape.logits(queries);
    const t = tf.tidy(() => shape.logitsTensor(tf.tensor3d(queries, [1, 40, 3])));
    const diff = Array.from(t.dataSync()).map((x, i) => Math.abs(x - plain[i]));
    t.dispose();
    expect(Math.max(...diff)).toBeLessThan(1e-5);
    // and the same as condition()'s answer
    const ref = ens.condition(cloud);
    const r = await ref.logits(queries);
    ref.dispose();
    shape.dispose();
    expect(Math.max(...Array.from(r).map((x, i) => Math.abs(x - plain[i])))).toBeLessThan(1e-5);
    ens.dispose();
  });

  it('reconstruct: opt-in, reports what it did, no leak; bad options and unsupported models fail before any evaluation', async () => {
    const net = OccupancyNetwork.fromConfig(planes, 6);
    const cloud = icosphere(2, 0.4).positions;
    const opts = { resolution0: 8, upsamplingSteps: 1, threshold: 0.5 };
    const plain = await reconstruct(net, cloud, opts);
    expect(plain.testTimeOptimization).toBeUndefined();
    const r = await reconstruct(net, cloud, { ...opts, testTimeOptimization: { steps: 5, lr: 0.05, offSurfaceDistance: 0 } });
    expect(r.testTimeOptimization!.steps).toBe(5);
    expect(r.testTimeOptimization!.surfaceLossAfter).toBeLessThan(r.testTimeOptimization!.surfaceLossBefore);
    expect(r.stats.timeMs.encode).toBeGreaterThanOrEqual(r.testTimeOptimization!.timeMs);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await reconstruct(net, cloud, { ...opts, testTimeOptimization: { steps: 3, pointsPerStep: 50 } });
    expect(tf.memory().numTensors).toBe(before);

    const code = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof PipelineError ? e.code : String(e)));
    let encoded = 0;
    const spy = { config: net.config, condition: (x: Float32Array) => net.condition(x), conditionOptimizable: (x: Float32Array) => (encoded++, net.conditionOptimizable(x)) };
    expect(await code(reconstruct(spy, cloud, { ...opts, testTimeOptimization: { steps: -1 } }))).toBe('INVALID_OPTION');
    expect(await code(reconstruct(spy, cloud, { ...opts, testTimeOptimization: { lr: Number.NaN } }))).toBe('INVALID_OPTION');
    expect(await code(reconstruct(spy, cloud, { ...opts, testTimeOptimization: { offSurfaceDistance: 2 } }))).toBe('INVALID_OPTION');
    expect(encoded).toBe(0);
    const tiny = tinyModel(1); // no conditionOptimizable
    expect(await code(reconstruct(tiny, cloud, { ...opts, testTimeOptimization: true }))).toBe('INVALID_OPTION');
    tiny.dispose();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it("a model's testTimeOptimization setting turns it on by default; false (or no setting) gives the plain output exactly; no leak", async () => {
    const members = () => [OccupancyNetwork.fromConfig(planes, 8), OccupancyNetwork.fromConfig(grid, 9)];
    const plainEns = new OccupancyEnsemble(members());
    const ttoEns = new OccupancyEnsemble(members(), { testTimeOptimization: true });
    const stepsEns = new OccupancyEnsemble(members(), { testTimeOptimization: { steps: 2 } });
    expect(plainEns.config.testTimeOptimization).toBeUndefined();
    expect(ttoEns.config.testTimeOptimization).toBe(true);
    const cloud = icosphere(2, 0.4).positions;
    const probe = plainEns.condition(cloud);
    const l = [...(await probe.logits(cloud))].sort((x, y) => x - y);
    probe.dispose();
    const opts = { resolution0: 8, upsamplingSteps: 1, threshold: sigmoid(l[l.length >> 1]) }; // τ at the cloud's median: a surface among the points
    const plain = await reconstruct(plainEns, cloud, opts);
    expect(plain.testTimeOptimization).toBeUndefined();
    expect(plain.stats.faces).toBeGreaterThan(0);
    const byDefault = await reconstruct(ttoEns, cloud, opts);
    expect(byDefault.testTimeOptimization!.steps).toBe(5); // the model's `true`: TEST_TIME_OPTIMIZATION_DEFAULTS
    const same = (a: { mesh: { positions: Float32Array; indices: Uint32Array } }, b: typeof a) =>
      Buffer.from(a.mesh.positions.buffer).equals(Buffer.from(b.mesh.positions.buffer)) && Buffer.from(a.mesh.indices.buffer).equals(Buffer.from(b.mesh.indices.buffer));
    expect(same(byDefault, plain)).toBe(false); // the optimisation moved the surface
    const off = await reconstruct(ttoEns, cloud, { ...opts, testTimeOptimization: false });
    expect(off.testTimeOptimization).toBeUndefined();
    expect(same(off, plain)).toBe(true); // bit for bit the model without the setting
    // a model's options object, and the caller's options winning over it
    expect((await reconstruct(stepsEns, cloud, opts)).testTimeOptimization!.steps).toBe(2);
    expect((await reconstruct(stepsEns, cloud, { ...opts, testTimeOptimization: { steps: 1 } })).testTimeOptimization!.steps).toBe(1);
    expect((await reconstruct(plainEns, cloud, { ...opts, testTimeOptimization: true })).testTimeOptimization!.steps).toBe(5);
    // a single network's config carries it too (ModelConfig), and an ensemble without its own takes the first member's
    const net = OccupancyNetwork.fromConfig({ ...planes, testTimeOptimization: { steps: 3 } }, 10);
    expect((await reconstruct(net, cloud, opts)).testTimeOptimization!.steps).toBe(3);
    expect(new OccupancyEnsemble([net]).config.testTimeOptimization).toEqual({ steps: 3 });
    // the default path (the model's setting) leaks nothing
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await reconstruct(ttoEns, cloud, opts);
    expect(tf.memory().numTensors).toBe(before);
    for (const m of [plainEns, ttoEns, stepsEns]) m.dispose();
    net.dispose();
  });

  it('a large cloud (50,000 points) is optimised on at most 10,000 points per step by default; 0 = all of them', async () => {
    const net = OccupancyNetwork.fromConfig(planes, 12);
    const rng = (() => {
      let x = 12345;
      return () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    })();
    const n = 50_000;
    const cloud = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      // points on a sphere of radius 0.3
      const [a, b] = [2 * Math.PI * rng(), Math.acos(2 * rng() - 1)];
      cloud.set([0.3 * Math.sin(b) * Math.cos(a), 0.3 * Math.sin(b) * Math.sin(a), 0.3 * Math.cos(b)], 3 * i);
    }
    /** Run one step with `options`; the sizes of the differentiable evaluations (points per graph). */
    const sizes = async (options: { pointsPerStep?: number }) => {
      const shape = net.conditionOptimizable(cloud);
      const seen: number[] = [];
      const spy = {
        variables: shape.variables,
        logits: (q: Float32Array) => shape.logits(q),
        logitsTensor: (q: tf.Tensor3D) => (seen.push(q.shape[1]), shape.logitsTensor(q)),
        dispose: () => shape.dispose(),
      };
      const stats = await optimizeEncoding(spy, cloud, 0.5, { steps: 1, ...options });
      spy.dispose();
      expect(stats.steps).toBe(1);
      expect(Number.isFinite(stats.lossLast)).toBe(true);
      return seen;
    };
    const before = tf.memory().numTensors;
    // surface term (before, step, after) on the subset, off-surface term on its 2× points
    expect(new Set(await sizes({}))).toEqual(new Set([10_000, 20_000]));
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(await sizes({ pointsPerStep: 0 }))).toEqual(new Set([n, 2 * n])); // explicit 0: every point
    expect(new Set(await sizes({ pointsPerStep: 2000 }))).toEqual(new Set([2000, 4000]));
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it('testTimeOptimization only on point-cloud configs, decoder and fourierFeatures only on vae configs: else BAD_MODEL', () => {
    const outcome = (cfg: ModelConfig) => {
      try {
        OccupancyNetwork.fromConfig(cfg, 1).dispose();
        return 'ok';
      } catch (e) {
        return e instanceof PipelineError ? `${e.code}: ${e.message}` : String(e);
      }
    };
    const voxel: ModelConfig = { kind: 'onet', input: 'voxels', inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 4 };
    const image: ModelConfig = { kind: 'onet', input: 'image', imageSize: 63, imageEncoderWidths: [4, 4, 4, 4, 4], inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 4 };
    const vae: ModelConfig = { kind: 'vae', inputPoints: 16, noiseStd: 0, padding: 0.1, cDim: 0, encoderHidden: 4, decoderHidden: 4, zDim: 2 };
    const points: ModelConfig = { kind: 'onet', inputPoints: 16, noiseStd: 0, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 4 };
    for (const cfg of [voxel, image, vae, points, planes]) expect(outcome(cfg)).toBe('ok');
    // reconstructVoxels / reconstructImage / the vae have no test-time optimisation: the setting would be ignored
    for (const [cfg, name] of [[voxel, 'voxel'], [image, 'image'], [vae, 'vae']] as const) {
      for (const setting of [true, false, { steps: 2 }]) {
        expect(outcome({ ...cfg, testTimeOptimization: setting })).toBe(`BAD_MODEL: model config testTimeOptimization is a point-cloud model setting; a ${name} model has none`);
      }
    }
    for (const cfg of [points, planes]) expect(outcome({ ...cfg, testTimeOptimization: { steps: 2 } })).toBe('ok');
    // the vae's decoder settings were checked only on vae configs, and ignored elsewhere
    for (const cfg of [points, planes, voxel, image]) {
      expect(outcome({ ...cfg, decoder: 'simple' })).toBe(`BAD_MODEL: model config decoder is a vae setting; a ${cfg.kind} model has none (got "simple")`);
      expect(outcome({ ...cfg, fourierFeatures: 4 })).toBe(`BAD_MODEL: model config fourierFeatures is a vae setting; a ${cfg.kind} model has none (got 4)`);
    }
    expect(outcome({ ...vae, decoder: 'cbatchnorm' })).toBe('ok');
    expect(outcome({ ...vae, fourierFeatures: 2 })).toBe('ok');
    // an ensemble manifest's setting, on members without a point-cloud encoder
    const v = OccupancyNetwork.fromConfig(voxel, 1);
    expect(() => new OccupancyEnsemble([v], { testTimeOptimization: true })).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
    new OccupancyEnsemble([v]).dispose();
    const pts = OccupancyNetwork.fromConfig(points, 1);
    expect(new OccupancyEnsemble([pts], { testTimeOptimization: true }).config.testTimeOptimization).toBe(true);
    pts.dispose();
  });

  it('missing tfjs gradients: GRADIENTS_NOT_REGISTERED (not an option error), saying how to register them; nothing evaluated', async () => {
    // the registry is tfjs's global one, shared by every copy of tfjs-core: take a gradient out of it for the test
    const registry = (globalThis as unknown as { _tfGlobals: Map<string, Map<string, unknown>> })._tfGlobals.get('gradRegistry')!;
    const relu = registry.get('Relu');
    expect(relu).toBeDefined();
    const net = OccupancyNetwork.fromConfig(planes, 11);
    let encoded = 0;
    const spy = { config: net.config, condition: (x: Float32Array) => net.condition(x), conditionOptimizable: (x: Float32Array) => (encoded++, net.conditionOptimizable(x)) };
    registry.delete('Relu');
    try {
      const err = await reconstruct(spy, icosphere(1, 0.4).positions, { resolution0: 8, upsamplingSteps: 0, testTimeOptimization: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PipelineError);
      expect((err as PipelineError).code).toBe('GRADIENTS_NOT_REGISTERED');
      expect((err as PipelineError).message).toContain("import '@tensorflow/tfjs-core/dist/register_all_gradients.js'");
      expect((err as PipelineError).message).not.toMatch(/copy/);
    } finally {
      registry.set('Relu', relu);
    }
    expect(encoded).toBe(0);
    expect(tf.getGradient('Relu')).toBeDefined();
    net.dispose();
  });

  it('the setting is checked where models carry it: a boolean or known fields in range, else BAD_MODEL naming the field', () => {
    const code = (f: () => void) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return e instanceof PipelineError ? `${e.code}: ${e.message}` : String(e);
      }
    };
    for (const ok of [true, false, {}, { steps: 1, lr: 0.05, pointsPerStep: 500, seed: 3 }]) expect(code(() => checkGenerationSettings({ testTimeOptimization: ok }, 'm'))).toBe('ok');
    expect(code(() => checkGenerationSettings({ testTimeOptimization: 'yes' }, 'model.json:'))).toBe('BAD_MODEL: model.json: testTimeOptimization must be true, false or an options object, got "yes"');
    expect(code(() => checkGenerationSettings({ testTimeOptimization: [] }, 'm'))).toMatch(/^BAD_MODEL: m testTimeOptimization must be true, false or an options object/);
    expect(code(() => checkGenerationSettings({ testTimeOptimization: { steps: -1 } }, 'm'))).toBe('BAD_MODEL: m testTimeOptimization.steps must be an integer in [0, 10000], got -1');
    expect(code(() => checkGenerationSettings({ testTimeOptimization: { stpes: 3 } }, 'm'))).toMatch(/^BAD_MODEL: m testTimeOptimization has an unknown field "stpes"; known: steps, lr, /);
    const manifest = { format: 'onet-ensemble', version: 1, members: ['a'], testTimeOptimization: { lr: -1 } };
    expect(code(() => parseEnsembleManifest(manifest))).toBe('BAD_MODEL: ensemble model.json: testTimeOptimization.lr must be a number in [0, 10], got -1');
    expect(code(() => OccupancyNetwork.fromConfig({ ...planes, testTimeOptimization: 1 as unknown as boolean }, 1))).toMatch(/^BAD_MODEL: model config testTimeOptimization must be/);
    // a caller's options: INVALID_OPTION, unknown fields too
    expect(code(() => checkGenerationSettings({ testTimeOptimization: { steps: 2.5 } }, 'reconstruct:', 'INVALID_OPTION'))).toMatch(/^INVALID_OPTION: /);
  });
});
