import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { decodeWeights } from '@onet/nn';
import { OccupancyNetwork, type ModelConfig } from '../src/model.js';
import { PipelineError } from '../src/errors.js';

const TINY: ModelConfig = {
  kind: 'conv-onet',
  inputPoints: 50,
  noiseStd: 0.005,
  padding: 0.1,
  cDim: 4,
  encoderHidden: 8,
  decoderHidden: 8,
  planeResolution: 8,
  planes: ['xz', 'xy', 'yz'],
  unetDepth: 2,
  unetFilters: 4,
};

const cloud = (n: number, seed = 1) => {
  const out = new Float32Array(3 * n);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 16807) % 2147483647;
    out[i] = s / 2147483647 - 0.5;
  }
  return out;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('OccupancyNetwork (conv-onet)', () => {
  it('conditions, answers logits [N], and round-trips through save/fromWeights (float32 exact, float16 close)', async () => {
    const m = OccupancyNetwork.fromConfig(TINY, 7);
    const q = cloud(200, 3);
    const shape = m.condition(cloud(50));
    const a = await shape.logits(q);
    shape.dispose();
    expect(a.length).toBe(200);
    expect(new Set(Array.from(a).map((v) => v.toFixed(5))).size).toBeGreaterThan(10); // depends on the point

    const { modelJson, weights } = m.save();
    expect(modelJson.modelConfig.kind).toBe('conv-onet');
    expect(modelJson.weightsManifest[0].weights.map((w) => w.name)).toContain('encoder.unet.conv_final.weight');
    expect(modelJson.weightsManifest[0].weights.map((w) => w.name)).toContain('decoder.fc_c.0.weight');
    const m2 = OccupancyNetwork.fromWeights(modelJson, decodeWeights(modelJson, weights));
    const s2 = m2.condition(cloud(50));
    const b = await s2.logits(q);
    s2.dispose();
    expect(Array.from(b)).toEqual(Array.from(a));

    const half = m.save({ dtype: 'float16' });
    expect(half.weights.length).toBe(weights.length / 2);
    const m3 = OccupancyNetwork.fromWeights(half.modelJson, decodeWeights(half.modelJson, half.weights));
    const s3 = m3.condition(cloud(50));
    const c = await s3.logits(q);
    s3.dispose();
    for (let i = 0; i < c.length; i++) expect(Math.abs(c[i] - a[i])).toBeLessThan(2e-2 * (1 + Math.abs(a[i])));
    expect(m.parameterCount()).toBe(m2.parameterCount());
    [m, m2, m3].forEach((x) => x.dispose());
  });

  it('rejects bad clouds, configs and weights with PipelineError codes', () => {
    const m = OccupancyNetwork.fromConfig(TINY);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PipelineError);
        return (e as PipelineError).code;
      }
      return 'no error';
    };
    expect(code(() => m.condition(new Float32Array(0)))).toBe('EMPTY_INPUT');
    expect(code(() => m.condition(new Float32Array([0, 0, NaN])))).toBe('NON_FINITE_INPUT');
    expect(code(() => m.condition(new Float32Array([0, 0])))).toBe('INVALID_OPTION');
    expect(code(() => OccupancyNetwork.fromConfig({ ...TINY, kind: 'voxels' as 'onet' }))).toBe('BAD_MODEL');
    expect(code(() => OccupancyNetwork.fromConfig({ ...TINY, planeResolution: 6, unetDepth: 3 }))).toBe('BAD_MODEL');
    expect(code(() => OccupancyNetwork.fromConfig({ ...TINY, threshold: 1 }))).toBe('BAD_MODEL');
    expect(code(() => OccupancyNetwork.fromConfig({ ...TINY, fillCavities: 'yes' as never }))).toBe('BAD_MODEL');
    expect(code(() => OccupancyNetwork.fromConfig({ ...TINY, thresholdByInputPoints: [{ inputPoints: 300, threshold: 0 }] }))).toBe('BAD_MODEL');
    const { modelJson, weights } = m.save();
    const other = OccupancyNetwork.fromConfig({ ...TINY, cDim: 6 }).save();
    expect(code(() => OccupancyNetwork.fromWeights(other.modelJson, decodeWeights(modelJson, weights)))).toBe('BAD_MODEL');
    m.dispose();
  });

  it('does not leak tensors over repeated conditioning and queries (chunked)', async () => {
    const m = OccupancyNetwork.fromConfig(TINY);
    const q = cloud(1000, 5);
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) {
      const s = m.condition(cloud(50, i + 2));
      await s.logits(q);
      s.dispose();
    }
    expect(tf.memory().numTensors).toBe(n0);
    m.dispose();
  });
});

describe('OccupancyNetwork (conv-onet, feature grid)', () => {
  const GRID: ModelConfig = { ...TINY, planes: [], gridResolution: 4, unet3dLevels: 2, unet3dFilters: 2 };

  it('round-trips through save/fromWeights, answers point-dependent logits, does not leak', async () => {
    const m = OccupancyNetwork.fromConfig(GRID, 3);
    const names = [...m.net.stateDict().keys()];
    expect(names).toContain('encoder.unet3d.down_convs.1.conv2.weight');
    expect(names.some((n) => n.startsWith('encoder.unet.'))).toBe(false); // no planes, no 2D U-Net
    const q = cloud(100, 4);
    const n0 = tf.memory().numTensors;
    const s = m.condition(cloud(50));
    const a = await s.logits(q);
    s.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    expect(new Set(Array.from(a).map((v) => v.toFixed(5))).size).toBeGreaterThan(10);
    const { modelJson, weights } = m.save();
    expect(modelJson.modelConfig.gridResolution).toBe(4);
    const m2 = OccupancyNetwork.fromWeights(modelJson, decodeWeights(modelJson, weights));
    const s2 = m2.condition(cloud(50));
    expect(Array.from(await s2.logits(q))).toEqual(Array.from(a));
    s2.dispose();
    [m, m2].forEach((x) => x.dispose());
  });

  it('rejects a conv-onet without planes or grid, and a grid side the 3D U-Net cannot halve', () => {
    expect(() => OccupancyNetwork.fromConfig({ ...GRID, gridResolution: 0 })).toThrow(/plane or a gridResolution/);
    expect(() => OccupancyNetwork.fromConfig({ ...GRID, gridResolution: 6, unet3dLevels: 3 })).toThrow(PipelineError);
    expect(() => OccupancyNetwork.fromConfig({ ...GRID, unet3dFilters: 1.5 })).toThrow(/unet3dFilters/);
    expect(() => OccupancyNetwork.fromConfig({ ...TINY, unetFilters: 0 })).toThrow(/unetFilters/);
  });
});

describe('OccupancyNetwork (onet)', () => {
  it('builds the global-code network with reference key names and answers logits', async () => {
    const m = OccupancyNetwork.fromConfig({ kind: 'onet', inputPoints: 30, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 });
    const names = [...m.net.stateDict().keys()];
    expect(names).toContain('encoder.fc_pos.weight');
    expect(names).toContain('decoder.block0.bn_0.bn.running_mean');
    const s = m.condition(cloud(30));
    const l = await s.logits(cloud(10, 9));
    s.dispose();
    expect(l.length).toBe(10);
    expect(l.every(Number.isFinite)).toBe(true);
    m.dispose();
  });
});
