import { expect } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import { maxDiff, type NpyArray } from '@onet/test-utils/parity';
import type { ResnetPointnet, SimplePointnet, VoxelEncoder } from '../src/index.js';

/** Absolute bound, or relative to the reference's max |value| (for large outputs). */
export type Tol = { abs?: number; rel?: number };

/** An encoder with one input and the output `output/c`. */
export interface SingleInputCase {
  name: string;
  fixture: string;
  make: () => ResnetPointnet | SimplePointnet | VoxelEncoder;
  input: string;
  tol: Tol;
  wasmOnly?: boolean;
}

/** `got` has the reference's shape, the reference is not trivial (max |·| > 1e-3), and they agree within `tol`. */
export async function expectClose(got: tf.Tensor, fx: Map<string, NpyArray>, key: string, tol: Tol): Promise<void> {
  const ref = fx.get(key)!;
  expect(got.shape).toEqual(ref.shape);
  const d = maxDiff(await got.data(), ref.data);
  expect(d.scale, `${key} is not trivial`).toBeGreaterThan(1e-3);
  const bound = tol.rel !== undefined ? tol.rel * d.scale : tol.abs!;
  expect(d.abs, `${key}: max |diff| ${d.abs} (scale ${d.scale})`).toBeLessThanOrEqual(bound);
}
