import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { OccupancyNetwork, type ModelConfig } from '../src/model.js';

const BASE: ModelConfig = { kind: 'vae', inputPoints: 64, noiseStd: 0, padding: 0.1, cDim: 0, encoderHidden: 16, decoderHidden: 8, zDim: 2, klWeight: 1 };
// covariance [[4, 2], [2, 5]] = L Lᵀ with L = [[2, 0], [1, 2]]
const PRIOR = { mean: [3, -1], scale: [[2, 99], [1, 2]] }; // the 99 above the diagonal must be ignored

describe('ModelConfig.latentPrior (ex-post Gaussian over z)', () => {
  beforeAll(async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
  });

  it('sampleLatent draws z = mean + L·ε from the same ε as the standard prior', () => {
    const plain = OccupancyNetwork.fromConfig(BASE, 1);
    const fitted = OccupancyNetwork.fromConfig({ ...BASE, latentPrior: PRIOR }, 1);
    const eps = plain.sampleLatent(4, 7);
    const z = fitted.sampleLatent(4, 7);
    for (let k = 0; k < 4; k++) {
      const [e0, e1] = [eps[2 * k], eps[2 * k + 1]];
      expect(z[2 * k]).toBeCloseTo(3 + 2 * e0, 5);
      expect(z[2 * k + 1]).toBeCloseTo(-1 + e0 + 2 * e1, 5);
    }
    expect(Array.from(fitted.sampleLatent(4, 7, 'standard'))).toEqual(Array.from(eps));
    expect(Array.from(fitted.sampleLatent(4, 7))).toEqual(Array.from(z)); // seeded: reproducible
    plain.dispose();
    fitted.dispose();
  });

  it('sample moments match the fitted mean and covariance', () => {
    const m = OccupancyNetwork.fromConfig({ ...BASE, latentPrior: PRIOR }, 1);
    const n = 20_000;
    const z = m.sampleLatent(n, 3);
    let m0 = 0, m1 = 0;
    for (let k = 0; k < n; k++) { m0 += z[2 * k] / n; m1 += z[2 * k + 1] / n; }
    let c00 = 0, c01 = 0, c11 = 0;
    for (let k = 0; k < n; k++) {
      const a = z[2 * k] - m0, b = z[2 * k + 1] - m1;
      c00 += (a * a) / n; c01 += (a * b) / n; c11 += (b * b) / n;
    }
    expect(m0).toBeCloseTo(3, 1);
    expect(m1).toBeCloseTo(-1, 1);
    expect(c00).toBeGreaterThan(3.8); expect(c00).toBeLessThan(4.2);
    expect(c01).toBeGreaterThan(1.85); expect(c01).toBeLessThan(2.15);
    expect(c11).toBeGreaterThan(4.75); expect(c11).toBeLessThan(5.25);
    m.dispose();
  });

  it('a latentPrior of the wrong size or with non-finite entries is BAD_MODEL', () => {
    for (const latentPrior of [
      { mean: [0], scale: [[1, 0], [0, 1]] },
      { mean: [0, 0], scale: [[1, 0]] },
      { mean: [0, Number.NaN], scale: [[1, 0], [0, 1]] },
      { mean: [0, 0], scale: [[1, 0], [0, Number.POSITIVE_INFINITY]] },
    ]) {
      expect(() => OccupancyNetwork.fromConfig({ ...BASE, latentPrior }, 1)).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
    }
  });
});

describe('ModelConfig.fourierFeatures (vae decoder sees Fourier features of p)', () => {
  beforeAll(async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
  });

  it('widens fc_p to 3·(1 + 2L) inputs; weights load back into the same config and not into a plain one', () => {
    const m = OccupancyNetwork.fromConfig({ ...BASE, fourierFeatures: 4 }, 1);
    const weights = m.net.stateDict();
    expect(weights.get('decoder.fc_p.weight')?.shape).toEqual([8, 27]);
    const back = OccupancyNetwork.fromWeights({ modelConfig: { ...BASE, fourierFeatures: 4 } } as never, weights);
    back.dispose();
    expect(() => OccupancyNetwork.fromWeights({ modelConfig: BASE } as never, weights)).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
    m.dispose();
  });

  it('out-of-range octaves are BAD_MODEL', () => {
    for (const fourierFeatures of [-1, 2.5, 21]) {
      expect(() => OccupancyNetwork.fromConfig({ ...BASE, fourierFeatures }, 1)).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
    }
  });
});

describe('ModelConfig.decoder (vae: simple or cbatchnorm)', () => {
  beforeAll(async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
  });

  it('cbatchnorm conditions the CBN decoder on z: c-keys sized zDim, and z changes the logits', async () => {
    const m = OccupancyNetwork.fromConfig({ ...BASE, zDim: 3, decoder: 'cbatchnorm' }, 1);
    const sd = m.net.stateDict();
    expect(sd.get('decoder.block0.bn_0.conv_gamma.weight')?.shape).toEqual([8, 3, 1]);
    expect(sd.has('decoder.fc_z.weight')).toBe(false);
    // the reference init makes CBN γ/β weights 0 (z would not matter); give them values
    for (const [name, v] of m.net.namedParameters()) if (/conv_(gamma|beta)\.weight$/.test(name)) v.assign(tf.add(v, 0.3));
    const p = new Float32Array([0.1, 0.2, -0.1, -0.3, 0, 0.25]);
    const a = m.decodeLatent(new Float32Array([1, 0, 0]));
    const b = m.decodeLatent(new Float32Array([0, 0, -1]));
    const la = await a.logits(p);
    const lb = await a.logits(p);
    const la2 = await b.logits(p);
    expect(Array.from(la)).toEqual(Array.from(lb));
    expect(Math.abs(la[0] - la2[0]) + Math.abs(la[1] - la2[1])).toBeGreaterThan(1e-4);
    a.dispose();
    b.dispose();
    m.dispose();
  });

  it('an unknown decoder, or Fourier features with cbatchnorm, is BAD_MODEL', () => {
    expect(() => OccupancyNetwork.fromConfig({ ...BASE, decoder: 'cbatchnorm2' as never }, 1)).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
    expect(() => OccupancyNetwork.fromConfig({ ...BASE, decoder: 'cbatchnorm', fourierFeatures: 2 }, 1)).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
  });
});
