import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@onet/nn';
import { OccupancyNetwork, type ModelConfig } from '../src/model.js';
import { asVaeModel, decodeShape, encodeShape, interpolateLatent, interpolateShapes, sampleCodes, sampleShapes } from '../src/sampleShapes.js';
import { box, contains, normalizeMesh, sampleNearSurface, sampleUniformPoints } from '@onet/sampling';

const CONFIG: ModelConfig = { kind: 'vae', inputPoints: 64, noiseStd: 0, padding: 0.1, cDim: 0, encoderHidden: 16, decoderHidden: 8, zDim: 2, klWeight: 1 };

/**
 * A hand-set vae whose shape is the octahedron |x| + |y| + |z| < 0.25 + 0.1·relu(z₀): fc_p puts ±x, ±y, ±z in six
 * hidden units, the residual blocks are zero (identity), fc_z adds z₀ to unit 6, fc_out sums them. Codes with
 * different z₀ > 0 give octahedra of different sizes, so a mesh tells which code it came from.
 */
function octahedronModel(): OccupancyNetwork {
  const m = OccupancyNetwork.fromConfig(CONFIG, 1);
  const sd = m.net.stateDict();
  for (const a of sd.values()) a.data.fill(0);
  const fcP = sd.get('decoder.fc_p.weight')!; // [8, 3]
  for (let d = 0; d < 3; d++) {
    fcP.data[2 * d * 3 + d] = 1;
    fcP.data[(2 * d + 1) * 3 + d] = -1;
  }
  sd.get('decoder.fc_z.weight')!.data[6 * 2 + 0] = 1; // [8, 2]
  const out = sd.get('decoder.fc_out.weight')!; // [1, 8]
  for (let k = 0; k < 6; k++) out.data[k] = -1;
  out.data[6] = 0.1;
  sd.get('decoder.fc_out.bias')!.data[0] = 0.25;
  m.net.loadStateDict(sd);
  return m;
}

/** Largest |x| + |y| + |z| over the mesh's vertices: the octahedron's L1 radius. */
function l1Radius(positions: Float32Array): number {
  let r = 0;
  for (let i = 0; i < positions.length; i += 3) r = Math.max(r, Math.abs(positions[i]) + Math.abs(positions[i + 1]) + Math.abs(positions[i + 2]));
  return r;
}

/** τ = 0.5: the surface is logit 0, the octahedron's boundary. */
const GEN = { resolution0: 16, upsamplingSteps: 1, threshold: 0.5 };
/** Seed whose two codes both have z₀ > 0.5 apart, found once below (the test asserts it). */
let seed = -1;

