import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OnetIOError, parseNpz, type NpyArray } from '@onet/io';
import { writeFileAtomic } from '@onet/io/node';
import { subsamplePointCloud } from '@onet/sampling';
import { PipelineError } from '../errors.js';
import { evaluateMeshes, evaluateAgainstSamples, meanMetrics, type ReconstructionMetrics, type GroundTruthSamples } from '../evaluate.js';
import type { GenerateMeshOptions } from '../generate.js';
import { reconstruct, type ConditionableModel, type ReconstructOptions } from '../reconstruct.js';
import { readBytes, readMeshFile } from './readInput.js';
import { writeMeshFile } from './writeMeshFile.js';

/** One shape of a dataset split in the reference layout `<root>/<class>/<model>/`. */
export interface DatasetShape {
  /** `<class>/<model>` (or `<model>` when the root holds the split list itself). */
  id: string;
  /** Class folder name ('' when the root holds the split list). */
  cls: string;
  /** Model folder name. */
  model: string;
  /** Folder holding `points.npz` and `pointcloud.npz`. */
  dir: string;
}

/** Shard `k` of `n` (0 ≤ k < n), as `--shard k/N` — the dataset builder's convention. */
export interface Shard {
  k: number;
  n: number;
}

/**
 * Parse `"k/N"` (0 ≤ k < N), as `onet dataset build` does: shape i of the sorted split belongs to shard
 * i mod N, so shards are disjoint, cover the split, and give the same per-shape results as an unsharded run.
 * @throws {@link PipelineError} `INVALID_OPTION`.
 */
export function parseShard(spec: string | undefined): Shard | undefined {
  if (spec === undefined) return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1) || !(k >= 0 && k < n)) throw new PipelineError('INVALID_OPTION', `--shard must look like k/N with 0 ≤ k < N, got "${spec}"`);
  return { k, n };
}

/** The items of shard `shard` (all when undefined); keeps each item's index in the full list. */
export function takeShard<T>(items: T[], shard: Shard | undefined): { item: T; index: number }[] {
  return items.map((item, index) => ({ item, index })).filter(({ index }) => !shard || index % shard.n === shard.k);
}

/**
 * List the shapes of a split: `<root>/<class>/<split>.lst` for every class folder (sorted), or
 * `<root>/<split>.lst` when the root itself is one class. Lines are model folder names; blank lines skipped.
 * @throws {@link PipelineError} `BAD_DATASET` when no split list exists.
 */
export async function listSplit(root: string, split: string): Promise<DatasetShape[]> {
  if (!existsSync(root)) throw new PipelineError('BAD_DATASET', `${root}: dataset folder not found`);
  const lists: { cls: string; dir: string; file: string }[] = [];
  if (existsSync(join(root, `${split}.lst`))) lists.push({ cls: '', dir: root, file: join(root, `${split}.lst`) });
  else {
    for (const e of (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
      const f = join(root, e, `${split}.lst`);
      if (existsSync(f)) lists.push({ cls: e, dir: join(root, e), file: f });
    }
  }
  if (lists.length === 0) {
    throw new PipelineError('BAD_DATASET', `${root}: no "${split}.lst" in the root or its class folders; build one with \`onet dataset build\``);
  }
  const shapes: DatasetShape[] = [];
  for (const l of lists) {
    const names = (await readFile(l.file, 'utf8')).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    for (const model of names) shapes.push({ id: l.cls ? `${l.cls}/${model}` : model, cls: l.cls, model, dir: join(l.dir, model) });
  }
  return shapes;
}

function getArray(npz: Map<string, NpyArray>, key: string, file: string): NpyArray {
  const a = npz.get(key);
  if (!a) throw new PipelineError('BAD_DATASET', `${file}: no "${key}" array (has ${[...npz.keys()].join(', ')})`);
  return a;
}

function asFloat32(a: NpyArray, file: string, key: string): Float32Array {
  if (a.shape.length !== 2 || a.shape[1] !== 3) throw new PipelineError('BAD_DATASET', `${file}: "${key}" has shape [${a.shape}], expected [N, 3]`);
  return a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as ArrayLike<number>);
}

async function readNpz(file: string): Promise<Map<string, NpyArray>> {
  const bytes = await readBytes(file, 'dataset file');
  try {
    return parseNpz(bytes, file);
  } catch (e) {
    if (e instanceof OnetIOError) throw new PipelineError('BAD_DATASET', e.message, { cause: e });
    throw e;
  }
}

/**
 * The ground truth of one dataset shape: `points.npz` (`points` [N, 3] float16/32 uniform in the padded box,
 * `occupancies` bit-packed, numpy `packbits` order) and `pointcloud.npz` (`points`, `normals` [N, 3]).
 * @throws {@link PipelineError} `BAD_DATASET` / `UNREADABLE_INPUT`.
 */
