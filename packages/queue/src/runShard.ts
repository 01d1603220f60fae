import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeBackendName } from '@onet/nn/node';
import { evalShardPath, mergeEvaluation, stringifyShardFile } from './mergeEvaluation.js';
import type { StageRecord } from './stages.js';
import { writeAtomic } from './writeAtomic.js';

/** What a runner gets: the stage, which shard (k = -1: the final job), and the worker's settings. */
export interface ShardContext {
  /** The stage record (kind, parameters, shard count). */
  stage: StageRecord;
  /** Shard index, 0 ≤ k < stage.shards, or -1 for the stage's final job. */
  k: number;
  /** tfjs backend for generate shards. */
  backend: NodeBackendName;
  /** One line of progress or of a skipped item. */
  log: (line: string) => void;
}

/** Runs one shard (or final job) and returns a small JSON-able summary, stored as the job's result. Throw to retry. */
export type ShardRunner = (ctx: ShardContext) => Promise<unknown>;

let backendReady: Promise<unknown> | undefined;
let cachedModel: { key: string; loaded: Promise<{ model: { dispose(): void } & Record<string, unknown> }> } | undefined;

async function runDataset(ctx: ShardContext): Promise<unknown> {
  const { stage, k } = ctx;
  if (stage.kind !== 'dataset') throw new Error('not a dataset stage');
  const { buildDataset, writeSplits } = await import('@onet/sampling/node');
  const p = stage.params;
  if (k < 0) return p.splits ? { splits: await writeSplits(p.out) } : {};
  const r = await buildDataset({
    input: p.input,
    output: p.out,
    category: p.category,
    shard: k,
    numShards: stage.shards,
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
    ...(p.numPoints !== undefined ? { numPoints: p.numPoints } : {}),
    ...(p.numSurfacePoints !== undefined ? { numSurfacePoints: p.numSurfacePoints } : {}),
    ...(p.voxelResolution !== undefined ? { voxelResolution: p.voxelResolution } : {}),
    onLog: ctx.log,
  });
  // A shard run twice at once (a lease that ran out under load) loses the rename race for a model folder that the
  // other run wrote: that model is done, not failed.
  const failed = r.failed.filter((f) => !existsSync(join(p.out, f.model, 'points.npz')));
  return { written: r.written.length, existing: r.existing.length + r.failed.length - failed.length, failed };
}

async function runGenerate(ctx: ShardContext): Promise<unknown> {
  const { stage, k } = ctx;
  if (stage.kind !== 'generate') throw new Error('not a generate stage');
  if (k < 0) return {};
  const p = stage.params;
  const { selectNodeBackend } = await import('@onet/nn/node');
  const { loadModel, generateSplit } = await import('@onet/model/node');
  backendReady ??= selectNodeBackend(ctx.backend).then((b) => ctx.log(b.message));
  await backendReady;
  const dir = p.model ?? (await import('@onet/models')).modelDir();
  const key = JSON.stringify([dir, p.testTimeAugmentation ?? null]);
  if (cachedModel?.key !== key) {
    if (cachedModel) (await cachedModel.loaded.catch(() => undefined))?.model.dispose();
    cachedModel = { key, loaded: loadModel(dir, { testTimeAugmentation: p.testTimeAugmentation as never }) as never };
  }
  let loaded;
  try {
    loaded = await cachedModel.loaded;
  } catch (e) {
    cachedModel = undefined;
    throw e;
  }
  const summary = await generateSplit(loaded.model as never, {
    root: p.data,
    split: p.split,
    outDir: p.outDir,
    shard: `${k}/${stage.shards}`,
    format: p.format,
    seed: p.seed,
    generation: p.generation,
  });
  return summary;
}

async function runEval(ctx: ShardContext): Promise<unknown> {
  const { stage, k } = ctx;
  if (stage.kind !== 'eval') throw new Error('not an eval stage');
  const p = stage.params;
  if (k < 0) {
    const m = await mergeEvaluation(stage);
    return { rows: m.report.rows.length, failed: m.report.failed.length, missingShards: m.missingShards, written: m.written };
  }
  const { evaluateSplit } = await import('@onet/model/node');
  const report = await evaluateSplit({ root: p.data, split: p.split, meshDir: p.meshes, shard: `${k}/${stage.shards}`, points: p.points, seed: p.seed });
  const file = evalShardPath(p, k, stage.shards);
  await writeAtomic(file, stringifyShardFile({ stage: stage.key, k, n: stage.shards, rows: report.rows, failed: report.failed }));
  return { rows: report.rows.length, failed: report.failed.length, file };
}

/** The runners the worker uses by default: the same library calls as `onet dataset build|generate|eval --shard k/N`. */
export const DEFAULT_RUNNERS: Readonly<Record<StageRecord['kind'], ShardRunner>> = Object.freeze({
  dataset: runDataset,
  generate: runGenerate,
  eval: runEval,
});
