import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { parseNpz } from '@onet/io';
import type { NamedArray } from '@onet/nn';

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
