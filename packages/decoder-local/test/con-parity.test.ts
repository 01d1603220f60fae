import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { parseNpz } from '@onet/io';
import { selectBackend } from '@onet/nn';
import { tensorOf, type NpyArray } from '@onet/test-utils/parity';
import { LocalDecoder } from '../src/index.js';

/**
 * Numerical parity of LocalDecoder with the reference CON LocalDecoder: the reference's own plane features
 * (NCHW) and query points (some on and outside the padded box) → logits. Fixture shared with the encoder test,
 * made by packages/encoders/test/fixtures/make_con_parity.py.
 */
function conFixture(): Map<string, NpyArray> {
  const url = new URL('../../encoders/test/fixtures/con_parity.npz', import.meta.url);
  return parseNpz(new Uint8Array(readFileSync(fileURLToPath(url))), 'con_parity') as Map<string, NpyArray>;
}

const PLANES = ['xz', 'xy', 'yz'] as const;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`conv-onet decoder parity with the reference (${backend})`, () => {
    beforeAll(async () => {
      expect(await selectBackend(backend)).toBe(backend);
    });

    it('LocalDecoder c8 h16: logits from the reference planes', () => {
      const fx = conFixture();
      const dec = new LocalDecoder({ cDim: 8, hidden: 16, nBlocks: 5, padding: 0.1 });
      dec.loadStateDict(fx, { prefix: 'decoder.' });
      const q = tensorOf(fx, 'input/queries') as tf.Tensor3D;
      // reference NCHW [B, C, v, u] → ours [B, R, R, C] (row = v, column = u)
      const planes = Object.fromEntries(PLANES.map((k) => [k, tf.transpose(tensorOf(fx, `output/plane_${k}`), [0, 2, 3, 1]) as tf.Tensor4D]));
      const logits = dec.apply(q, planes);
      const ref = fx.get('output/logits')!;
      expect(logits.shape).toEqual(ref.shape);
      let abs = 0;
      let scale = 0;
      const got = logits.dataSync();
      for (let i = 0; i < got.length; i++) {
        abs = Math.max(abs, Number.isNaN(got[i]) ? Infinity : Math.abs(got[i] - ref.data[i]));
        scale = Math.max(scale, Math.abs(ref.data[i]));
      }
      expect(scale, 'logits are not trivial').toBeGreaterThan(0.5);
      expect(abs, `logits: max |diff| ${abs} (scale ${scale})`).toBeLessThanOrEqual(1e-4 * scale);
      tf.dispose([q, logits, ...Object.values(planes)]);
      dec.dispose();
    });
  });
}
