import { DelayedError, Worker, type Job } from 'bullmq';
import type { NodeBackendName } from '@onet/nn/node';
import { connectQueue, QUEUE_PREFIX, type QueueConnection, type QueueConnectionOptions } from './connectQueue.js';
import { QueueError } from './errors.js';
import { DEFAULT_RUNNERS, type ShardRunner } from './runShard.js';
import { shardJobId, type ShardJobData, type StageRecord } from './stages.js';

/** Options of {@link startWorker}. */
export interface StartWorkerOptions extends QueueConnectionOptions {
  /** Shards run at once by this process (default 1: the work is CPU-bound, run one worker per core). */
  concurrency?: number;
  /**
   * Lease of a running shard in ms (default 60 000): renewed every half lease while the worker lives; when a worker
   * dies (SIGKILL, power loss) its shard goes back to the queue after at most about 1.5 leases. Keep it above the
   * longest stretch one mesh keeps the event loop busy, or a live worker's shard is handed out twice (harmless:
   * outputs are atomic and deterministic, but wasted work).
   */
  lockMs?: number;
  /** How often a shard waiting on another stage looks again, in ms (default 2000). */
  pollMs?: number;
  /** Times a shard may lose its worker (lease expired) before it is failed (default 2). */
  maxStalls?: number;
  /** Resolve `idle` and stop once the queue has nothing waiting, delayed or running (default false: serve forever). */
  exitWhenIdle?: boolean;
  /** tfjs backend for generate shards (default `auto`). */
  backend?: NodeBackendName;
  /** Progress lines (default: none). */
  onEvent?: (event: WorkerEvent) => void;
  /** Replace the runner of a kind (tests, custom stages); default {@link DEFAULT_RUNNERS}. */
  runners?: Partial<Record<StageRecord['kind'], ShardRunner>>;
}

/** Defaults of {@link StartWorkerOptions}. */
export const START_WORKER_DEFAULTS = { concurrency: 1, lockMs: 60_000, pollMs: 2000, maxStalls: 2, exitWhenIdle: false, backend: 'auto' as NodeBackendName };

/** What a worker reports. */
export type WorkerEvent =
  | { type: 'started'; jobId: string; stage: string; k: number; attempt: number }
  | { type: 'completed'; jobId: string; stage: string; k: number; ms: number; result: unknown }
  | { type: 'failed'; jobId: string; stage: string; k: number; attempt: number; attempts: number; final: boolean; error: string }
  | { type: 'stalled'; jobId: string }
  | { type: 'log'; jobId: string; line: string }
  | { type: 'error'; error: string };

/** A running worker. */
export interface QueueWorker {
  /** Resolves when the worker has stopped (after {@link QueueWorker.close}, or when idle with `exitWhenIdle`). */
  idle: Promise<void>;
  /** Stop taking shards, let the running ones finish, close the connections. */
  close(): Promise<void>;
}

const TERMINAL = new Set(['completed', 'failed']);

/** Whether every job of `stage` (its shards, and its final job unless `shardsOnly`) is completed or failed. */
async function settled(conn: QueueConnection, stage: StageRecord, shardsOnly: boolean): Promise<boolean> {
  const ks = [...Array.from({ length: stage.shards }, (_, k) => k), ...(shardsOnly ? [] : [-1])];
  for (const k of ks) {
    const state = await conn.queue.getJobState(shardJobId(stage.key, k, stage.shards));
    if (!TERMINAL.has(state)) return false;
  }
  return true;
}

/**
 * Start a worker that takes shards from the queue and runs them with the library calls of `onet dataset build`,
 * `generate` and `eval` (`--shard k/N`). A shard whose stage waits on another (`after`) is put back with a delay
 * until that stage has settled; a stage's final job waits on its own shards. A failing shard is retried with
 * exponential backoff and marked failed, with its error, after the stage's `attempts`; other shards go on.
 *
 * @example
 * ```ts
 * const w = await startWorker({ redis: 'redis://queue-host:6379', exitWhenIdle: true, onEvent: (e) => console.log(e) });
 * await w.idle;
 * ```
 * @throws {@link QueueError} `INVALID_OPTION`, `REDIS_UNREACHABLE`.
 */
export async function startWorker(options: StartWorkerOptions): Promise<QueueWorker> {
  const o = { ...START_WORKER_DEFAULTS, ...options };
  for (const [name, v, min] of [['concurrency', o.concurrency, 1], ['lockMs', o.lockMs, 500], ['pollMs', o.pollMs, 10], ['maxStalls', o.maxStalls, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new QueueError('INVALID_OPTION', `${name} must be an integer ≥ ${min}, got ${v}`);
  }
  const emit = o.onEvent ?? (() => undefined);
  const runners = { ...DEFAULT_RUNNERS, ...o.runners };
  const conn = await connectQueue(options, true);
  const stageCache = new Map<string, StageRecord>();
  const stageOf = async (key: string) => {
    let s = stageCache.get(key);
    if (!s) stageCache.set(key, (s = await conn.stage(key)));
    return s;
  };

  const processor = async (job: Job<ShardJobData>, token?: string): Promise<unknown> => {
    const { stage: key, k } = job.data;
    const stage = await stageOf(key);
    const waitOn = k < 0 ? stage : stage.after !== undefined ? await stageOf(stage.after) : undefined;
    if (waitOn && !(await settled(conn, waitOn, k < 0))) {
      await job.moveToDelayed(Date.now() + o.pollMs, token);
      throw new DelayedError();
    }
    emit({ type: 'started', jobId: job.id!, stage: key, k, attempt: job.attemptsMade + 1 });
    return runners[stage.kind]({ stage, k, backend: o.backend, log: (line) => emit({ type: 'log', jobId: job.id!, line }) });
  };

  const worker = new Worker<ShardJobData>(conn.name, processor, {
    connection: conn.redis,
    prefix: QUEUE_PREFIX,
    concurrency: o.concurrency,
    lockDuration: o.lockMs,
    stalledInterval: Math.max(250, Math.round(o.lockMs / 2)),
    maxStalledCount: o.maxStalls,
    drainDelay: 1,
    autorun: true,
  });
  worker.on('completed', (job: Job<ShardJobData>, result: unknown) =>
    emit({ type: 'completed', jobId: job.id!, stage: job.data.stage, k: job.data.k, ms: (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now()), result }),
  );
  worker.on('failed', (job: Job<ShardJobData> | undefined, err: Error) => {
    if (!job || err instanceof DelayedError) return;
    const attempts = job.opts.attempts ?? 1;
    emit({ type: 'failed', jobId: job.id!, stage: job.data.stage, k: job.data.k, attempt: job.attemptsMade, attempts, final: job.attemptsMade >= attempts || job.finishedOn !== undefined, error: err.message });
  });
  worker.on('stalled', (jobId: string) => emit({ type: 'stalled', jobId }));
  worker.on('error', (err: Error) => emit({ type: 'error', error: err.message }));

  let closing: Promise<void> | undefined;
  let resolveIdle!: () => void;
  const idle = new Promise<void>((r) => (resolveIdle = r));
  const close = () =>
    (closing ??= (async () => {
      clearInterval(timer);
      await worker.close();
      await conn.close();
      resolveIdle();
    })());
  let quiet = 0;
  const timer = setInterval(() => {
    if (!o.exitWhenIdle || closing) return;
    conn.queue
      .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')
      .then((c) => {
        quiet = Object.values(c).every((n) => n === 0) ? quiet + 1 : 0;
        if (quiet >= 2) void close();
      })
      .catch((e: Error) => emit({ type: 'error', error: e.message }));
  }, 250);
  return { idle, close };
}