describe('sampling building blocks (sampleCodes, interpolateLatent, decodeShape)', () => {
  let model: OccupancyNetwork;
  beforeAll(async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    model = octahedronModel();
    for (let s = 0; s < 50 && seed < 0; s++) {
      const [a, b] = sampleCodes(model, 2, s);
      if (a[0] > 0.3 && b[0] > 0.3 && Math.abs(a[0] - b[0]) > 0.5) seed = s;
    }
    expect(seed).toBeGreaterThanOrEqual(0);
  });
  afterAll(() => model.dispose());

  it('sampleCodes slices sampleLatent, and code k of a seed does not depend on the count', () => {
    const z = model.sampleLatent(3, 11);
    const codes = sampleCodes(model, 3, 11);
    expect(codes.map((c) => Array.from(c))).toEqual([0, 1, 2].map((k) => Array.from(z.subarray(2 * k, 2 * k + 2))));
    expect(Array.from(sampleCodes(model, 2, 11)[1])).toEqual(Array.from(codes[1]));
    expect(Array.from(sampleCodes(model, 1, 12)[0])).not.toEqual(Array.from(codes[0]));
    expect(() => sampleCodes(model, 0, 1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('interpolateLatent: exact ends, the straight line between, typed errors', () => {
    const a = Float32Array.from([1, -2, 0.1]);
    const b = Float32Array.from([3, 2, -0.7]);
    expect(Array.from(interpolateLatent(a, b, 0))).toEqual(Array.from(a));
    expect(Array.from(interpolateLatent(a, b, 1))).toEqual(Array.from(b));
    const mid = interpolateLatent(a, b, 0.25);
    expect(mid[0]).toBeCloseTo(1.5, 6);
    expect(mid[1]).toBeCloseTo(-1, 6);
    expect(mid[2]).toBeCloseTo(-0.1, 6);
    expect(interpolateLatent(a, b, 2)[0]).toBeCloseTo(5, 6); // extrapolates outside [0, 1]
    expect(() => interpolateLatent(a, b.subarray(0, 2), 0.5)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => interpolateLatent(a, b, Number.NaN)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/t must be a finite number/) }),
    );
  });

  it("decodeShape gives sampleShapes' and interpolateShapes' meshes, sizes following z₀, without leaking tensors", async () => {
    const shapes = await sampleShapes(model, 2, { seed, generation: GEN });
    const [a, b] = sampleCodes(model, 2, seed);
    const before = tf.memory().numTensors;
    const one = await decodeShape(model, b, { generation: GEN });
    expect(tf.memory().numTensors).toBe(before);
    expect(one.stats.faces).toBeGreaterThan(0);
    expect(Array.from(one.mesh.positions)).toEqual(Array.from(shapes[1].mesh.positions));
    expect(Array.from(one.mesh.indices)).toEqual(Array.from(shapes[1].mesh.indices));
    const coarse = await decodeShape(model, b, { generation: { resolution0: 4, upsamplingSteps: 0 } });
    expect(coarse.stats.threshold).toBe(0.2); // no τ given and none in the config: onet sample's default
    for (const [k, z] of [a, b].entries()) expect(l1Radius(shapes[k].mesh.positions)).toBeCloseTo(0.25 + 0.1 * z[0], 1);
    const mid = await decodeShape(model, interpolateLatent(a, b, 0.5), { generation: GEN });
    const line = await interpolateShapes(model, a, b, 3, { generation: GEN });
    expect(Array.from(mid.mesh.positions)).toEqual(Array.from(line[1].mesh.positions));
    expect(l1Radius(mid.mesh.positions)).toBeCloseTo(0.25 + (0.1 * (a[0] + b[0])) / 2, 1);
  });

  it('decodeShape: an aborted signal rejects and frees the shape; a wrong-size code is a typed error', async () => {
    const before = tf.memory().numTensors;
    const ctl = new AbortController();
    ctl.abort(new Error('stop'));
    await expect(decodeShape(model, sampleCodes(model, 1, 0)[0], { generation: { ...GEN, signal: ctl.signal } })).rejects.toThrow('stop');
    expect(tf.memory().numTensors).toBe(before);
    await expect(decodeShape(model, new Float32Array(3))).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('asVaeModel passes a vae through and refuses a conditional model with BAD_MODEL', () => {
    expect(asVaeModel(model, 'x')).toBe(model);
    const onet = OccupancyNetwork.fromConfig({ kind: 'onet', inputPoints: 10, noiseStd: 0, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 4 }, 1);
    try {
      expect(() => asVaeModel(onet, 'models/default/')).toThrow(
        expect.objectContaining({ code: 'BAD_MODEL', message: expect.stringMatching(/^models\/default\/ is not an unconditional \(vae\) model/) }),
      );
    } finally {
      onet.dispose();
    }
  });
});

describe('encodeShape', () => {
  beforeAll(async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
  });

  it('feeds q(z | p, o) half uniform, half near-surface labelled points (as training does); nearFraction 0: uniform only', () => {
    const model = OccupancyNetwork.fromConfig(CONFIG, 3); // random weights: the code depends on every point
    const mesh = box([0.6, 0.3, 0.2], [5, 5, 5]); // off-centre: encodeShape normalises it
    const unit = normalizeMesh(mesh).mesh;
    const n = CONFIG.inputPoints;
    const uniform = sampleUniformPoints(n / 2, { seed: 4, padding: CONFIG.padding });
    const near = sampleNearSurface(unit, n / 2, { seed: 5, sigma: 0.01 });
    const expected = new Float32Array(3 * n);
    expected.set(uniform);
    expected.set(near, 3 * (n / 2));
    const labels = contains(unit, expected);
    expect(Array.from(labels).filter((o) => o === 1).length).toBeGreaterThan(n / 8); // near points straddle the surface
    expect(Array.from(encodeShape(model, mesh, 4))).toEqual(Array.from(model.encodeLatent(expected, labels)));
    const all = sampleUniformPoints(n, { seed: 4, padding: CONFIG.padding });
    expect(Array.from(encodeShape(model, mesh, 4, { nearFraction: 0 }))).toEqual(Array.from(model.encodeLatent(all, contains(unit, all))));
    expect(() => encodeShape(model, mesh, 4, { nearFraction: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => encodeShape(model, mesh, 4, { nearSigma: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => encodeShape(model, { positions: new Float32Array(0), indices: new Uint32Array(0) }, 4)).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    model.dispose();
  });
});
