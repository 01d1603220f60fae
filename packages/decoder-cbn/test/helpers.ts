import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { parseNpz } from '@onet/io';
import type { Module, NamedArray } from '@onet/nn';
import { DecoderCBatchNorm, DecoderCBatchNorm2, Decoder, type OccupancyDecoder } from '../src/index.js';

/** A fixture member: the parity fixtures are float32 only, so `data` is numeric (never BigInt64Array). */
type NpyArray = NamedArray & { data: ArrayLike<number> };

export function fixture(name: string): Map<string, NpyArray> {
  const url = new URL(`../../../../shared/fixtures/parity/${name}.npz`, import.meta.url);
  return parseNpz(new Uint8Array(readFileSync(fileURLToPath(url))), name) as Map<string, NpyArray>;
}

export function tensorOf(fx: Map<string, NpyArray>, key: string): tf.Tensor {
  const a = fx.get(key);
  if (!a) throw new Error(`fixture lacks ${key}`);
  return tf.tensor(Float32Array.from(a.data as ArrayLike<number>), a.shape, 'float32');
}

/** max |a − b| and max |b| */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { abs: number; scale: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) abs = Infinity;
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { abs, scale };
}

/** A decoder fixture of shared/fixtures/parity and the module that reproduces it (`z`: conditioned on z, not c). */
export interface DecoderEvalCase {
  name: string;
  make: () => Module & OccupancyDecoder;
  z?: boolean;
}

/** Every eval-mode decoder fixture (the c512/h256 one is the only large one). */
export const DECODER_EVAL_CASES: DecoderEvalCase[] = [
  { name: 'decoder_cbn_c32_h16', make: () => new DecoderCBatchNorm({ cDim: 32, hidden: 16 }) },
  { name: 'decoder_cbn_c32_h16_legacy', make: () => new DecoderCBatchNorm({ cDim: 32, hidden: 16, legacy: true }) },
  { name: 'decoder_cbn_c512_h256', make: () => new DecoderCBatchNorm({ cDim: 512, hidden: 256 }) },
  { name: 'decoder_cbn2_c24_h16_n3', make: () => new DecoderCBatchNorm2({ cDim: 24, hidden: 16, nBlocks: 3 }) },
  { name: 'decoder_simple_z8_h16', make: () => new Decoder({ zDim: 8, cDim: 0, hidden: 16 }), z: true },
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
