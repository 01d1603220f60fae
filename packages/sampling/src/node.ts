/**
 * Node-only part of `@onet/sampling` (import from `@onet/sampling/node`): read and write the reference's
 * preprocessed ShapeNet layout on disk. The main entry stays browser-safe.
 *
 * Layout (REFERENCE §2.1, ON:scripts/dataset_shapenet): `<root>/<category>/<model>/points.npz`,
 * `pointcloud.npz`, `model.binvox`, `img_choy2016/*.jpg`, and `<root>/<category>/{train,val,test}.lst`.
 * @module @onet/sampling/node
 * @packageDocumentation
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, extname, join, relative, sep } from 'node:path';
import { parseBinvox, parseGlb, parseMesh, writeBinvox, type PointCloud, type TriangleMesh } from '@onet/io';
import { writeFileAtomic } from '@onet/io/node';
import { randomAffine, transformMesh, type RandomAffineOptions } from './affine.js';
import { SamplingError } from './errors.js';
import { createRng, shuffle } from './rng.js';
import { sampleTrainingData, SAMPLE_TRAINING_DATA_DEFAULTS, type SampleTrainingDataOptions } from './sampleTrainingData.js';
import { decodePointcloudNpz, decodePointsNpz, encodePointcloudNpz, encodePointsNpz, parseSplitList, type EncodeNpzOptions } from './shapenet.js';

export * from './index.js';

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new SamplingError('DATASET_ERROR', `${path}: cannot read (${(e as Error).message}); check the dataset path`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** One model of the ShapeNet layout as read by {@link readShapeNetModel}. */
export interface ShapeNetModel {
  /** From `points.npz`: `[N·3]` uniform points and `[N]` 0/1 occupancies (unpacked), with loc/scale if stored. */
  points?: { points: Float32Array; occupancies: Uint8Array; loc?: [number, number, number]; scale?: number };
  /** From `pointcloud.npz`: `[M·3]` surface points and face normals. */
  pointcloud?: PointCloud & { loc?: [number, number, number]; scale?: number };
  /** From `model.binvox`: `[D³]` voxels in C order, x-major, z fastest (after the xzy → xyz fix), and dims. */
  voxels?: { data: Uint8Array; dims: [number, number, number] };
  /** Sorted paths of `img_choy2016/*.jpg` (not decoded). */
  images?: string[];
}

/** Files {@link readShapeNetModel} can read. */
export type ShapeNetField = 'points' | 'pointcloud' | 'voxels' | 'images';

/**
 * Read one model folder of the reference layout. Missing requested files raise an error; request only the
 * fields you need (default: points, pointcloud, and voxels/images when present).
 *
 * @example
 * ```ts
 * const m = await readShapeNetModel('data/ShapeNet/03001627/1a6f615e8b1b5ae4dbbc9440457e303e', { fields: ['points'] });
 * m.points!.occupancies; // Uint8Array [100000]
 * ```
 * @throws {@link SamplingError} `DATASET_ERROR` (missing or corrupt file, named), `OnetIOError` from the parsers.
 * @category Dataset
 */
export async function readShapeNetModel(dir: string, options: { fields?: ShapeNetField[] } = {}): Promise<ShapeNetModel> {
  const explicit = options.fields !== undefined;
  const fields = new Set(options.fields ?? ['points', 'pointcloud', 'voxels', 'images']);
  const out: ShapeNetModel = {};
  const want = async (field: ShapeNetField, file: string): Promise<boolean> =>
    fields.has(field) && (explicit || (await exists(join(dir, file))));
  if (await want('points', 'points.npz')) {
    const p = join(dir, 'points.npz');
    out.points = decodePointsNpz(await readBytes(p), p);
  }
  if (await want('pointcloud', 'pointcloud.npz')) {
    const p = join(dir, 'pointcloud.npz');
    out.pointcloud = decodePointcloudNpz(await readBytes(p), p);
  }
  if (await want('voxels', 'model.binvox')) {
    const p = join(dir, 'model.binvox');
    const grid = parseBinvox(await readBytes(p), { source: p });
    out.voxels = { data: grid.data, dims: grid.dims };
  }
  if (await want('images', 'img_choy2016')) {
    const d = join(dir, 'img_choy2016');
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      throw new SamplingError('DATASET_ERROR', `${d}: no image folder`);
    }
    out.images = names.filter((n) => /\.(jpe?g|png)$/i.test(n)).sort().map((n) => join(d, n));
  }
  return out;
}