export async function readGroundTruth(dir: string): Promise<GroundTruthSamples> {
  const pFile = join(dir, 'points.npz');
  const cFile = join(dir, 'pointcloud.npz');
  const p = await readNpz(pFile);
  const c = await readNpz(cFile);
  const occPoints = asFloat32(getArray(p, 'points', pFile), pFile, 'points');
  const n = occPoints.length / 3;
  const occ = getArray(p, 'occupancies', pFile);
  const occupancies = new Uint8Array(n);
  if (occ.data.length === n && occ.shape.length === 1 && occ.shape[0] === n && occ.dtype !== '|u1') {
    for (let i = 0; i < n; i++) occupancies[i] = (occ.data as ArrayLike<number>)[i] >= 0.5 ? 1 : 0;
  } else if (occ.data.length === Math.ceil(n / 8)) {
    const b = occ.data as ArrayLike<number>;
    for (let i = 0; i < n; i++) occupancies[i] = (b[i >> 3] >> (7 - (i & 7))) & 1;
  } else if (occ.data.length === n) {
    for (let i = 0; i < n; i++) occupancies[i] = (occ.data as ArrayLike<number>)[i] >= 0.5 ? 1 : 0;
  } else {
    throw new PipelineError('BAD_DATASET', `${pFile}: "occupancies" has ${occ.data.length} entries for ${n} points`);
  }
  const surfacePoints = asFloat32(getArray(c, 'points', cFile), cFile, 'points');
  const surfaceNormals = asFloat32(getArray(c, 'normals', cFile), cFile, 'normals');
  return { occupancyPoints: occPoints, occupancies, surfacePoints, surfaceNormals };
}

/** Options of {@link generateSplit}. */
export interface GenerateSplitOptions {
  /** Dataset root (reference layout). */
  root: string;
  /** Split name (`<split>.lst`). */
  split?: string;
  /** Output folder: meshes go to `<outDir>/<class>/<model>.<format>`. */
  outDir: string;
  /** `"k/N"` (0 ≤ k < N): only the shapes i with i mod N = k. */
  shard?: string | undefined;
  /** Mesh format: `off` (the reference's), `ply`, `obj`, `glb`. */
  format?: string;
  /** Base seed: shape i of the full split uses seed + i for its input subsampling and noise. */
  seed?: number;
  /** Encoder input size (default: the model's `inputPoints`). */
  inputPoints?: number;
  /** Input noise σ (default: the model's `noiseStd`). */
  noiseStd?: number;
  /**
   * Generation settings (MISE 32 + 2 by default, at the model's τ, else 0.2; test-time optimisation as the model's
   * setting unless `testTimeOptimization` is given).
   */
  generation?: GenerateMeshOptions & Pick<ReconstructOptions, 'testTimeOptimization'>;
  /** Called after each shape. */
  onShape?: (i: number, n: number, id: string, ms: number) => void;
}

/**
 * The reference's `generate.py` over a split: for each shape, `inputPoints` points from `pointcloud.npz` with
 * N(0, noiseStd²) noise, then MISE + marching cubes in the dataset's unit frame. Writes each mesh atomically
 * (temporary name, then rename); a shape that fails is logged and skipped.
 * @throws {@link PipelineError} `BAD_DATASET` (no dataset or split list), `INVALID_OPTION` (bad `shard`).
 */
export async function generateSplit(
  model: ConditionableModel & { config: { noiseStd?: number } },
  options: GenerateSplitOptions,
): Promise<{ written: number; failed: { id: string; error: string }[]; meanMs: number }> {
  const shapes = takeShard(await listSplit(options.root, options.split ?? 'test'), parseShard(options.shard));
  const format = options.format ?? 'off';
  const nIn = options.inputPoints ?? model.config.inputPoints ?? 300;
  const sigma = options.noiseStd ?? model.config.noiseStd ?? 0.005;
  const failed: { id: string; error: string }[] = [];
  let written = 0;
  let total = 0;
  for (let j = 0; j < shapes.length; j++) {
    const { item: s, index } = shapes[j];
    const t0 = performance.now();
    try {
      const file = join(s.dir, 'pointcloud.npz');
      const cloud = asFloat32(getArray(await readNpz(file), 'points', file), file, 'points');
      const input = subsamplePointCloud(cloud, nIn, { noiseStd: sigma, seed: (options.seed ?? 0) + index });
      const r = await reconstruct(model, input, { ...options.generation, normalize: false, inputPoints: 0 });
      const out = join(options.outDir, s.cls, `${s.model}.${format}`);
      await writeMeshFile(out, r.mesh);
      written++;
    } catch (e) {
      failed.push({ id: s.id, error: (e as Error).message });
    }
    const ms = performance.now() - t0;
    total += ms;
    options.onShape?.(j, shapes.length, s.id, ms);
  }
  return { written, failed, meanMs: shapes.length ? total / shapes.length : 0 };
}

/** Per-shape row of an evaluation report. */
export type EvaluationRow = { id: string } & ReconstructionMetrics;

