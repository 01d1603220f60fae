import { createHash } from 'node:crypto';
import type { GenerateMeshOptions } from '@onet/model';
import { QueueError } from './errors.js';

/** The three kinds of work the queue runs: the CLI's `dataset build`, `generate` and `eval`, shard by shard. */
export type StageKind = 'dataset' | 'generate' | 'eval';

/** Parameters of a `dataset` stage: `buildDataset` of `@onet/sampling/node` (paths as every worker sees them). */
export interface DatasetParams {
  /** Folder of meshes (searched recursively). */
  input: string;
  /** Dataset root to write `<class>/<model>/{points,pointcloud}.npz` (+ `model.binvox`) into. */
  out: string;
  /** Class folder of meshes lying directly in `input` (default `meshes`). */
  category?: string;
  /** Base seed (per-model seeds are a hash of it and the model name, independent of sharding). */
  seed?: number;
  /** Write `train/val/test.lst` (0.7/0.1/0.2) once, after every shard (the stage's final job). */
  splits?: boolean;
  /** Uniform points with occupancy labels per model (reference 100 000). */
  numPoints?: number;
  /** Surface points per model (reference 100 000). */
  numSurfacePoints?: number;
  /** Voxel resolution of `model.binvox` (reference 32; 0 = none). */
  voxelResolution?: number;
}

/** Parameters of a `generate` stage: `generateSplit` of `@onet/model/node`. */
export interface GenerateParams {
  /** Dataset root (reference layout). */
  data: string;
  /** Split list name (default `test`). */
  split?: string;
  /** Where meshes go (`<outDir>/<class>/<model>.<format>`). */
  outDir: string;
  /** Model folder (default: each worker's shipped model, `modelDir()` of `@onet/models`). */
  model?: string;
  /** Mesh format: off (default), ply, obj, glb. */
  format?: string;
  /** Base seed of the input subsampling and noise (shape i uses seed + i). */
  seed?: number;
  /** Generation settings (MISE, τ, refinement…), as `onet generate` takes them. */
  generation?: GenerateMeshOptions;
  /** Test-time augmentation name (a `loadModel` option; default: as the model asks). */
  testTimeAugmentation?: string;
}

/** Parameters of an `eval` stage: `evaluateSplit` of `@onet/model/node`, merged into one CSV/JSON at the end. */
export interface EvalParams {
  /** Dataset root (reference layout). */
  data: string;
  /** Split list name (default `test`). */
  split?: string;
  /** Generated meshes (`<meshes>/<class>/<model>.<ext>`). */
  meshes: string;
  /** Merged CSV (per-shape rows and the mean); at least one of `csv`, `json`. */
  csv?: string;
  /** Merged JSON report. */
  json?: string;
  /** Folder of the per-shard results (default: `<csv or json>.shards`). */
  shardDir?: string;
  /** Surface points per mesh for Chamfer/NC/F-score (reference 100 000). */
  points?: number;
  /** Base seed (shape i uses seed + i, so shards agree with an unsharded run). */
  seed?: number;
}

/** A stage to submit: its kind and parameters. */
export type StageSpec =
  | { kind: 'dataset'; params: DatasetParams }
  | { kind: 'generate'; params: GenerateParams }
  | { kind: 'eval'; params: EvalParams };

/** A submitted stage as stored in Redis (what workers, `status` and `merge` read). */
export type StageRecord = StageSpec & {
  /** The stage's name: `--name`, else `<kind>-<hash of kind, params and shards>`. */
  key: string;
  /** Number of shards (shard k handles the sorted items i with i mod shards = k). */
  shards: number;
  /** Key of a stage that must settle (every job done or failed) before this one starts. */
  after?: string;
  /** Attempts per shard before it is marked failed. */
  attempts: number;
  /** When it was first submitted (ms since the epoch). */
  submittedAt: number;
};

/** Data of one BullMQ job: a shard of a stage, or the stage's final job (splits, merge). */
export interface ShardJobData {
  /** Stage key. */
  stage: string;
  /** Shard index k (0 ≤ k < n), or -1 for the final job. */
  k: number;
  /** Number of shards. */
  n: number;
}

/** Stable JSON: object keys sorted, `undefined` dropped (for hashing parameters). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The default stage key: `<kind>-` and 12 hex digits of a hash of the kind, parameters and shard count. */
export function stageKey(spec: StageSpec, shards: number): string {
  return `${spec.kind}-${createHash('sha256').update(canonicalJson({ kind: spec.kind, params: spec.params, shards })).digest('hex').slice(0, 12)}`;
}

/** BullMQ job id of shard `k` of `n` of a stage (`-final` for the final job). Deterministic: resubmits dedupe. */
export function shardJobId(stage: string, k: number, n: number): string {
  return k < 0 ? `${stage}-final` : `${stage}-${k}-of-${n}`;
}

/** Throws {@link QueueError} `INVALID_OPTION` unless `name` can be a stage key (letters, digits, `._-`, no `:`). */
export function checkStageName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,99}$/.test(name)) {
    throw new QueueError('INVALID_OPTION', `stage name "${name}" must start with a letter and hold only letters, digits, ".", "_" and "-" (at most 100)`);
  }
  return name;
}

/** The Redis hash that holds the stage records of a queue. */
export function stagesKey(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:onet-stages`;
}
