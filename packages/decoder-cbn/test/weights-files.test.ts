import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, encodeWeights } from '@onet/nn';
import { saveModelFiles, loadModelFiles } from '@onet/nn/node';
import { DecoderCBatchNorm } from '../src/index.js';
import { fixture, tensorOf, maxDiff } from './helpers.js';

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('tfjs weight files (model.json + weights.bin) from a path in Node', () => {
  it('a reference-loaded decoder survives save → load with identical logits (float32) and close ones (float16)', async () => {
    const fx = fixture('decoder_cbn_c32_h16');
    const dec = new DecoderCBatchNorm({ cDim: 32, hidden: 16 });
    dec.loadStateDict(fx, { prefix: 'param/' });
    dec.eval();
    const p = tensorOf(fx, 'input/p');
    const c = tensorOf(fx, 'input/c');
    const want = dec.apply(p, null, c);
    for (const dtype of ['float32', 'float16'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'onet-dec-'));
      const { modelJson, weights } = encodeWeights(dec, { decoder: 'cbatchnorm', cDim: 32, hidden: 16 }, { dtype });
      await saveModelFiles(dir, modelJson, weights);
      const loaded = await loadModelFiles(dir);
      expect(loaded.modelJson.modelConfig).toEqual({ decoder: 'cbatchnorm', cDim: 32, hidden: 16 });
      const again = new DecoderCBatchNorm({ cDim: 32, hidden: 16 });
      again.loadStateDict(loaded.weights);
      again.eval();
      const got = again.apply(p, null, c);
      const d = maxDiff(got.dataSync(), want.dataSync());
      if (dtype === 'float32') expect(d.abs).toBe(0);
      else expect(d.abs).toBeLessThan(0.02 * Math.max(1, d.scale));
      got.dispose();
      again.dispose();
    }
    tf.dispose([p, c, want]);
    dec.dispose();
  });
});
