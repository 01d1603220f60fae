import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { ResnetPointnet, SimplePointnet, LatentEncoder, VoxelEncoder, Resnet18Encoder } from '../src/index.js';
import { fixture, tensorOf, maxDiff } from './parityHelpers.js';

function expectClose(got: tf.Tensor, fx: ReturnType<typeof fixture>, key: string, tol: { abs?: number; rel?: number }) {
  const ref = fx.get(key)!;
  expect(got.shape).toEqual(ref.shape);
  const d = maxDiff(got.dataSync(), ref.data);
  expect(d.scale, `${key} is not trivial`).toBeGreaterThan(1e-3);
  const bound = tol.rel !== undefined ? tol.rel * d.scale : tol.abs!;
  expect(d.abs, `${key}: max |diff| ${d.abs} (scale ${d.scale})`).toBeLessThanOrEqual(bound);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`encoder parity (${backend})`, () => {
    beforeAll(async () => {
      expect(await selectBackend(backend)).toBe(backend);
    });

    it('resnetpointnet_c32_h16', () => {
      const fx = fixture('resnetpointnet_c32_h16');
      const enc = new ResnetPointnet({ cDim: 32, hidden: 16 });
      enc.loadStateDict(fx, { prefix: 'param/' });
      const x = tensorOf(fx, 'input/points');
      const c = enc.apply(x);
      expectClose(c, fx, 'output/c', { abs: 1e-4 });
      tf.dispose([x, c]);
      enc.dispose();
    });

    it('simplepointnet_c32_h16', () => {
      const fx = fixture('simplepointnet_c32_h16');
      const enc = new SimplePointnet({ cDim: 32, hidden: 16 });
      enc.loadStateDict(fx, { prefix: 'param/' });
      const x = tensorOf(fx, 'input/points');
      const c = enc.apply(x);
      expectClose(c, fx, 'output/c', { abs: 1e-4 });
      tf.dispose([x, c]);
      enc.dispose();
    });

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

    it('voxelencoder_c32 (relative 1e-4: large outputs)', () => {
      const fx = fixture('voxelencoder_c32');
      const enc = new VoxelEncoder({ cDim: 32 });
      enc.loadStateDict(fx, { prefix: 'param/' });
      const v = tensorOf(fx, 'input/voxels');
      const c = enc.apply(v);
      expectClose(c, fx, 'output/c', { rel: 1e-4 });
      tf.dispose([v, c]);
      enc.dispose();
    });

    // the two big fixtures run on wasm only (the pure-JS cpu backend needs tens of seconds for ResNet-18)
    if (backend === 'wasm') {
      it('resnetpointnet_c512_h512', () => {
        const fx = fixture('resnetpointnet_c512_h512');
        const enc = new ResnetPointnet({ cDim: 512, hidden: 512 });
        enc.loadStateDict(fx, { prefix: 'param/' });
        const x = tensorOf(fx, 'input/points');
        const c = enc.apply(x);
        expectClose(c, fx, 'output/c', { abs: 1e-4 });
        tf.dispose([x, c]);
        enc.dispose();
      });

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
