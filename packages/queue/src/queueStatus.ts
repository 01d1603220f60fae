import { connectQueue, type QueueConnectionOptions } from './connectQueue.js';
import { shardJobId, type StageRecord } from './stages.js';

/** Progress of one stage. */
export interface StageStatus {
  /** Stage key, kind, shard count and dependency. */
  key: string;
  kind: StageRecord['kind'];
  shards: number;
  after?: string;
  /** Shards completed. */
  done: number;
  /** Shards running now. */
  running: number;
  /** Shards waiting for a worker, for their retry delay, or for the stage they depend on. */
  waiting: number;
  /** Shards failed for good (after every attempt). */
  failed: number;
  /** Shards that needed more than one attempt or lost a worker (whatever their state now). */
  retried: number;
  /** State of the final job (splits, merge): `completed`, `failed`, `waiting`… */
  final: string;
  /** The errors of the failed shards (k = -1: the final job). */
  errors: { k: number; error: string }[];
  /** Every shard and the final job have completed or failed. */
  settled: boolean;
}

/**
 * Per-stage progress of a queue, in submission order: done / running / waiting / failed / retried shards.
 * @throws {@link QueueError} `INVALID_OPTION`, `REDIS_UNREACHABLE`.
 */
export async function queueStatus(options: QueueConnectionOptions): Promise<StageStatus[]> {
  const conn = await connectQueue(options);
  try {
    const out: StageStatus[] = [];
    for (const stage of (await conn.stages()).values()) {
      const s: StageStatus = { key: stage.key, kind: stage.kind, shards: stage.shards, after: stage.after, done: 0, running: 0, waiting: 0, failed: 0, retried: 0, final: 'missing', errors: [], settled: false };
      for (let k = -1; k < stage.shards; k++) {
        const job = await conn.queue.getJob(shardJobId(stage.key, k, stage.shards));
        const state = job ? await job.getState() : 'missing';
        // attemptsMade counts finished attempts (a completed or failed job has at least one).
        const finished = state === 'completed' || state === 'failed';
        if (job && k >= 0 && (job.attemptsMade > (finished ? 1 : 0) || job.stalledCounter > 0)) s.retried++;
        if (state === 'failed') s.errors.push({ k, error: job?.failedReason ?? 'unknown error' });
        if (k < 0) {
          s.final = state;
          continue;
        }
        if (state === 'completed') s.done++;
        else if (state === 'active') s.running++;
        else if (state === 'failed') s.failed++;
        else s.waiting++;
      }
      s.settled = s.done + s.failed === s.shards && (s.final === 'completed' || s.final === 'failed');
      out.push(s);
    }
    return out;
  } finally {
    await conn.close();
  }
}