/** One entry of {@link listShapeNetModels}. */
export interface ShapeNetEntry {
  category: string;
  model: string;
  dir: string;
}

/**
 * Models of a dataset root: from `<category>/<split>.lst` when `split` is given (as the reference loader
 * does), else every sub-folder of each category. Categories are the sub-folders of `root` (or `categories`).
 * @throws {@link SamplingError} `DATASET_ERROR` when the root or a requested split file is missing.
 * @category Dataset
 */
export async function listShapeNetModels(
  root: string,
  options: { split?: string; categories?: string[] } = {},
): Promise<ShapeNetEntry[]> {
  let categories = options.categories;
  if (!categories) {
    let entries;
    try {
      entries = await readdir(root, { withFileTypes: true });
    } catch {
      throw new SamplingError('DATASET_ERROR', `${root}: dataset root not found`);
    }
    categories = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  }
  const out: ShapeNetEntry[] = [];
  for (const category of categories) {
    const cdir = join(root, category);
    let models: string[];
    if (options.split) {
      const lst = join(cdir, `${options.split}.lst`);
      models = parseSplitList(new TextDecoder().decode(await readBytes(lst)));
    } else {
      const entries = await readdir(cdir, { withFileTypes: true }).catch(() => {
        throw new SamplingError('DATASET_ERROR', `${cdir}: category folder not found`);
      });
      models = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
    }
    for (const model of models) out.push({ category, model, dir: join(cdir, model) });
  }
  return out;
}

/** Options of {@link writeSplits}. */
export interface WriteSplitsOptions {
  /** Share of each category's models in `val.lst` (reference `--r_val 0.1`). */
  val?: number;
  /** Share in `test.lst` (reference `--r_test 0.2`). */
  test?: number;
  /** Shuffle seed (models are sorted first, so the split does not depend on the file system). */
  seed?: number;
}

/** Defaults of {@link WriteSplitsOptions}. */
export const WRITE_SPLITS_DEFAULTS: Required<WriteSplitsOptions> = { val: 0.1, test: 0.2, seed: 4 };

/**
 * Write `train.lst`, `val.lst`, `test.lst` in every category folder of `root` (after all shards of
 * {@link buildDataset} are done). Per category: sort the model folders, shuffle with the seed, the first
 * ⌊test·n⌋ go to test, the next ⌊val·n⌋ to val, the rest to train.
 * @returns the number of models per split, summed over categories.
 * @throws {@link SamplingError} `INVALID_ARGUMENT` unless val, test ≥ 0 and val + test ≤ 1; the errors of
 * {@link listShapeNetModels} for an unreadable `root`.
 * @category Dataset
 */
export async function writeSplits(root: string, options: WriteSplitsOptions = {}): Promise<{ train: number; val: number; test: number }> {
  const { val, test, seed } = { ...WRITE_SPLITS_DEFAULTS, ...options };
  if (!(val >= 0 && test >= 0 && val + test <= 1)) throw new SamplingError('INVALID_ARGUMENT', 'val and test must be ≥ 0 with val + test ≤ 1');
  const all = await listShapeNetModels(root);
  const byCat = new Map<string, string[]>();
  for (const e of all) byCat.set(e.category, [...(byCat.get(e.category) ?? []), e.model]);
  const totals = { train: 0, val: 0, test: 0 };
  for (const [category, models] of byCat) {
    const order = shuffle(models.slice().sort(), createRng(seed));
    const nTest = Math.floor(test * order.length), nVal = Math.floor(val * order.length);
    const parts = { test: order.slice(0, nTest), val: order.slice(nTest, nTest + nVal), train: order.slice(nTest + nVal) };
    for (const [name, list] of Object.entries(parts) as Array<[keyof typeof totals, string[]]>) {
      await writeFileAtomic(join(root, category, `${name}.lst`), list.join('\n') + (list.length ? '\n' : ''));
      totals[name] += list.length;
    }
  }
  return totals;
}

