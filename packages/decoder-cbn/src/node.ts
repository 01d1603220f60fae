/**
 * @onet/decoder-cbn/node — Node-only entry of @onet/decoder-cbn (files, worker threads, native bindings); the main entry is
 * browser-safe.
 * @module @onet/decoder-cbn/node
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NNError } from '@onet/nn';
import { workerChannel, type WorkerChannel } from '@onet/nn/node';
import type { FoldedDecoderArrays } from './FoldedDecoder.js';

/** Options of {@link createFoldedWorkerPool}. */
export interface FoldedWorkerPoolOptions {
  /** Worker threads, each with its own single-threaded wasm backend (default: all cores, at most 8). */
  threads?: number;
  /** Points per forward pass inside each worker. */
  chunkSize?: number;
}

/** Defaults of {@link FoldedWorkerPoolOptions}. */
export const FOLDED_WORKER_POOL_DEFAULTS: Required<FoldedWorkerPoolOptions> = {
  threads: Math.max(1, Math.min(8, availableParallelism())),
  chunkSize: 16384,
};

/** A pool of worker threads evaluating one folded decoder (see {@link createFoldedWorkerPool}). */
export interface FoldedWorkerPool {
  /** Number of worker threads. */
  readonly threads: number;
  /** Replace the decoder (e.g. the next shape's `foldForInference(...).arrays`) in every worker. */
  load(arrays: FoldedDecoderArrays): Promise<void>;
  /** `[N·dim]` points → `[N]` logits, split evenly over the workers. */
  evaluate(points: Float32Array): Promise<Float32Array>;
  /** Terminate the workers. */
  close(): Promise<void>;
}

function workerUrl(): URL {
  const built = new URL('./foldedWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  return new URL('./foldedWorkerDev.mjs', import.meta.url);
}

/**
 * Evaluate a {@link FoldedDecoder} on several cores in Node: tfjs's wasm backend is single-threaded, so each
 * worker thread runs its own wasm backend on a slice of the points. Pays when there are free cores and
 * enough points per call (≳ 10k); results equal the single-thread FoldedDecoder's exactly.
 *
 * ```ts
 * const folded = await foldForInference(decoder, c);
 * const pool = await createFoldedWorkerPool(folded.arrays, { threads: 2 });
 * const logits = await pool.evaluate(points); // Float32Array [N]
 * await pool.close();
 * ```
 * @throws {@link NNError} `BACKEND_UNAVAILABLE` when a worker cannot start its wasm backend.
 */
export async function createFoldedWorkerPool(arrays: FoldedDecoderArrays, options: FoldedWorkerPoolOptions = {}): Promise<FoldedWorkerPool> {
  const o = { ...FOLDED_WORKER_POOL_DEFAULTS, ...options };
  if (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > 64) {
    throw new NNError('SHAPE_MISMATCH', `createFoldedWorkerPool: threads must be an integer in [1, 64], got ${o.threads}`);
  }
  const dim = arrays.dim;
  const url = workerUrl();
  const fail = (message: string, code?: string) => new NNError(code === 'SHAPE_MISMATCH' ? 'SHAPE_MISMATCH' : 'BACKEND_UNAVAILABLE', `decoder worker: ${message}`);
  const started = await Promise.allSettled(
    Array.from({ length: o.threads }, () => new Promise<{ worker: Worker; channel: WorkerChannel }>((resolve, reject) => {
      const w = new Worker(url);
      const channel = workerChannel(w, fail); // from here on, exit/error fail requests instead of hanging them
      w.once('message', (m: { type: string; message?: string }) => (m.type === 'ready' ? resolve({ worker: w, channel }) : reject(fail(m.message ?? 'failed to start'))));
      w.once('error', (e) => reject(new NNError('BACKEND_UNAVAILABLE', `decoder worker failed to start: ${e.message}`)));
    })),
  );
  const channels = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value.channel] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(channels.map((c) => c.close()));
    throw failed.reason;
  }
  let nextId = 0;
  const pool: FoldedWorkerPool = {
    threads: o.threads,
    async load(a) {
      await Promise.all(channels.map((c) => c.request({ type: 'load', id: nextId++, arrays: a }, 'loaded')));
    },
    async evaluate(points) {
      if (points.length % dim !== 0) throw new NNError('SHAPE_MISMATCH', `FoldedWorkerPool: points length ${points.length} is not a multiple of ${dim}`);
      const n = points.length / dim;
      const per = Math.ceil(n / channels.length);
      const parts = await Promise.all(
        channels.map((c, k) => {
          const lo = Math.min(n, k * per);
          const hi = Math.min(n, (k + 1) * per);
          if (hi <= lo) return Promise.resolve(new Float32Array(0));
          const slice = points.slice(lo * dim, hi * dim);
          return c.request({ type: 'eval', id: nextId++, points: slice, chunkSize: o.chunkSize }, 'result', [slice.buffer]).then((m) => m.logits as Float32Array);
        }),
      );
      const out = new Float32Array(n);
      let off = 0;
      for (const p of parts) {
        out.set(p, off);
        off += p.length;
      }
      return out;
    },
    async close() {
      await Promise.all(channels.map((c) => c.close()));
    },
  };
  await pool.load(arrays);
  return pool;
}
