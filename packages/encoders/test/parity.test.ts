import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { ResnetPointnet, SimplePointnet, LatentEncoder, VoxelEncoder, Resnet18Encoder } from '../src/index.js';
import { fixture, tensorOf, maxDiff } from './parityHelpers.js';

function expectClose(got: tf.Tensor, fx: ReturnType<typeof fixture>, key: string, tol: Tol) {
  const ref = fx.get(key)!;
  expect(got.shape).toEqual(ref.shape);
  const d = maxDiff(got.dataSync(), ref.data);
  expect(d.scale, `${key} is not trivial`).toBeGreaterThan(1e-3);
  const bound = tol.rel !== undefined ? tol.rel * d.scale : tol.abs!;
  expect(d.abs, `${key}: max |diff| ${d.abs} (scale ${d.scale})`).toBeLessThanOrEqual(bound);
}

type Tol = { abs?: number; rel?: number };
/** Encoders with one input and the output `output/c`. */
const SINGLE_INPUT: { name: string; fixture: string; make: () => ResnetPointnet | SimplePointnet | VoxelEncoder; input: string; tol: Tol; wasmOnly?: boolean }[] = [
  { name: 'resnetpointnet_c32_h16', fixture: 'resnetpointnet_c32_h16', make: () => new ResnetPointnet({ cDim: 32, hidden: 16 }), input: 'input/points', tol: { abs: 1e-4 } },
  { name: 'simplepointnet_c32_h16', fixture: 'simplepointnet_c32_h16', make: () => new SimplePointnet({ cDim: 32, hidden: 16 }), input: 'input/points', tol: { abs: 1e-4 } },
  { name: 'voxelencoder_c32 (relative 1e-4: large outputs)', fixture: 'voxelencoder_c32', make: () => new VoxelEncoder({ cDim: 32 }), input: 'input/voxels', tol: { rel: 1e-4 } },
  // big: wasm only (the pure-JS cpu backend is slow)
  { name: 'resnetpointnet_c512_h512', fixture: 'resnetpointnet_c512_h512', make: () => new ResnetPointnet({ cDim: 512, hidden: 512 }), input: 'input/points', tol: { abs: 1e-4 }, wasmOnly: true },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`encoder parity (${backend})`, () => {
    beforeAll(async () => {
      expect(await selectBackend(backend)).toBe(backend);
    });

    for (const t of SINGLE_INPUT.filter((t) => !t.wasmOnly || backend === 'wasm')) {
      it(t.name, () => {
        const fx = fixture(t.fixture);
        const enc = t.make();
        enc.loadStateDict(fx, { prefix: 'param/' });
        const x = tensorOf(fx, t.input);
        const c = enc.apply(x);
        expectClose(c, fx, 'output/c', t.tol);
        tf.dispose([x, c]);
        enc.dispose();
      });
    }

    it('encoder_latent_z8: mean and logstd', () => {
      const fx = fixture('encoder_latent_z8');
      const enc = new LatentEncoder({ zDim: 8, cDim: 0 });
      enc.loadStateDict(fx, { prefix: 'param/' });
      const p = tensorOf(fx, 'input/p');
      const occ = tensorOf(fx, 'input/occ');
      const { mean, logstd } = enc.apply(p, occ, null);
      expectClose(mean, fx, 'output/mean', { abs: 1e-4 });
      expectClose(logstd, fx, 'output/logstd', { abs: 1e-4 });
      tf.dispose([p, occ, mean, logstd]);
      enc.dispose();
    });

    // the big fixtures run on wasm only (the pure-JS cpu backend needs tens of seconds for ResNet-18)
    if (backend === 'wasm') {
      it('resnet18_c256: NCHW reference weights and image, eval-mode BN, ImageNet normalisation inside', () => {
        const fx = fixture('resnet18_c256');
        const enc = new Resnet18Encoder({ cDim: 256 }).eval();
        enc.loadStateDict(fx, { prefix: 'param/' });
        const nchw = tensorOf(fx, 'input/image');
        const nhwc = tf.transpose(nchw, [0, 2, 3, 1]);
        const c = enc.apply(nhwc);
        expectClose(c, fx, 'output/c', { abs: 1e-4 });
        tf.dispose([nchw, nhwc, c]);
        enc.dispose();
      });
    }
  });
}
