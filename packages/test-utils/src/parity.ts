import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { parseNpz } from '@onet/io';
import type { NamedArray } from '@onet/nn';
import { fixturePath } from './data.js';

/** A fixture member: the parity fixtures are float32 only, so `data` is numeric (never BigInt64Array). */
export type NpyArray = NamedArray & { data: ArrayLike<number> };

/** A parity fixture by name (`parity/<name>.npz`, see `fixtures/README.md`): its arrays by key. */
export function parityFixture(name: string): Map<string, NpyArray> {
  return parseNpz(new Uint8Array(readFileSync(fixturePath(`parity/${name}.npz`))), name) as Map<string, NpyArray>;
}

/** The fixture array `key` as a float32 tensor (caller disposes). */
export function tensorOf(fx: Map<string, NpyArray>, key: string): tf.Tensor {
  const a = fx.get(key);
  if (!a) throw new Error(`fixture lacks ${key}`);
  return tf.tensor(Float32Array.from(a.data as ArrayLike<number>), a.shape, 'float32');
}

/** max |a − b| (Infinity when either holds a NaN) and max |b|. */
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