/** Progress event of {@link buildDataset}. */
export interface BuildProgress {
  /** 0-based position of this model in this shard's work list, and that list's length. */
  index: number;
  total: number;
  category: string;
  model: string;
  /** The input mesh file. */
  source: string;
  /** `written`: new folder; `exists`: already there (resumed run); `failed`: skipped, see `error`. */
  status: 'written' | 'exists' | 'failed';
  error?: string;
  /** Wall time spent on this model. */
  ms: number;
}

/** Options of {@link buildDataset}. */
export interface BuildDatasetOptions extends Omit<SampleTrainingDataOptions, 'rng'>, EncodeNpzOptions {
  /** Folder of mesh files (`.off`, `.obj`, `.ply`, `.stl`, `.glb`, searched recursively). */
  input: string;
  /** Dataset root to write `<category>/<model>/…` into. */
  output: string;
  /** Category of meshes lying directly in `input`; meshes in `input/<sub>/…` use `<sub>` as category. */
  category?: string;
  /** This job's shard, 0 ≤ shard < numShards: it handles the sorted input files i with i mod numShards = shard. */
  shard?: number;
  /** Number of shards (parallel jobs, any scheduler). */
  numShards?: number;
  /** Replace existing model folders (default: keep them, so an interrupted job can simply be rerun). */
  overwrite?: boolean;
  /** Extra augmented copies per mesh, written as `<model>_aug<k>` (k = 1 … copies). */
  augment?: RandomAffineOptions & { copies: number };
  /** Called after each model. */
  onProgress?: (event: BuildProgress) => void;
  /** Called with one line per failed mesh (default: `console.warn`). */
  onLog?: (line: string) => void;
}

/** Result of {@link buildDataset}. */
export interface BuildDatasetResult {
  written: string[];
  existing: string[];
  failed: Array<{ source: string; model: string; error: string }>;
  /** Temporary folders of killed builds on this host that were removed first. */
  cleaned: string[];
}

const MESH_EXT = new Set(['.off', '.obj', '.ply', '.stl', '.glb']);

/** This host's name as it appears in temporary folder names (no `-`, so names parse from the end). */
const HOST = hostname().replace(/[^A-Za-z0-9_.]/g, '_') || 'host';

/** `<category>/.tmp-<model>-<host>-<pid>-<time>`: a model being written by process `pid` on `host`. */
const TMP_NAME = /^\.tmp-(.+)-([A-Za-z0-9_.]+)-(\d+)-([0-9a-z]+)$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporary model folders that builds on this host left when they were killed (their process is
 * gone). Folders of running builds, and of builds on other hosts sharing the output, are left alone.
 */