/** Result of {@link evaluateSplit}. */
export interface EvaluationReport {
  /** One row per scored shape, in split order. */
  rows: EvaluationRow[];
  /** Mean over rows (undefined when none succeeded). */
  mean: ReconstructionMetrics | undefined;
  /** Shapes that could not be scored (missing/unreadable mesh, bad ground truth), with the error message. */
  failed: { id: string; error: string }[];
}

/** Options of {@link evaluateSplit}. */
export interface EvaluateSplitOptions {
  /** Dataset root in the reference layout (`<root>/<class>/<model>/{points,pointcloud}.npz`). */
  root: string;
  /** Split list name, `<split>.lst` (default `'test'`). */
  split?: string;
  /** Generated meshes: `<meshDir>/<class>/<model>.<ext>` with ext off, ply, obj or stl. */
  meshDir: string;
  /** `'k/N'`: only shapes i of the sorted split with i mod N = k (default: all). */
  shard?: string | undefined;
  /** Surface points sampled on each predicted mesh (reference 100 000). */
  points?: number;
  /** Base seed of the sampling; shape i of the full split uses seed + i, so shards agree with unsharded runs (default 0). */
  seed?: number;
  /** Called after each shape: its position in this shard, the shard size and the shape id. */
  onShape?: (i: number, n: number, id: string) => void;
}

/**
 * The reference's `eval_meshes.py` over a split: each generated mesh against the shape's `points.npz`
 * (IoU on the stored uniform points and labels) and `pointcloud.npz` (Chamfer-L1, normal consistency,
 * F-score@0.01), per shape and the mean. A missing or unreadable mesh is listed in `failed`
 * (the reference scores it as empty).
 * @throws {@link PipelineError} `BAD_DATASET` (no dataset or split list), `INVALID_OPTION` (bad `shard`);
 *   per-shape errors go to `failed` instead.
 */
export async function evaluateSplit(options: EvaluateSplitOptions): Promise<EvaluationReport> {
  const shapes = takeShard(await listSplit(options.root, options.split ?? 'test'), parseShard(options.shard));
  const rows: EvaluationRow[] = [];
  const failed: { id: string; error: string }[] = [];
  for (let j = 0; j < shapes.length; j++) {
    const { item: s, index } = shapes[j];
    try {
      const base = join(options.meshDir, s.cls, s.model);
      const ext = ['off', 'ply', 'obj', 'stl'].find((e) => existsSync(`${base}.${e}`));
      if (!ext) throw new PipelineError('UNREADABLE_INPUT', `${base}.{off,ply,obj,stl}: no generated mesh`);
      const pred = await readMeshFile(`${base}.${ext}`);
      const gt = await readGroundTruth(s.dir);
      rows.push({ id: s.id, ...evaluateAgainstSamples(pred, gt, { points: options.points, seed: (options.seed ?? 0) + index }) });
    } catch (e) {
      failed.push({ id: s.id, error: (e as Error).message });
    }
    options.onShape?.(j, shapes.length, s.id);
  }
  return { rows, mean: rows.length ? meanMetrics(rows) : undefined, failed };
}

/**
 * Score one predicted mesh file against one ground-truth mesh file, in the ground truth's unit frame.
 * @throws {@link PipelineError} `UNREADABLE_INPUT`, `EMPTY_INPUT`.
 */
export async function evaluatePair(predPath: string, gtPath: string, options: { points?: number; seed?: number } = {}): Promise<ReconstructionMetrics> {
  const [pred, gt] = await Promise.all([readMeshFile(predPath), readMeshFile(gtPath)]);
  return evaluateMeshes(pred, gt, { frame: 'gt-unit', points: options.points, seed: options.seed });
}

const COLUMNS: (keyof ReconstructionMetrics)[] = ['iou', 'chamferL1', 'normalConsistency', 'fscore', 'accuracy', 'completeness'];

/** CSV text: header `id,iou,chamferL1,…`, one row per shape, then a `mean` row. */
export function evaluationCsv(report: EvaluationReport): string {
  const lines = [['id', ...COLUMNS].join(',')];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (const r of report.rows) lines.push([q(r.id), ...COLUMNS.map((c) => String(r[c]))].join(','));
  if (report.mean) lines.push(['mean', ...COLUMNS.map((c) => String(report.mean![c]))].join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Write the report as CSV and/or JSON (folders created; each file written atomically: temporary file, then rename).
 * @throws {@link PipelineError} `UNWRITABLE_OUTPUT` when a file cannot be written.
 */
export async function writeEvaluationReports(report: EvaluationReport, to: { csv?: string; json?: string }): Promise<void> {
  for (const [path, text] of [
    [to.csv, () => evaluationCsv(report)],
    [to.json, () => `${JSON.stringify(report, null, 1)}\n`],
  ] as const) {
    if (!path) continue;
    try {
      await writeFileAtomic(path, text());
    } catch (e) {
      throw new PipelineError('UNWRITABLE_OUTPUT', `${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
  }
}
