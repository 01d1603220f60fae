import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@onet/nn';
import { parityFixture, tensorOf, maxDiff, type NpyArray } from '@onet/test-utils/parity';
import { DecoderCBatchNorm, DecoderCBatchNorm2, Decoder, foldForInference, type OccupancyDecoder } from '../src/index.js';

export { tensorOf, maxDiff, type NpyArray };
/** A parity fixture by name (`fixtures/parity/<name>.npz`; full-size ones from ../shared or ONET_FIXTURES). */
export const fixture = parityFixture;

/** A decoder fixture of fixtures/parity and the module that reproduces it (`z`: conditioned on z, not c). */
export interface DecoderEvalCase {
  name: string;
  make: () => Module & OccupancyDecoder;
  z?: boolean;
}

/** Every small eval-mode decoder fixture (committed under fixtures/parity). */
export const DECODER_EVAL_CASES: DecoderEvalCase[] = [
  { name: 'decoder_cbn_c32_h16', make: () => new DecoderCBatchNorm({ cDim: 32, hidden: 16 }) },
  { name: 'decoder_cbn_c32_h16_legacy', make: () => new DecoderCBatchNorm({ cDim: 32, hidden: 16, legacy: true }) },
  { name: 'decoder_cbn2_c24_h16_n3', make: () => new DecoderCBatchNorm2({ cDim: 24, hidden: 16, nBlocks: 3 }) },
  { name: 'decoder_simple_z8_h16', make: () => new Decoder({ zDim: 8, cDim: 0, hidden: 16 }), z: true },
];

/** The full-size eval-mode fixture (14 MB, not committed): the large-fixture suite. */
export const LARGE_DECODER_EVAL_CASES: DecoderEvalCase[] = [
  { name: 'decoder_cbn_c512_h256', make: () => new DecoderCBatchNorm({ cDim: 512, hidden: 256 }) },
];

/** Build the case's decoder with the fixture's weights in eval mode, and its inputs as tensors (caller disposes). */
export function loadEvalCase(cs: DecoderEvalCase) {
  const fx = fixture(cs.name);
  const dec = cs.make();
  dec.loadStateDict(fx, { prefix: 'param/' });
  dec.eval();
  const p = tensorOf(fx, 'input/p');
  const z = cs.z ? tensorOf(fx, 'input/z') : null;
  const c = cs.z ? null : tensorOf(fx, 'input/c');
  return { fx, dec, p, z, c };
}

/** Eval-mode logits of a fixture within 1e-4, and the folded MLP of the first shape within 1e-4 on its points. */
export async function checkEvalCase(cs: DecoderEvalCase): Promise<void> {
  const { fx, dec, p, z, c } = loadEvalCase(cs);
  const logits = dec.apply(p, z, c);
  const want = fx.get('output/logits')!;
  expect(logits.shape).toEqual(want.shape);
  const d = maxDiff(await logits.data(), want.data);
  expect(d.scale).toBeGreaterThan(0.01); // the fixture is not trivial
  expect(d.abs).toBeLessThanOrEqual(1e-4);
  // fold the first shape of the batch and compare on its points
  const c0 = c ? tf.slice(c, [0, 0], [1, -1]) : null;
  const z0 = z ? tf.slice(z, [0, 0], [1, -1]) : null;
  const folded = await foldForInference(dec as DecoderCBatchNorm, c0, z0);
  const p0 = tf.slice(p, [0, 0, 0], [1, -1, -1]);
  const f = folded.apply(p0);
  const t = p.shape[1];
  expect(maxDiff(await f.data(), Array.from(want.data).slice(0, t)).abs).toBeLessThanOrEqual(1e-4);
  tf.dispose([logits, p, z, c, c0, z0, p0, f].filter(Boolean) as tf.Tensor[]);
  folded.dispose();
  dec.dispose();
}