async function cleanStaleTemporaries(output: string): Promise<string[]> {
  const removed: string[] = [];
  const categories = await readdir(output, { withFileTypes: true }).catch(() => []);
  for (const c of categories) {
    if (!c.isDirectory() || c.name.startsWith('.')) continue;
    const entries = await readdir(join(output, c.name)).catch(() => [] as string[]);
    for (const name of entries) {
      const m = TMP_NAME.exec(name);
      if (!m || m[2] !== HOST || processAlive(Number(m[3]))) continue;
      const path = join(output, c.name, name);
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  return removed;
}

async function readMeshForDataset(path: string): Promise<TriangleMesh> {
  const bytes = await readBytes(path);
  return extname(path).toLowerCase() === '.glb' ? parseGlb(bytes, { source: path }) : parseMesh(bytes, { source: path });
}

async function listMeshFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (MESH_EXT.has(extname(e.name).toLowerCase())) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** FNV-1a 32-bit hash of a string, mixed with a seed: per-model seeds independent of sharding. @internal */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Parse a shard spec `"k/N"` (as a CLI's `--shard k/N`) into `{ shard, numShards }`. @category Dataset */
export function parseShard(spec: string): { shard: number; numShards: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  const shard = m ? Number(m[1]) : NaN, numShards = m ? Number(m[2]) : NaN;
  if (!m || !(numShards >= 1) || !(shard < numShards)) {
    throw new SamplingError('INVALID_ARGUMENT', `shard must look like "k/N" with 0 ≤ k < N, got ${JSON.stringify(spec)}`);
  }
  return { shard, numShards };
}

/**
 * Build the reference's ShapeNet layout from a folder of meshes (REFERENCE §2.1 step 4): for each mesh,
 * normalise it, write `points.npz` (uniform points in [−0.55, 0.55]³ with bit-packed occupancy labels,
 * float16), `pointcloud.npz` (area-weighted surface points with face normals, float16) and `model.binvox`
 * (32³ solid voxels over [−½, ½]³), all with the reference's array names and dtypes (`loc`, `scale` too).
 *
 * - **Sharding**: the sorted input list is split round-robin; run shard k of N anywhere, in any order.
 * - **Atomic**: each model is written into `<category>/.tmp-<model>-<host>-<pid>-…` and renamed into place, so a
 *   killed job never leaves a half-written model folder (temporary folders are hidden: never listed as models);
 *   rerunning skips finished models (unless `overwrite`) and first removes the temporary folders that killed
 *   builds on this host left (`result.cleaned`).
 * - **Unambiguous**: two input files that map to the same model name (`pipe.off` and `pipe.obj`) are an error
 *   naming both, before any work (checked over all shards' files, so every shard refuses).
 * - **Robust**: a mesh that fails to parse or sample is skipped and logged; the others go on.
 * - **Deterministic**: each model's seed is a hash of `seed` and `<category>/<model>`, independent of sharding.
 *
 * Write the split files afterwards with {@link writeSplits}.
 *
 * @example
 * ```ts
 * import { buildDataset, writeSplits } from '@onet/sampling/node';
 * await buildDataset({ input: 'meshes/', output: 'data/custom', shard: 0, numShards: 4 });
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for a bad shard, `DATASET_ERROR` when `input` is missing or
 *   two input files map to the same model.
 * @category Dataset
 */
export async function buildDataset(options: BuildDatasetOptions): Promise<BuildDatasetResult> {
  const { input, output, shard = 0, numShards = 1, overwrite = false, category = 'meshes' } = options;
  if (!Number.isInteger(numShards) || numShards < 1 || !Number.isInteger(shard) || shard < 0 || shard >= numShards) {
    throw new SamplingError('INVALID_ARGUMENT', `need integers 0 ≤ shard < numShards, got shard=${shard}, numShards=${numShards}`);
  }
  if (options.augment && !(Number.isInteger(options.augment.copies) && options.augment.copies >= 0)) {
    throw new SamplingError('INVALID_ARGUMENT', 'augment.copies must be an integer ≥ 0');
  }
  const log = options.onLog ?? ((line: string) => console.warn(line));
  let files: string[];
  try {
    files = await listMeshFiles(input);
  } catch (e) {
    throw new SamplingError('DATASET_ERROR', `${input}: cannot list mesh files (${(e as Error).message})`);
  }
  const copies = options.augment?.copies ?? 0;
  const named = files.map((source) => {
    const rel = relative(input, source).split(sep);
    const cat = rel.length > 1 ? rel[0] : category;
    const inner = rel.length > 1 ? rel.slice(1) : rel;
    inner[inner.length - 1] = basename(inner[inner.length - 1], extname(inner[inner.length - 1]));
    return { source, category: cat, model: inner.join('__') };
  });
  // Every file, not only this shard's: each shard must refuse the same collisions.
  const owner = new Map<string, string>();
  const collisions: string[] = [];
  for (const f of named) {
    const key = `${f.category}/${f.model}`;
    const first = owner.get(key);
    if (first !== undefined) collisions.push(`${first} and ${f.source} both map to ${key}`);
    else owner.set(key, f.source);
  }
  if (collisions.length) {
    throw new SamplingError(
      'DATASET_ERROR',
      `${collisions.length} model name${collisions.length > 1 ? 's are' : ' is'} taken twice: ${collisions.slice(0, 5).join('; ')}${collisions.length > 5 ? '; …' : ''}. Rename or remove one file of each pair`,
    );
  }
  const jobs: Array<{ source: string; category: string; model: string; copy: number }> = [];
  for (const f of named.filter((_, i) => i % numShards === shard)) {
    for (let c = 0; c <= copies; c++) jobs.push({ source: f.source, category: f.category, model: c === 0 ? f.model : `${f.model}_aug${c}`, copy: c });
  }
  const result: BuildDatasetResult = { written: [], existing: [], failed: [], cleaned: await cleanStaleTemporaries(output) };
  for (const path of result.cleaned) log(`removed ${path} (left by a killed build)`);
  const baseSeed = options.seed ?? SAMPLE_TRAINING_DATA_DEFAULTS.seed;
  let cached: { source: string; mesh: TriangleMesh } | undefined;
  for (let index = 0; index < jobs.length; index++) {
    const job = jobs[index];
    const t0 = performance.now();
    const catDir = join(output, job.category);
    const target = join(catDir, job.model);
    const report = (status: BuildProgress['status'], error?: string): void =>
      options.onProgress?.({ index, total: jobs.length, category: job.category, model: job.model, source: job.source, status, error, ms: performance.now() - t0 });
    if (!overwrite && (await exists(target))) {
      result.existing.push(target);
      report('exists');
      continue;
    }
    const tmp = join(catDir, `.tmp-${job.model}-${HOST}-${process.pid}-${Date.now().toString(36)}`);
    try {
      if (cached?.source !== job.source) cached = { source: job.source, mesh: await readMeshForDataset(job.source) };
      let mesh = cached.mesh;
      const seed = hashSeed(baseSeed, `${job.category}/${job.model}`);
      if (job.copy > 0 && options.augment) {
        const { copies: _c, ...affine } = options.augment;
        mesh = transformMesh(mesh, randomAffine(createRng(hashSeed(seed, 'augment')), affine));
      }
      const data = sampleTrainingData(mesh, { ...options, seed });
      // Only the options given: an explicit `undefined` would override ENCODE_NPZ_DEFAULTS (float16, packbits).
      const enc: EncodeNpzOptions = {};
      if (options.float16 !== undefined) enc.float16 = options.float16;
      if (options.packbits !== undefined) enc.packbits = options.packbits;
      if (options.compress !== undefined) enc.compress = options.compress;
      const files: Array<[string, Uint8Array]> = [
        ['points.npz', encodePointsNpz({ points: data.points, occupancies: data.occupancies, loc: data.loc, scale: data.scale }, enc)],
        ['pointcloud.npz', encodePointcloudNpz({ points: data.surfacePoints, normals: data.surfaceNormals, loc: data.loc, scale: data.scale }, enc)],
      ];
      if (data.voxels) {
        const R = Math.round(Math.cbrt(data.voxels.length));
        files.push(['model.binvox', writeBinvox({ data: data.voxels, dims: [R, R, R], translate: [-0.5, -0.5, -0.5], scale: 1 })]);
      }
      await mkdir(tmp, { recursive: true });
      for (const [name, bytes] of files) await writeFile(join(tmp, name), bytes);
      if (overwrite) await rm(target, { recursive: true, force: true });
      await rename(tmp, target);
      result.written.push(target);
      report('written');
    } catch (e) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      result.failed.push({ source: job.source, model: `${job.category}/${job.model}`, error });
      log(`skipped ${job.source} (${job.category}/${job.model}): ${error}`);
      report('failed', error);
    }
  }
  return result;
}
