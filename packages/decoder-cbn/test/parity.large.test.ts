import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { describeLarge } from '@onet/test-utils';
import { describeEachBackend } from '@onet/test-utils/backends';
import { LARGE_DECODER_EVAL_CASES, checkEvalCase } from './helpers.js';

describeLarge('decoder parity, full-size fixture', 'parity', () => {
  // cpu and wasm as before (the 14 MB fixture on SwiftShader WebGPU would take minutes)
  describeEachBackend('decoder_cbn_c512_h256', (backend) => {
    for (const cs of LARGE_DECODER_EVAL_CASES) {
      it(`${cs.name}: eval-mode logits within 1e-4 of the reference, folded too`, async () => {
        expect(tf.getBackend()).toBe(backend);
        await checkEvalCase(cs);
      });
    }
  }, ['cpu', 'wasm']);
});
