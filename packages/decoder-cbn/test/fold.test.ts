import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, NNError } from '@onet/nn';
import { DecoderCBatchNorm, DecoderCBatchNorm2, Decoder, foldForInference, evaluateLogits, FoldedDecoder } from '../src/index.js';
import { fixture, maxDiff } from './helpers.js';

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

/** Randomise every running statistic so the folding of BN is really exercised. */
function randomizeStats(dec: { namedBuffers(): Map<string, tf.Variable> }) {
  let seed = 100;
  for (const [name, v] of dec.namedBuffers()) {
    const t = name.endsWith('running_var') ? tf.randomUniform(v.shape, 0.3, 2, 'float32', seed++) : tf.randomNormal(v.shape, 0, 0.5, 'float32', seed++);
    v.assign(t);
    t.dispose();
  }
}

describe('foldForInference', () => {
  it('the folded MLP gives the eval-mode logits of every decoder kind (fixtures and random weights)', async () => {
    const fx = fixture('decoder_cbn_c32_h16_legacy');
    const legacy = new DecoderCBatchNorm({ cDim: 32, hidden: 16, legacy: true });
    legacy.loadStateDict(fx, { prefix: 'param/' });
    const cases = [
      { dec: legacy, zDim: 0, cDim: 32 },
      { dec: new DecoderCBatchNorm({ cDim: 12, hidden: 24, zDim: 5 }), zDim: 5, cDim: 12 },
      { dec: new DecoderCBatchNorm2({ cDim: 12, hidden: 24, zDim: 5, nBlocks: 2 }), zDim: 5, cDim: 12 },
      { dec: new Decoder({ cDim: 12, hidden: 24, zDim: 5, leaky: true }), zDim: 5, cDim: 12 },
    ];
    let seed = 1;
    for (const { dec, zDim, cDim } of cases) {
      // non-trivial CBN γ/β weights and fc_1 weights (the reference init makes them zero)
      for (const [name, v] of dec.namedParameters()) {
        if (dec === legacy) break;
        const t = tf.randomNormal(v.shape, 0, name.includes('gamma') || name.includes('beta') ? 0.3 : 0.4, 'float32', seed++);
        v.assign(t);
        t.dispose();
      }
      if (dec !== legacy) randomizeStats(dec);
      dec.eval();
      const p = tf.randomUniform([1, 500, 3], -0.55, 0.55, 'float32', seed++);
      const c = tf.randomNormal([1, cDim], 0, 1, 'float32', seed++);
      const z = zDim ? tf.randomNormal([1, zDim], 0, 1, 'float32', seed++) : null;
      const ref = dec.apply(p, z, c);
      const folded = await foldForInference(dec, c, z);
      const got = folded.apply(p);
      expect(got.shape).toEqual([1, 500]);
      const d = maxDiff(got.dataSync(), ref.dataSync());
      expect(d.scale).toBeGreaterThan(0.1);
      expect(d.abs, dec.constructor.name).toBeLessThanOrEqual(1e-4 * Math.max(1, d.scale));
      // chunked evaluation of both agrees too, and leaves no tensor behind
      const before = tf.memory().numTensors;
      const pts = p.dataSync() as Float32Array;
      const a = await evaluateLogits(folded, pts, { chunkSize: 77 });
      const b = await evaluateLogits(dec, pts, { z, c, chunkSize: 128 });
      expect(tf.memory().numTensors).toBe(before);
      expect(maxDiff(a, ref.dataSync()).abs).toBeLessThanOrEqual(1e-4 * Math.max(1, d.scale));
      expect(maxDiff(b, ref.dataSync()).abs).toBeLessThanOrEqual(1e-5 * Math.max(1, d.scale));
      // the arrays rebuild an equivalent decoder (what a worker does)
      const again = new FoldedDecoder(folded.arrays);
      const got2 = again.apply(tf.reshape(p, [500, 3]));
      expect(got2.shape).toEqual([500]);
      expect(maxDiff(got2.dataSync(), got.dataSync()).abs).toBe(0);
      tf.dispose([p, c, z, ref, got, got2].filter(Boolean) as tf.Tensor[]);
      folded.dispose();
      again.dispose();
      dec.dispose();
    }
  });

  it('checks its inputs', async () => {
    const dec = new DecoderCBatchNorm({ cDim: 4, hidden: 8 });
    await expect(foldForInference(dec, tf.zeros([2, 4]))).rejects.toThrow(/c must be \[1, 4\]/);
    const folded = await foldForInference(dec, tf.zeros([1, 4]));
    expect(() => folded.apply(tf.zeros([3, 2]))).toThrow(NNError);
    await expect(evaluateLogits(folded, new Float32Array([0, 0, Number.NaN]))).rejects.toThrow(/NaN/);
    await expect(evaluateLogits(folded, new Float32Array(4))).rejects.toThrow(/multiple of 3/);
    await expect(evaluateLogits(dec.train(), new Float32Array(3), { c: tf.zeros([1, 4]) })).rejects.toThrow(/train mode/);
    folded.dispose();
    expect(() => folded.apply(tf.zeros([1, 3]))).toThrow(/after dispose/);
    dec.dispose();
  });
});
