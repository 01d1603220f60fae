import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { describeLarge } from '@onet/test-utils';
import { describeEachBackend } from '@onet/test-utils/backends';
import { parityFixture as fixture, tensorOf } from '@onet/test-utils/parity';
import { ResnetPointnet, VoxelEncoder, Resnet18Encoder } from '../src/index.js';
import { expectClose, type SingleInputCase } from './parityCases.js';

/** The full-size encoder fixtures (20–46 MB each, not committed). */
const SINGLE_INPUT: SingleInputCase[] = [
  { name: 'voxelencoder_c32 (relative 1e-4: large outputs)', fixture: 'voxelencoder_c32', make: () => new VoxelEncoder({ cDim: 32 }), input: 'input/voxels', tol: { rel: 1e-4 } },
  // big: wasm only (the pure-JS cpu backend is slow)
  { name: 'resnetpointnet_c512_h512', fixture: 'resnetpointnet_c512_h512', make: () => new ResnetPointnet({ cDim: 512, hidden: 512 }), input: 'input/points', tol: { abs: 1e-4 }, wasmOnly: true },
];

describeLarge('encoder parity, full-size fixtures', 'parity', () => {
  describeEachBackend('encoder parity', (backend) => {
    for (const t of SINGLE_INPUT.filter((t) => !t.wasmOnly || backend === 'wasm')) {
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

    // the big fixtures run on wasm only (the pure-JS cpu backend needs tens of seconds for ResNet-18)
    if (backend === 'wasm') {
      it('resnet18_c256: NCHW reference weights and image, eval-mode BN, ImageNet normalisation inside', async () => {
        const fx = fixture('resnet18_c256');
        const enc = new Resnet18Encoder({ cDim: 256 }).eval();
        enc.loadStateDict(fx, { prefix: 'param/' });
        const nchw = tensorOf(fx, 'input/image');
        const nhwc = tf.transpose(nchw, [0, 2, 3, 1]);
        const c = enc.apply(nhwc);
        await expectClose(c, fx, 'output/c', { abs: 1e-4 });
        tf.dispose([nchw, nhwc, c]);
        enc.dispose();
      });
    }
  }, ['cpu', 'wasm']);
});
