import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@onet/nn';
import { icosphere } from '@onet/sampling';
import { generateMesh } from '../src/generate.js';
import { reconstruct } from '../src/reconstruct.js';
import { reconstructFromMesh } from '../src/reconstructFromMesh.js';
import { tinyModel } from './helpers/tinyModel.js';
import { OccupancyNetwork } from '../src/model.js';

describe('generation with a real tfjs network', () => {
  beforeAll(async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
  });

  it('leaks no tensor over 20 reconstructions (numTensors flat)', async () => {
    const model = tinyModel(1);
    const cloud = icosphere(2, 0.4).positions;
    // Warm-up: kernels and backend-owned constants are created once.
    await reconstruct(model, cloud, { resolution0: 6, upsamplingSteps: 1 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const r = await reconstruct(model, cloud, { resolution0: 6, upsamplingSteps: 1, seed: i });
      expect(r.stats.evaluationsPerRound[0]).toBe(7 ** 3);
    }
    await reconstructFromMesh(model, icosphere(2, 0.4), { points: 50, resolution0: 6, upsamplingSteps: 1, normals: 'network', refinementSteps: 2 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('OccupancyNetwork (tiny onet config): numTensors flat over 100 generations', async () => {
    const model = OccupancyNetwork.fromConfig({ kind: 'onet', inputPoints: 64, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 }, 3);
    const bunnyLike = icosphere(2, 0.3);
    await reconstructFromMesh(model, bunnyLike, { resolution0: 6, upsamplingSteps: 1 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await reconstructFromMesh(model, bunnyLike, { resolution0: 6, upsamplingSteps: 1, seed: i });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('OccupancyNetwork (tiny conv-onet config, feature planes): numTensors flat over 20 generations', async () => {
    const model = OccupancyNetwork.fromConfig(
      { kind: 'conv-onet', inputPoints: 64, noiseStd: 0.005, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 4, planeResolution: 8, unetDepth: 2, unetFilters: 4 },
      4,
    );
    const shape = icosphere(2, 0.3);
    await reconstructFromMesh(model, shape, { resolution0: 6, upsamplingSteps: 1 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await reconstructFromMesh(model, shape, { resolution0: 6, upsamplingSteps: 1, seed: i });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('chunking does not change the logits: the same mesh whatever the batch size', async () => {
    const model = tinyModel(2);
    const shape = model.condition(icosphere(1, 0.4).positions);
    // An untrained network's level set may be anywhere: put the threshold at the median logit of a
    // line through the box so that the mesh is not empty.
    const line = new Float32Array(3 * 101).map((_, i) => (i % 3 === 0 ? -0.55 + (1.1 * Math.floor(i / 3)) / 100 : 0.1));
    const logits = [...(await shape.logits(line))].sort((x, y) => x - y);
    const threshold = 1 / (1 + Math.exp(-logits[50]));
    const a = await generateMesh(shape, { resolution0: 8, upsamplingSteps: 1, threshold });
    const b = await generateMesh(shape, { resolution0: 8, upsamplingSteps: 1, threshold, batchSize: 97 });
    expect(a.stats.faces).toBeGreaterThan(0);
    expect(b.stats.evaluations).toBe(a.stats.evaluations);
    expect(b.mesh.positions).toEqual(a.mesh.positions);
    expect(b.mesh.indices).toEqual(a.mesh.indices);
    shape.dispose();
    model.dispose();
  });
});
