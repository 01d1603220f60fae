import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { parseNpz } from '@onet/io';
import { selectBackend, type NamedArray } from '@onet/nn';
import { LocalPoolPointnet } from '../src/index.js';
import { tensorOf, maxDiff } from '@onet/test-utils/parity';

/**
 * Numerical parity of LocalPoolPointnet (+ its UNet2d) with the reference CON LocalPoolPointnet
 * (scatter_type='mean', our documented pooling), fixture made by fixtures/make_con_parity.py.
 * The decoder half (reference planes → logits) is in packages/decoder-local/test/con-parity.test.ts.
 */
type NpyArray = NamedArray & { data: ArrayLike<number> };
function conFixture(): Map<string, NpyArray> {
  const url = new URL('./fixtures/con_parity.npz', import.meta.url);
  return parseNpz(new Uint8Array(readFileSync(fileURLToPath(url))), 'con_parity') as Map<string, NpyArray>;
}

const PLANES = ['xz', 'xy', 'yz'] as const;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`conv-onet encoder parity with the reference (${backend})`, () => {
    beforeAll(async () => {
      expect(await selectBackend(backend)).toBe(backend);
    });

    it('LocalPoolPointnet c8 h16 R16, U-Net depth 3 / 8 filters: plane features', () => {
      const fx = conFixture();
      const enc = new LocalPoolPointnet({ cDim: 8, hidden: 16, nBlocks: 5, planeResolution: 16, planes: [...PLANES], padding: 0.1, unet: { depth: 3, startFilters: 8 } });
      enc.loadStateDict(fx, { prefix: 'encoder.' }); // strict: every reference key used, none missing
      const p = tensorOf(fx, 'input/points') as tf.Tensor3D;
      const fea = enc.apply(p);
      for (const k of PLANES) {
        // ours [B, R, R, C] (row = v, column = u) → reference NCHW [B, C, v, u]
        const got = tf.transpose(fea[k]!, [0, 3, 1, 2]);
        const ref = fx.get(`output/plane_${k}`)!;
        expect(got.shape).toEqual(ref.shape);
        const d = maxDiff(got.dataSync(), ref.data);
        expect(d.scale, `plane ${k} is not trivial`).toBeGreaterThan(0.5);
        expect(d.abs, `plane ${k}: max |diff| ${d.abs} (scale ${d.scale})`).toBeLessThanOrEqual(1e-4 * d.scale);
        got.dispose();
      }
      tf.dispose([p, ...Object.values(fea)]);
      enc.dispose();
    });
  });
}
