import { resolve } from 'node:path';
import { connectQueue, QUEUE_PREFIX, type QueueConnectionOptions } from './connectQueue.js';
import { QueueError } from './errors.js';
import { canonicalJson, checkStageName, shardJobId, stageKey, stagesKey, type ShardJobData, type StageRecord, type StageSpec } from './stages.js';

/** Options of {@link submitStage}. */
export interface SubmitStageOptions extends QueueConnectionOptions {
  /** Number of shards N (shard k gets the sorted items i with i mod N = k, as `--shard k/N`). */
  shards: number;
  /** Stage name (default: `<kind>-<hash of kind, params and shards>`, so the same submission gets the same name). */
  name?: string;
  /** Name of a stage that must settle first (e.g. generate after the dataset build, eval after generate). */
  after?: string;
  /** Attempts per shard before it is marked failed, with its error (default 3). */
  attempts?: number;
  /** First retry delay in ms, doubled each attempt (default 1000). */
  backoffMs?: number;
}

/** Defaults of {@link SubmitStageOptions}. */
export const SUBMIT_STAGE_DEFAULTS = { attempts: 3, backoffMs: 1000 } as const;

/** Result of {@link submitStage}. */
export interface SubmitStageResult {
  /** The stage's key (pass it to `after`, `status`, `merge`). */
  key: string;
  /** Jobs added now (shards + final job); 0 when the same stage was submitted before. */
  added: number;
  /** Jobs that were already in the queue (a resubmission is not twice the work). */
  existing: number;
}

function absolutePaths(spec: StageSpec): StageSpec {
  const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(p));
  switch (spec.kind) {
    case 'dataset':
      return { kind: 'dataset', params: { ...spec.params, input: resolve(spec.params.input), out: resolve(spec.params.out) } };
    case 'generate':
      return { kind: 'generate', params: { ...spec.params, data: resolve(spec.params.data), outDir: resolve(spec.params.outDir), model: abs(spec.params.model) } };
    case 'eval': {
      const p = spec.params;
      if (!p.csv && !p.json) throw new QueueError('INVALID_OPTION', 'an eval stage needs --csv and/or --json for the merged report');
      return { kind: 'eval', params: { ...p, data: resolve(p.data), meshes: resolve(p.meshes), csv: abs(p.csv), json: abs(p.json), shardDir: abs(p.shardDir) } };
    }
    default:
      throw new QueueError('INVALID_OPTION', `unknown stage kind "${(spec as { kind: string }).kind}"; use dataset, generate or eval`);
  }
}

/**
 * Enqueue the shards of a stage, plus its final job (dataset: the split lists; eval: the merged CSV/JSON). Job ids
 * are deterministic (`<stage>-<k>-of-<N>`, `<stage>-final`), so submitting the same stage twice adds nothing.
 * Relative paths are made absolute here: every worker must see the same paths (a shared folder).
 *
 * @example
 * ```ts
 * const build = await submitStage({ kind: 'dataset', params: { input: 'meshes', out: 'data', splits: true } }, { redis: 'redis://127.0.0.1:6379', shards: 8 });
 * await submitStage({ kind: 'generate', params: { data: 'data', outDir: 'gen' } }, { redis: 'redis://127.0.0.1:6379', shards: 8, after: build.key });
 * ```
 * @throws {@link QueueError} `INVALID_OPTION` (shards, name, missing report path), `REDIS_UNREACHABLE`,
 *   `UNKNOWN_STAGE` (`after` not submitted), `STAGE_CONFLICT` (the name is taken by other parameters).
 */
export async function submitStage(spec: StageSpec, options: SubmitStageOptions): Promise<SubmitStageResult> {
  const { shards, attempts, backoffMs } = { ...SUBMIT_STAGE_DEFAULTS, ...options };
  if (!Number.isInteger(shards) || shards < 1 || shards > 100_000) throw new QueueError('INVALID_OPTION', `--shards must be an integer in [1, 100000], got ${shards}`);
  if (!Number.isInteger(attempts) || attempts < 1) throw new QueueError('INVALID_OPTION', `--attempts must be an integer ≥ 1, got ${attempts}`);
  const full = absolutePaths(spec);
  const key = options.name !== undefined ? checkStageName(options.name) : stageKey(full, shards);
  const conn = await connectQueue(options);
  try {
    if (options.after !== undefined) {
      await conn.stage(options.after);
      if (options.after === key) throw new QueueError('INVALID_OPTION', `stage "${key}" cannot run after itself`);
    }
    const record: Omit<StageRecord, 'key'> = { ...full, shards, after: options.after, attempts, submittedAt: Date.now() } as Omit<StageRecord, 'key'>;
    const hash = stagesKey(QUEUE_PREFIX, conn.name);
    const created = await conn.redis.hsetnx(hash, key, JSON.stringify(record));
    if (!created) {
      const old = await conn.stage(key);
      const same = (r: Omit<StageRecord, 'key'>) => canonicalJson({ kind: r.kind, params: r.params, shards: r.shards, after: r.after });
      if (same(old) !== same(record)) {
        throw new QueueError('STAGE_CONFLICT', `stage "${key}" was submitted with other parameters; choose another --name`);
      }
    }
    let added = 0;
    let existing = 0;
    // Shards first, the final job (k = -1) last.
    const order = [...Array.from({ length: shards }, (_, k) => k), -1];
    for (const k of order) {
      const jobId = shardJobId(key, k, shards);
      if (await conn.queue.getJob(jobId)) {
        existing++;
        continue;
      }
      const data: ShardJobData = { stage: key, k, n: shards };
      await conn.queue.add(full.kind, data, {
        jobId,
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        removeOnComplete: false,
        removeOnFail: false,
      });
      added++;
    }
    return { key, added, existing };
  } finally {
    await conn.close();
  }
}
