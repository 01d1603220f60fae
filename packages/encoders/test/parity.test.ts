import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend } from '@onet/test-utils/backends';
import { parityFixture as fixture, tensorOf } from '@onet/test-utils/parity';
import { ResnetPointnet, SimplePointnet, LatentEncoder } from '../src/index.js';
import { expectClose, type SingleInputCase } from './parityCases.js';

/** Small encoders with one input and the output `output/c` (the full-size ones: parity.large.test.ts). */
const SINGLE_INPUT: SingleInputCase[] = [
  { name: 'resnetpointnet_c32_h16', fixture: 'resnetpointnet_c32_h16', make: () => new ResnetPointnet({ cDim: 32, hidden: 16 }), input: 'input/points', tol: { abs: 1e-4 } },
  { name: 'simplepointnet_c32_h16', fixture: 'simplepointnet_c32_h16', make: () => new SimplePointnet({ cDim: 32, hidden: 16 }), input: 'input/points', tol: { abs: 1e-4 } },
];

describeEachBackend('encoder parity', (backend) => {
  for (const t of SINGLE_INPUT) {
    it(t.name, async () => {
      expect(tf.getBackend()).toBe(backend);
      const fx = fixture(t.fixture);
      const enc = t.make();
      enc.loadStateDict(fx, { prefix: 'param/' });
      const x = tensorOf(fx, t.input);
      const c = enc.apply(x);
      await expectClose(c, fx, 'output/c', t.tol);
      tf.dispose([x, c]);
      enc.dispose();
    });
  }

  it('encoder_latent_z8: mean and logstd', async () => {
    expect(tf.getBackend()).toBe(backend);
    const fx = fixture('encoder_latent_z8');
    const enc = new LatentEncoder({ zDim: 8, cDim: 0 });
    enc.loadStateDict(fx, { prefix: 'param/' });
    const p = tensorOf(fx, 'input/p');
    const occ = tensorOf(fx, 'input/occ');
    const { mean, logstd } = enc.apply(p, occ, null);
    await expectClose(mean, fx, 'output/mean', { abs: 1e-4 });
    await expectClose(logstd, fx, 'output/logstd', { abs: 1e-4 });
    tf.dispose([p, occ, mean, logstd]);
    enc.dispose();
  });
});
