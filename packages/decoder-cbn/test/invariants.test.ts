import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, seedInit, NNError } from '@onet/nn';
import { DecoderCBatchNorm, DecoderCBatchNorm2, Decoder, CBatchNorm1d, bceWithLogitsLoss } from '../src/index.js';
import { fixture } from './helpers.js';

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('DecoderCBatchNorm invariants', () => {
  it('eval mode: 1 point alone and inside 10,000 points give the same logit (running statistics)', () => {
    seedInit(7);
    const dec = new DecoderCBatchNorm({ cDim: 32, hidden: 16 });
    dec.loadStateDict(fixture('decoder_cbn_c32_h16'), { prefix: 'param/' });
    dec.eval();
    const pts = tf.randomUniform([1, 10000, 3], -0.55, 0.55, 'float32', 3);
    const c = tf.randomNormal([1, 32], 0, 1, 'float32', 4);
    const all = dec.apply(pts, null, c);
    const one = tf.tidy(() => dec.apply(tf.slice(pts, [0, 1234, 0], [1, 1, 3]), null, c));
    const allD = all.dataSync();
    expect(Math.abs(one.dataSync()[0] - allD[1234])).toBeLessThanOrEqual(1e-5);
    // the logits do vary over space (the check is not vacuous)
    expect(Math.max(...allD) - Math.min(...allD)).toBeGreaterThan(0.1);
    tf.dispose([pts, c, all, one]);
    dec.dispose();
  });

  it('train mode: the same point gets a different logit in a different batch (batch statistics)', () => {
    const dec = new DecoderCBatchNorm({ cDim: 32, hidden: 16 });
    dec.loadStateDict(fixture('decoder_cbn_c32_h16'), { prefix: 'param/' });
    dec.train();
    const pts = tf.randomUniform([1, 100, 3], -0.5, 0.5, 'float32', 5);
    const c = tf.randomNormal([1, 32], 0, 1, 'float32', 6);
    const a = dec.apply(pts, null, c);
    const b = tf.tidy(() => dec.apply(tf.slice(pts, [0, 0, 0], [1, 10, 3]), null, c));
    expect(Math.abs(a.dataSync()[3] - b.dataSync()[3])).toBeGreaterThan(1e-4);
    tf.dispose([pts, c, a, b]);
    dec.dispose();
  });

  it('numTensors stays flat over repeated calls (eval and train, all decoders)', () => {
    const decs = [new DecoderCBatchNorm({ cDim: 8, hidden: 8, zDim: 4 }), new DecoderCBatchNorm2({ cDim: 8, hidden: 8, zDim: 4, nBlocks: 2 }), new Decoder({ cDim: 8, zDim: 4, hidden: 8 })];
    const p = tf.randomUniform([2, 50, 3]);
    const z = tf.randomNormal([2, 4]);
    const c = tf.randomNormal([2, 8]);
    for (const dec of decs) {
      for (const mode of [false, true]) {
        dec.train(mode);
        tf.dispose(dec.apply(p, z, c));
        const before = tf.memory().numTensors;
        for (let i = 0; i < 5; i++) tf.dispose(dec.apply(p, z, c));
        expect(tf.memory().numTensors).toBe(before);
      }
      dec.dispose();
    }
    tf.dispose([p, z, c]);
  });

  it('reference init: CBN γ bias 1, γ/β weights 0, fc_1 weights 0; the initial CBN is plain BN', () => {
    const dec = new DecoderCBatchNorm({ cDim: 8, hidden: 16 });
    const sd = dec.stateDict();
    expect(sd.get('block2.bn_1.conv_gamma.weight')!.shape).toEqual([16, 8, 1]);
    expect(Array.from(sd.get('block2.bn_1.conv_gamma.bias')!.data).every((v) => v === 1)).toBe(true);
    expect(Array.from(sd.get('block2.bn_1.conv_beta.bias')!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(sd.get('bn.conv_gamma.weight')!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(sd.get('block4.fc_1.weight')!.data).every((v) => v === 0)).toBe(true);
    const fc0 = sd.get('block0.fc_0.weight')!.data;
    const bound = 1 / Math.sqrt(16);
    expect(Math.max(...Array.from(fc0, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(fc0, Math.abs))).toBeGreaterThan(bound / 2);
    dec.dispose();
    const legacy = new CBatchNorm1d(8, 4, { legacy: true });
    expect([...legacy.stateDict().keys()]).toEqual(['fc_gamma.weight', 'fc_gamma.bias', 'fc_beta.weight', 'fc_beta.bias', 'bn.running_mean', 'bn.running_var']);
    expect(legacy.stateDict().get('fc_gamma.weight')!.shape).toEqual([4, 8]);
    legacy.dispose();
  });

  it('full-size parameter counts match the reference', () => {
    const counts: [() => { parameterCount(): number; dispose(): void }, number][] = [
      [() => new DecoderCBatchNorm({ cDim: 512, hidden: 256 }), 3_548_417],
      [() => new DecoderCBatchNorm({ cDim: 256, hidden: 256 }), 2_106_625],
      [() => new DecoderCBatchNorm({ cDim: 512, hidden: 256, legacy: true }), 3_548_417],
      [() => new Decoder({ zDim: 128, cDim: 0, hidden: 128 }), 182_273],
    ];
    for (const [make, n] of counts) {
      const m = make();
      expect(m.parameterCount()).toBe(n);
      m.dispose();
    }
  });

  it('rejects mismatched shapes with a typed error', () => {
    const dec = new DecoderCBatchNorm({ cDim: 8, hidden: 8 });
    const p = tf.zeros([2, 5, 3]);
    const bad: [tf.Tensor, tf.Tensor | null, tf.Tensor | null, RegExp][] = [
      [tf.zeros([2, 5, 2]), null, tf.zeros([2, 8]), /points must be \[B, T, 3\]/],
      [p, null, tf.zeros([2, 7]), /c must be \[2, 8\]/],
      [p, null, tf.zeros([3, 8]), /c must be \[2, 8\]/],
      [p, null, null, /c \[2, 8\] is required/],
      [p, tf.zeros([2, 4]), tf.zeros([2, 8]), /zDim 0 but got z/],
    ];
    for (const [pp, z, c, re] of bad) {
      let err: unknown;
      try {
        dec.apply(pp, z, c);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NNError);
      expect((err as NNError).code).toBe('SHAPE_MISMATCH');
      expect((err as Error).message).toMatch(re);
    }
    expect(() => new DecoderCBatchNorm({ hidden: 0 })).toThrow(/hidden must be an integer/);
    expect(() => bceWithLogitsLoss(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(NNError);
    dec.dispose();
  });

  it('bceWithLogitsLoss sums over points and averages over the batch, stably for large logits', () => {
    const logits = tf.tensor2d([[0, 100], [-100, 2]]);
    const occ = tf.tensor2d([[1, 1], [1, 0]]);
    const l = bceWithLogitsLoss(logits, occ).dataSync()[0];
    const want = (Math.log(2) + 0 + 100 + (2 + Math.log1p(Math.exp(-2)))) / 2;
    expect(Math.abs(l - want)).toBeLessThan(1e-4);
    tf.dispose([logits, occ]);
  });
});
