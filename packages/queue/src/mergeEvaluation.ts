import { readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EvaluationReport, EvaluationRow } from '@onet/model/node';
import { QueueError } from './errors.js';
import type { EvalParams, StageRecord } from './stages.js';

/** The per-shard result file of an eval stage, as a shard writes it. */
export interface EvalShardFile {
  /** Stage key. */
  stage: string;
  /** Shard k of n. */
  k: number;
  n: number;
  /** Scored shapes of the shard, in split order. */
  rows: EvaluationRow[];
  /** Shapes of the shard that could not be scored. */
  failed: { id: string; error: string }[];
}

/** Folder of the per-shard results of an eval stage: `shardDir`, else `<csv or json>.shards`. */
export function evalShardDir(params: EvalParams): string {
  return params.shardDir ?? `${params.csv ?? params.json}.shards`;
}

/** Path of shard k of n's result file. */
export function evalShardPath(params: EvalParams, k: number, n: number): string {
  return join(evalShardDir(params), `shard-${k}-of-${n}.json`);
}

/** JSON text of a shard file; NaN and ±Infinity survive (as strings), so merged values equal a single run's. */
export function stringifyShardFile(shard: EvalShardFile): string {
  return `${JSON.stringify(shard, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1)}\n`;
}

/** Inverse of {@link stringifyShardFile}. */
export function parseShardFile(text: string): EvalShardFile {
  const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
  return JSON.parse(text, (k, v) => (k !== 'id' && k !== 'error' && k !== 'stage' && typeof v === 'string' && v in special ? special[v] : v)) as EvalShardFile;
}

/** Result of {@link mergeEvaluation}. */
export interface MergeEvaluationResult {
  /** The merged report (rows in split order, one per shape at most). */
  report: EvaluationReport;
  /** Shards without a result file (their shapes are listed in `report.failed`). */
  missingShards: number[];
  /** Files written. */
  written: string[];
}

/**
 * Merge the per-shard results of an eval stage into one report, as a single `onet eval` over the split would
 * write it: rows in split order, the mean over them, `failed` for shapes that could not be scored (and for every
 * shape of a shard that left no result). Exactly the N expected files are read, and rows are keyed by shape id,
 * so a retried shard never counts twice. The CSV/JSON are written through a temporary file and a rename.
 * @throws {@link QueueError} `INVALID_OPTION` (not an eval stage), `MERGE_FAILED` (a shard file of another stage,
 *   or unreadable); `PipelineError` `BAD_DATASET` (split list gone), `UNWRITABLE_OUTPUT`.
 */
export async function mergeEvaluation(stage: StageRecord, to: { csv?: string; json?: string } = {}): Promise<MergeEvaluationResult> {
  if (stage.kind !== 'eval') throw new QueueError('INVALID_OPTION', `stage "${stage.key}" is a ${stage.kind} stage; only eval stages merge`);
  const { meanMetrics } = await import('@onet/model');
  const { listSplit, writeEvaluationReports } = await import('@onet/model/node');
  const p = stage.params;
  const shapes = await listSplit(p.data, p.split ?? 'test');
  const index = new Map(shapes.map((s, i) => [s.id, i]));
  const rows = new Map<string, EvaluationRow>();
  const failed = new Map<string, string>();
  const missingShards: number[] = [];
  for (let k = 0; k < stage.shards; k++) {
    const file = evalShardPath(p, k, stage.shards);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new QueueError('MERGE_FAILED', `${file}: cannot read (${(e as Error).message})`, { cause: e });
      missingShards.push(k);
      continue;
    }
    let shard: EvalShardFile;
    try {
      shard = parseShardFile(text);
    } catch (e) {
      throw new QueueError('MERGE_FAILED', `${file}: not JSON (${(e as Error).message}); delete it and rerun the shard`, { cause: e });
    }
    if (shard.stage !== stage.key || shard.k !== k || shard.n !== stage.shards) {
      throw new QueueError('MERGE_FAILED', `${file}: holds shard ${shard.k}/${shard.n} of "${shard.stage}", expected ${k}/${stage.shards} of "${stage.key}"`);
    }
    for (const r of shard.rows) rows.set(r.id, r);
    for (const f of shard.failed) if (!rows.has(f.id)) failed.set(f.id, f.error);
  }
  for (const k of missingShards) {
    shapes.forEach((s, i) => {
      if (i % stage.shards === k && !rows.has(s.id)) failed.set(s.id, `shard ${k}/${stage.shards} left no result (failed or not run)`);
    });
  }
  const order = (id: string) => index.get(id) ?? Number.MAX_SAFE_INTEGER;
  const sortedRows = [...rows.values()].sort((a, b) => order(a.id) - order(b.id));
  const report: EvaluationReport = {
    rows: sortedRows,
    mean: sortedRows.length ? meanMetrics(sortedRows) : undefined,
    failed: [...failed.entries()].map(([id, error]) => ({ id, error })).sort((a, b) => order(a.id) - order(b.id)),
  };
  const targets = { csv: to.csv ?? p.csv, json: to.json ?? p.json };
  const written: string[] = [];
  for (const [kind, path] of Object.entries(targets) as ['csv' | 'json', string | undefined][]) {
    if (!path) continue;
    // writeEvaluationReports writes in place: write a temporary name with it, then rename over the target.
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeEvaluationReports(report, { [kind]: tmp });
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
    written.push(path);
  }
  return { report, missingShards, written };
}
