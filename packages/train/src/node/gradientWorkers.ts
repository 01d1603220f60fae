import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '@onet/nn';
import { workerChannel } from '@onet/nn/node';
import { type ModelConfig, PipelineError } from '@onet/model';
import type { Batch, GradientWorkers } from '../train.js';

/** A pool of gradient worker threads ({@link createGradientWorkers}). */
export interface GradientWorkerPool extends GradientWorkers {
  /** Rebuild every worker's network for a new config (e.g. the fine-tune stage's plane resolution). */
  configure(config: ModelConfig): Promise<void>;
  /** Terminate the workers. */
  close(): Promise<void>;
}

function workerUrl(): URL {
  // dist/node.js and dist/cli.js sit beside dist/gradientWorker.js; from the sources (tsx, vitest) use the dev shim.
  const built = new URL('./gradientWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  return new URL('./gradientWorkerDev.mjs', import.meta.url);
}


/**
 * Worker threads for data-parallel training in Node ({@link Trainer.trainStepParallel}): tfjs's wasm backend is
 * single-threaded in Node, so each worker runs its own backend and network copy and returns the gradient of its
 * shard of the batch. With 2 cores, 1 worker plus the main thread makes a step ≈ 1.8× faster.
 *
 * @param threads number of worker threads (≥ 1)
 * @throws PipelineError `BACKEND_UNAVAILABLE` when a worker cannot start or its backend fails; `INVALID_OPTION`
 *   for a bad thread count.
 */
export async function createGradientWorkers(config: ModelConfig, threads: number, backend: BackendName = 'wasm'): Promise<GradientWorkerPool> {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new PipelineError('INVALID_OPTION', `gradient workers: threads must be an integer in [1, 64], got ${threads}`);
  }
  const url = workerUrl();
  const fail = (message: string) => new PipelineError('BACKEND_UNAVAILABLE', `gradient worker: ${message}`);
  const channels = Array.from({ length: threads }, () => workerChannel(new Worker(url), fail));
  let nextId = 0;
  const pool: GradientWorkerPool = {
    size: threads,
    async configure(cfg) {
      await Promise.all(channels.map((c) => c.request({ type: 'init', id: nextId++, config: cfg, backend }, 'ready')));
    },
    async gradients(k, weights, shard: Batch) {
      const c = channels[k];
      if (!c) throw new PipelineError('INVALID_OPTION', `gradient worker ${k} does not exist (pool of ${channels.length})`);
      const m = await c.request({ type: 'grad', id: nextId++, weights, shard }, 'result');
      return { loss: m.loss as number, grads: m.grads as Float32Array };
    },
    async close() {
      await Promise.all(channels.map((c) => c.close()));
    },
  };
  try {
    await pool.configure(config);
  } catch (e) {
    await pool.close();
    throw e;
  }
  return pool;
}
