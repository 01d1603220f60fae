import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { seedInit } from '@onet/nn';
import { LocalDecoder, DecoderLocalError } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const planes = (b: number, r: number, c: number, fill: (i: number) => number) => {
  const n = b * r * r * c;
  const make = () => tf.tensor4d(new Float32Array(n).map((_, i) => fill(i)), [b, r, r, c]);
  return { xz: make(), xy: make(), yz: make() };
};

describe('LocalDecoder', () => {
  it('has CON key names and shapes', () => {
    const d = new LocalDecoder();
    const sd = d.stateDict();
    expect(sd.get('fc_p.weight')!.shape).toEqual([32, 3]);
    expect(sd.get('fc_c.4.weight')!.shape).toEqual([32, 32]);
    expect(sd.get('blocks.4.fc_1.weight')!.shape).toEqual([32, 32]);
    expect(sd.get('fc_out.weight')!.shape).toEqual([1, 32]);
    expect(d.parameterCount()).toBe(3 * 32 + 32 + 5 * (32 * 32 + 32) + 5 * 2 * (32 * 32 + 32) + 33);
  });

  it('equals a hand-written forward pass (features sampled, summed over planes, added before each block)', () => {
    seedInit(2);
    const d = new LocalDecoder({ cDim: 2, hidden: 4, nBlocks: 2 });
    // constant planes: every sample is the constant, sum over 3 planes = 3·const
    const f = planes(1, 4, 2, (i) => (i % 2 === 0 ? 0.5 : -1));
    const p = tf.tensor3d([0.1, -0.2, 0.3, 0.4, 0.5, -0.5], [1, 2, 3]);
    const got = d.apply(p, f).dataSync();
    const c = tf.tensor2d([1.5, -3, 1.5, -3], [2, 2]);
    let net = d.fcP.apply(tf.reshape(p, [2, 3]));
    for (let i = 0; i < 2; i++) net = d.blocks[i].apply(tf.add(net, d.fcC[i].apply(c)));
    const want = d.fcOut.apply(tf.relu(net)).dataSync();
    expect(got[0]).toBeCloseTo(want[0], 5);
    expect(got[1]).toBeCloseTo(want[1], 5);
  });

  it('is local: a feature change far from a query does not move its logit', () => {
    seedInit(5);
    const d = new LocalDecoder({ cDim: 2, hidden: 4 });
    const p = tf.tensor3d([-0.4, -0.4, -0.4], [1, 1, 3]);
    const a = d.apply(p, planes(1, 8, 2, () => 0.3)).dataSync()[0];
    // change only the far corner cell (row 7, col 7) of every plane
    const b = d.apply(p, planes(1, 8, 2, (i) => (Math.floor(i / 2) === 63 ? 5 : 0.3))).dataSync()[0];
    expect(b).toBe(a);
    const c = d.apply(p, planes(1, 8, 2, (i) => (Math.floor(i / 2) === 0 ? 5 : 0.3))).dataSync()[0];
    expect(c).not.toBe(a);
  });

  it('rejects mismatched shapes with a typed error and does not leak', () => {
    const d = new LocalDecoder({ cDim: 2, hidden: 4 });
    const p = tf.tensor3d([0, 0, 0], [1, 1, 3]);
    expect(() => d.apply(p, planes(2, 4, 2, () => 0))).toThrow(DecoderLocalError);
    expect(() => d.apply(p, planes(1, 4, 3, () => 0))).toThrow(/cDim|\[1, R, R, 2\]/);
    expect(() => d.apply(p, {})).toThrow(DecoderLocalError);
    expect(() => d.apply(tf.tensor3d([0, 0], [1, 1, 2]), planes(1, 4, 2, () => 0))).toThrow(DecoderLocalError);
    const f = planes(1, 4, 2, () => 0.1);
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) d.apply(p, f).dispose();
    expect(tf.memory().numTensors).toBe(n0);
  });

  it('samples a grid trilinearly (alone or added to planes) and checks its shape', () => {
    seedInit(6);
    const d = new LocalDecoder({ cDim: 1, hidden: 4, nBlocks: 1 });
    // grid value = x-index: the sampled feature is (p_x / (1.1 + 1e-3) + 0.5)·(G − 1)
    const G = 5;
    const grid = tf.tensor5d(new Float32Array(G ** 3).map((_, i) => i % G), [1, G, G, G, 1]);
    const p = tf.tensor3d([0.2, -0.1, 0.3, -0.45, 0.4, 0], [1, 2, 3]);
    const c = d.sampleFeatures(p, { grid }).dataSync();
    expect(c[0]).toBeCloseTo((0.2 / 1.101 + 0.5) * (G - 1), 4);
    expect(c[1]).toBeCloseTo((-0.45 / 1.101 + 0.5) * (G - 1), 4);
    const withPlanes = d.sampleFeatures(p, { ...planes(1, 4, 1, () => 2), grid }).dataSync();
    expect(withPlanes[0]).toBeCloseTo(c[0] + 6, 4);
    expect(d.apply(p, { grid }).shape).toEqual([1, 2]);
    expect(() => d.apply(p, { grid: tf.zeros([1, 4, 4, 3, 1]) as tf.Tensor5D })).toThrow(DecoderLocalError);
    expect(() => d.apply(p, { grid: tf.zeros([1, 4, 4, 4, 2]) as tf.Tensor5D })).toThrow(/grid must be/);
  });
});

describe('LocalDecoder with pixel-aligned image features', () => {
  it('samples the image map at the projection of each point; needs its camera', () => {
    seedInit(4);
    const cam = { fovDeg: 30, distance: 2.2 };
    const d = new LocalDecoder({ cDim: 2, hidden: 4, nBlocks: 1, imageCamera: cam });
    // a 4×4 map whose channel 0 is the cell's column and channel 1 its row
    const map = tf.tensor4d(Array.from({ length: 16 }, (_, k) => [k % 4, Math.floor(k / 4)]).flat(), [1, 4, 4, 2]);
    const F = 0.5 / Math.tan((15 * Math.PI) / 180);
    // (x, y) at depth 2.2 landing on the centre of cell (row 0, column 3): offsets +1.5 and −1.5 cells from the centre
    const x = (2.2 * 1.5) / (F * 4);
    const p = tf.tensor3d([[[0, 0, 0], [x, x, 0]]]);
    const feats = d.sampleFeatures(p, { image: map });
    const v = feats.arraySync()[0];
    expect(v[0][0]).toBeCloseTo(1.5, 5);
    expect(v[0][1]).toBeCloseTo(1.5, 5);
    expect(v[1][0]).toBeCloseTo(3, 5); // rightmost column
    expect(v[1][1]).toBeCloseTo(0, 5); // top row: view-frame y is up
    expect(d.apply(p, { image: map }).shape).toEqual([1, 2]);
    const noCamera = new LocalDecoder({ cDim: 2, hidden: 4, nBlocks: 1 });
    expect(() => noCamera.apply(p, { image: map })).toThrow(DecoderLocalError);
    expect(() => new LocalDecoder({ imageCamera: { fovDeg: 30, distance: -1 } })).toThrow(/distance/);
    tf.dispose([map, p, feats]);
  });
});
