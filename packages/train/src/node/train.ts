import * as tf from '@tensorflow/tfjs-core';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve, basename } from 'node:path';
import { parseMesh, type TriangleMesh } from '@onet/io';
import { writeFileAtomic } from '@onet/io/node';
import { selectBackend, type BackendName } from '@onet/nn';
import { saveModelFiles } from '@onet/nn/node';
import { loadModel } from '@onet/model/node';
import { OccupancyNetwork, isImageModel, type ModelConfig, PipelineError, parseEnsembleManifest, type EnsembleManifest, type InputSizeThreshold, type TestTimeAugmentation } from '@onet/model';
import { Trainer, makeValidationCases, curveSvg, type TrainOptions, type HistoryEntry } from '../train.js';
import { sampleShape, augmentedMesh, proceduralShape, fitInSphere, type ShapeSamples, type SampleShapeOptions } from '../trainingData.js';
import { shapeFamily, familyIndices, SHAPE_FAMILIES, type ShapeFamilyName } from '@onet/sampling';
import { ensureNodeGradients } from './gradients.js';
import { createGradientWorkers, type GradientWorkerPool } from './gradientWorkers.js';
import { voxelInputs } from './voxelData.js';
import { viewInputs } from './viewData.js';

export { ensureNodeGradients };

/** `config.json` of a training run (paths relative to the file). */
export interface TrainConfigFile {
  /** Network architecture and input settings. */
  model: ModelConfig;
  data: {
    /**
     * Train on a procedural shape family instead of a mesh folder (e.g. an unconditional `vae` model): the first
     * `train` shapes of the family's train split, validation on the first `val` of its val split (`shapeFamily` of
     * @onet/sampling). With it, `meshDir`, `heldOut`, `copies` and the procedural counts are ignored.
     */
    family?: { name: ShapeFamilyName; train: number; val: number };
    /** Folder of closed meshes (OFF/OBJ/PLY/STL). */
    meshDir: string;
    /** File names excluded from training (the evaluation meshes). */
    heldOut: string[];
    /**
     * More training meshes, as paths relative to the config file, after those of `meshDir` (e.g. open meshes, which
     * are labelled by generalized winding number like the closed ones). They get `copies` augmented copies each and
     * are never used for validation.
     */
    extraMeshes?: string[];
    /** Augmented copies per mesh (copy 0 = as given; others randomly rotated and stretched). */
    copies: number;
    /** Procedural shapes (primitives and CSG unions). */
    procedural: number;
    /** Validation: unseen augmented copies of this many training meshes … */
    valMeshes: number;
    /** … and this many unseen procedural shapes. */
    valProcedural: number;
    /** Sampling per shape. */
    sampling?: SampleShapeOptions;
    /**
     * Image models (`model.input: 'image'`): seeded views rendered per training or validation shape (default 8; the
     * reference's ShapeNet renderings have 24). A batch picks one per shape; validation uses view 0.
     */
    views?: number;
    /** Cache folder for labelled samples and checkpoints. */
    cacheDir: string;
  };
  train: TrainOptions & {
    /** tfjs backend (default wasm). */
    backend?: BackendName;
    /**
     * Threads per step (default 1): with n > 1 each batch is split between this thread and n − 1 worker threads,
     * each with its own wasm backend (data parallelism; tfjs's wasm backend is single-threaded in Node). Same
     * batches as with 1 thread; at most `batchSize`.
     */
    threads?: number;
    /** Stop after this many steps … */
    maxSteps?: number;
    /** … or this many minutes of training, whichever comes first. */
    maxMinutes?: number;
    /** Validate every this many steps. */
    validateEvery?: number;
    /** Save a resumable checkpoint every this many minutes. */
    checkpointMinutes?: number;
    /** Model seed. */
    modelSeed?: number;
    /**
     * Warm start: a model folder (model.json + weights.bin; relative to the config file) whose weights initialise the
     * network instead of `modelSeed`'s random init, e.g. to continue a shipped model's training with a new schedule.
     * Its architecture must match `model` (same parameter names and shapes). Ignored when resuming from a checkpoint.
     */
    initFrom?: string;
    /** dtype of the exported best model (float16 halves the file). */
    saveDtype?: 'float32' | 'float16';
    /**
     * Which weights `outDir` gets: `best-val` (default) = the best validation IoU so far, written whenever it
     * improves; `last` = the weights at the end of the run (e.g. after the learning rate has decayed, when the
     * validation set is too small to rank nearby steps).
     */
    select?: 'best-val' | 'last';
    /** Minutes the learning-rate schedule spans in the first stage (default `maxMinutes`). */
    scheduleMinutes?: number;
    /** Later stages of the run, in order of their start (see {@link TrainStage}). */
    stages?: TrainStage[];
  };
}

/**
 * A later stage of a training run: from `atMinutes` of training time (or from `atStep`) on, training continues with
 * the same weights and Adam state and with what the stage changes; what it leaves out stays as before.
 */
export interface TrainStage {
  /** Start, in minutes of training time (summed over resumes) … */
  atMinutes?: number;
  /** … or in steps. */
  atStep?: number;
  /** Feature-plane side from now on (conv-onet: the network is fully convolutional, no parameter changes shape). */
  planeResolution?: number;
  /** Input cloud size range [lo, hi] from now on. */
  inputPointsRange?: [number, number];
  /**
   * A new learning-rate schedule: `lr`, constant until `lrDecayStart` (a fraction of this schedule's span, from the
   * stage's start to `scheduleMinutes`, default `maxMinutes`), then a half-cosine down to `lrFinal`·lr. Without
   * `lr` the previous schedule continues.
   */
  lr?: number;
  lrDecayStart?: number;
  lrFinal?: number;
  scheduleMinutes?: number;
}

/** Progress report of {@link trainFromConfigFile}. */
export interface TrainProgress {
  phase: 'data' | 'train' | 'validate' | 'done';
  message: string;
  step?: number;
  loss?: number;
  iou?: number;
  bestIou?: number;
  stepsPerSecond?: number;
}

/** Result of {@link trainFromConfigFile}. */
export interface TrainResult {
  steps: number;
  bestIou: number;
  bestStep: number;
  outDir: string;
  history: HistoryEntry[];
  seconds: number;
}

type Arrays = Map<string, { data: Float32Array; shape: number[] }>;

async function writeArrays(path: string, arrays: Arrays, meta: unknown): Promise<void> {
  const entries: { name: string; shape: number[]; offset: number; length: number }[] = [];
  let off = 0;
  for (const [name, a] of arrays) {
    entries.push({ name, shape: a.shape, offset: off, length: a.data.length });
    off += a.data.length;
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta, entries }));
  const buf = new Uint8Array(8 + header.length + off * 4 + 4);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, header.length, true);
  buf.set(header, 8);
  const base = (8 + header.length + 3) & ~3;
  for (const [i, [, a]] of [...arrays].entries()) {
    new Float32Array(buf.buffer, base + entries[i].offset * 4, a.data.length).set(a.data);
  }
  await writeFileAtomic(path, buf.subarray(0, base + off * 4));
}

async function readArrays(path: string): Promise<{ arrays: Arrays; meta: unknown }> {
  const b = await readFile(path);
  const buf = new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const len = new DataView(buf.buffer).getUint32(0, true);
  const { meta, entries } = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + len)));
  const base = (8 + len + 3) & ~3;
  const arrays: Arrays = new Map();
  for (const e of entries) arrays.set(e.name, { data: new Float32Array(buf.buffer, base + e.offset * 4, e.length), shape: e.shape });
  return { arrays, meta };
}

function toArrays(s: ShapeSamples): Arrays {
  const f = (a: Float32Array | Uint8Array) => ({ data: a instanceof Float32Array ? a : Float32Array.from(a), shape: [a.length] });
  return new Map([
    ['surface', f(s.surface)],
    ['uniform', f(s.uniform)],
    ['uniformOcc', f(s.uniformOcc)],
    ['near', f(s.near)],
    ['nearOcc', f(s.nearOcc)],
  ]);
}

function fromArrays(name: string, a: Arrays): ShapeSamples {
  const u8 = (x: Float32Array) => Uint8Array.from(x);
  return {
    name,
    surface: a.get('surface')!.data,
    uniform: a.get('uniform')!.data,
    uniformOcc: u8(a.get('uniformOcc')!.data),
    near: a.get('near')!.data,
    nearOcc: u8(a.get('nearOcc')!.data),
  };
}

/** Short SHA-1 of bytes or a string: tells apart same-named sources in cache keys. */
function shortHash(data: Uint8Array | string): string {
  return createHash('sha1').update(data).digest('hex').slice(0, 12);
}

/**
 * Load the cached samples `key` or make and cache them. `source` (a hash of the mesh file's bytes) is stored with the
 * entry; an entry made from another file of the same name (another folder, or the file since edited) is rebuilt.
 * Entries written before sources were recorded carry none and are trusted.
 */
async function cachedShape(cacheDir: string, key: string, make: () => ShapeSamples, source?: string): Promise<ShapeSamples> {
  const path = join(cacheDir, 'shapes', `${key.replace(/[^A-Za-z0-9_.#-]/g, '_')}.bin`);
  if (existsSync(path)) {
    try {
      const { arrays, meta } = await readArrays(path);
      const m = meta as { name: string; source?: string };
      if (source === undefined || m.source === undefined || m.source === source) return fromArrays(m.name, arrays);
    } catch {
      // corrupt cache entry: rebuild
    }
  }
  const s = make();
  await mkdir(dirname(path), { recursive: true });
  await writeArrays(path, toArrays(s), source === undefined ? { name: s.name } : { name: s.name, source });
  return s;
}

/**
 * Which meshes training validates on: indices into the sorted non-held-out meshes of `meshDir` (`count` of them),
 * every ⌈count / valMeshes⌉-th from the first, at most `valMeshes`. Each is validated as its augmented copy
 * `augmentedMesh(mesh, 1, 900 000 + index)`.
 */
export function validationMeshIndices(count: number, valMeshes: number): number[] {
  const stride = Math.ceil(count / Math.max(1, valMeshes));
  const out: number[] = [];
  for (let i = 0; i < count && i < valMeshes * stride; i += stride) out.push(i);
  return out;
}

/** Build (or load from the cache) the training and validation shapes of a config. */
export async function loadTrainingShapes(config: TrainConfigFile, baseDir: string, onProgress?: (p: TrainProgress) => void): Promise<{ train: ShapeSamples[]; val: ShapeSamples[] }> {
  const d = config.data;
  if (d.family) return loadFamilyShapes(config, baseDir, onProgress);
  const meshDir = resolve(baseDir, d.meshDir);
  const cacheDir = resolve(baseDir, d.cacheDir);
  let files: string[];
  try {
    files = (await readdir(meshDir)).filter((f) => /\.(off|obj|ply|stl)$/i.test(f)).sort();
  } catch (e) {
    throw new PipelineError('BAD_DATASET', `cannot read mesh folder ${meshDir}: ${(e as Error).message}`);
  }
  const held = new Set(d.heldOut);
  for (const h of held) if (!files.includes(h)) throw new PipelineError('BAD_DATASET', `held-out mesh ${h} is not in ${meshDir}`);
  const mainFiles = files.filter((f) => !held.has(f));
  const extra = (d.extraMeshes ?? []).map((p) => resolve(baseDir, p));
  const trainFiles = [...mainFiles.map((f) => join(meshDir, f)), ...extra];
  const names = trainFiles.map((p) => basename(p));
  for (const [i, n] of names.entries()) {
    if (held.has(n)) throw new PipelineError('BAD_DATASET', `extra mesh ${extra[i - mainFiles.length]} has the name of a held-out mesh`);
    if (names.indexOf(n) !== i) throw new PipelineError('BAD_DATASET', `two training meshes are named ${n}: cached samples are keyed by file name`);
  }
  if (trainFiles.length === 0 && d.procedural === 0) throw new PipelineError('BAD_DATASET', `no training meshes in ${meshDir}`);
  const sampling = { ...d.sampling, padding: config.model.padding };
  // image models: shapes fitted in the radius-½ sphere (any view-frame rotation stays in the box), cached apart
  const prep = meshPrep(config);
  const sig = JSON.stringify(sampling) + (isImageModel(config.model) ? '|sphere' : '');
  let hash = 0;
  for (let i = 0; i < sig.length; i++) hash = (hash * 31 + sig.charCodeAt(i)) >>> 0;
  const tag = hash.toString(36);
  const train: ShapeSamples[] = [];
  const val: ShapeSamples[] = [];
  const valSampling = { ...sampling, nearPoints: 0 };
  const t0 = performance.now();
  const valIndices = new Set(validationMeshIndices(mainFiles.length, d.valMeshes));
  const vox = voxelInputs(config.model, cacheDir);
  const img = viewInputs(config.model, cacheDir, viewCount(config));
  for (const [fi, path] of trainFiles.entries()) {
    const f = names[fi];
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      throw new PipelineError('BAD_DATASET', `cannot read training mesh ${path}: ${(e as Error).message}`);
    }
    const mesh = parseMesh(bytes, { source: f });
    const source = shortHash(bytes);
    for (let c = 0; c < d.copies; c++) {
      const seed = 1000 * fi + c + 1;
      const s = await cachedShape(cacheDir, `${f}#${c}-${tag}`, () => sampleShape(`${f}#${c}`, prep(augmentedMesh(mesh, c, seed)), { ...sampling, seed }), source);
      if (vox) s.voxels = await vox(`${f}#${c}`, () => augmentedMesh(mesh, c, seed), source);
      if (img) s.views = await img(`${f}#${c}`, () => prep(augmentedMesh(mesh, c, seed)), source);
      train.push(s);
    }
    if (valIndices.has(fi)) {
      const seed = 900_000 + fi;
      const s = await cachedShape(cacheDir, `${f}#val-${tag}`, () => sampleShape(`${f}#val`, prep(augmentedMesh(mesh, 1, seed)), { ...valSampling, seed }), source);
      if (vox) s.voxels = await vox(`${f}#val`, () => augmentedMesh(mesh, 1, seed), source);
      if (img) s.views = await img(`${f}#val`, () => prep(augmentedMesh(mesh, 1, seed)), source);
      val.push(s);
    }
    onProgress?.({ phase: 'data', message: `data ${fi + 1}/${trainFiles.length} meshes (${((performance.now() - t0) / 1000).toFixed(0)} s)` });
  }
  for (let i = 0; i < d.procedural; i++) {
    const s = await cachedShape(cacheDir, `proc${i}-${tag}`, () => {
      const p = proceduralShape(i + 1);
      return sampleShape(p.name, prep(p.mesh), { ...sampling, seed: 500_000 + i });
    });
    if (vox) s.voxels = await vox(`proc${i}`, () => proceduralShape(i + 1).mesh);
    if (img) s.views = await img(`proc${i}`, () => prep(proceduralShape(i + 1).mesh));
    train.push(s);
  }
  for (let i = 0; i < d.valProcedural; i++) {
    const s = await cachedShape(cacheDir, `procval${i}-${tag}`, () => {
      const p = proceduralShape(700_000 + i);
      return sampleShape(p.name, prep(p.mesh), { ...valSampling, seed: 800_000 + i });
    });
    if (vox) s.voxels = await vox(`procval${i}`, () => proceduralShape(700_000 + i).mesh);
    if (img) s.views = await img(`procval${i}`, () => prep(proceduralShape(700_000 + i).mesh));
    val.push(s);
  }
  onProgress?.({ phase: 'data', message: `data: ${train.length} training shapes, ${val.length} validation shapes (${((performance.now() - t0) / 1000).toFixed(0)} s)` });
  return { train, val };
}

/** What each normalised training mesh goes through: image models fit it in the radius-½ sphere (`fitInSphere`). */
function meshPrep(config: TrainConfigFile): (m: TriangleMesh) => TriangleMesh {
  return isImageModel(config.model) ? (m) => fitInSphere(m) : (m) => m;
}

/** `data.views`, checked (image models render this many views per shape). */
function viewCount(config: TrainConfigFile): number {
  const v = config.data.views ?? 8;
  if (!Number.isInteger(v) || v < 1 || v > 1024) throw new PipelineError('BAD_DATASET', `data.views must be an integer in [1, 1024], got ${JSON.stringify(config.data.views)}`);
  return v;
}

/** {@link loadTrainingShapes} for `data.family`: labelled samples of a procedural family's train and val shapes. */
async function loadFamilyShapes(config: TrainConfigFile, baseDir: string, onProgress?: (p: TrainProgress) => void): Promise<{ train: ShapeSamples[]; val: ShapeSamples[] }> {
  const { name, train: nTrain, val: nVal } = config.data.family!;
  if (!SHAPE_FAMILIES.includes(name)) throw new PipelineError('BAD_DATASET', `data.family.name must be one of ${SHAPE_FAMILIES.join(', ')}, got ${JSON.stringify(name)}`);
  let trainIdx: number[];
  let valIdx: number[];
  try {
    trainIdx = familyIndices('train', nTrain);
    valIdx = familyIndices('val', nVal);
  } catch (e) {
    throw new PipelineError('BAD_DATASET', `data.family: ${(e as Error).message}`);
  }
  if (trainIdx.length === 0) throw new PipelineError('BAD_DATASET', 'data.family.train must be ≥ 1');
  const cacheDir = resolve(baseDir, config.data.cacheDir);
  const sampling = { ...config.data.sampling, padding: config.model.padding };
  const tag = shortHash(JSON.stringify(sampling) + (isImageModel(config.model) ? '|sphere' : ''));
  const t0 = performance.now();
  const prep = meshPrep(config);
  const img = viewInputs(config.model, cacheDir, viewCount(config));
  const load = async (idx: number[], opts: SampleShapeOptions, what: string): Promise<ShapeSamples[]> => {
    const out: ShapeSamples[] = [];
    for (const [k, i] of idx.entries()) {
      const s = await cachedShape(cacheDir, `${name}#${i}-${tag}`, () => sampleShape(`${name}#${i}`, prep(shapeFamily(name, i).mesh), { ...opts, seed: 1_000_000 + i }));
      if (img) s.views = await img(`${name}#${i}`, () => prep(shapeFamily(name, i).mesh));
      out.push(s);
      if ((k + 1) % 100 === 0 || k + 1 === idx.length) onProgress?.({ phase: 'data', message: `data: ${k + 1}/${idx.length} ${what} ${name} shapes (${((performance.now() - t0) / 1000).toFixed(0)} s)` });
    }
    return out;
  };
  const train = await load(trainIdx, sampling, 'train');
  const val = await load(valIdx, sampling, 'val');
  return { train, val };
}

/**
 * `config.json` of an ensemble model folder: each member is a subfolder with its own training config
 * (`<member>/config.json`, paths relative to it) and gets its trained model there; the folder's `model.json` is the
 * ensemble manifest (see `OccupancyEnsemble`).
 */
export interface EnsembleTrainConfigFile {
  ensemble: {
    /** Member subfolders, trained in this order, e.g. `["planes", "grid"]`. */
    members: string[];
    /** Copied into the manifest. */
    description?: string;
    /** Generation τ copied into the manifest (choose it on validation shapes: `models/select-threshold.ts`). */
    threshold?: number;
    /** Generation τ by input size copied into the manifest (`select-threshold.ts --by-input-size`). */
    thresholdByInputPoints?: InputSizeThreshold[];
    /** Generation `fillCavities` copied into the manifest (chosen the same way: `select-threshold.ts --meshes`). */
    fillCavities?: boolean;
    /** Test-time augmentation copied into the manifest. */
    testTimeAugmentation?: TestTimeAugmentation;
  };
}

/** Result of {@link trainEnsembleFromConfigFile}: one {@link TrainResult} per member, in order. */
export interface EnsembleTrainResult {
  members: (TrainResult & { name: string })[];
  /** Folder holding the ensemble's `model.json` and the member subfolders. */
  outDir: string;
  /** False when training stopped (`signal`) before every member finished: no manifest was written. */
  complete: boolean;
}

/** Read a training config file: a single model's ({@link TrainConfigFile}) or an ensemble's. @internal */
export async function readTrainConfig(path: string): Promise<TrainConfigFile | EnsembleTrainConfigFile> {
  let config: TrainConfigFile | EnsembleTrainConfigFile;
  try {
    config = JSON.parse(await readFile(path, 'utf8')) as TrainConfigFile | EnsembleTrainConfigFile;
  } catch (e) {
    throw new PipelineError('BAD_DATASET', `cannot read training config ${path}: ${(e as Error).message}`);
  }
  if (typeof config !== 'object' || config === null) throw new PipelineError('BAD_DATASET', `${path}: a training config is a JSON object`);
  return config;
}

/**
 * Train every member of an ensemble config ({@link EnsembleTrainConfigFile}) with {@link trainFromConfigFile}, one
 * after the other (each into `<outDir>/<member>`, its checkpoints under its own name), then write the ensemble
 * manifest `<outDir>/model.json`. `resume` resumes each member from its checkpoint (a finished member resumes at
 * its end and stops at once). Progress messages are prefixed with the member name. When `signal` stops training
 * early, no manifest is written (`complete: false`); resume with `resume: true`.
 * @throws PipelineError `BAD_DATASET` for an unreadable config or a bad member list; those of {@link trainFromConfigFile}.
 */
export async function trainEnsembleFromConfigFile(
  path: string,
  options: { outDir?: string; resume?: boolean; onProgress?: (p: TrainProgress) => void; signal?: AbortSignal } = {},
): Promise<EnsembleTrainResult> {
  const config = await readTrainConfig(path);
  if (!('ensemble' in config)) throw new PipelineError('BAD_DATASET', `${path}: not an ensemble training config (no "ensemble" section)`);
  // the manifest is checked before any training: a bad member list or generation setting fails now
  const { members, description, threshold, thresholdByInputPoints, fillCavities, testTimeAugmentation } = config.ensemble ?? {};
  const manifest: EnsembleManifest = {
    format: 'onet-ensemble',
    version: 1,
    members,
    ...(description ? { description } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(thresholdByInputPoints !== undefined ? { thresholdByInputPoints } : {}),
    ...(fillCavities !== undefined ? { fillCavities } : {}),
    ...(testTimeAugmentation !== undefined ? { testTimeAugmentation } : {}),
  };
  try {
    parseEnsembleManifest(manifest);
  } catch (e) {
    throw new PipelineError('BAD_DATASET', `${path}: ${(e as Error).message.replace('ensemble model.json: ', 'ensemble ')}`);
  }
  const baseDir = dirname(resolve(path));
  const outDir = resolve(options.outDir ?? baseDir);
  const results: EnsembleTrainResult['members'] = [];
  for (const name of members) {
    if (options.signal?.aborted) break;
    const r = await trainFromConfigFile(join(baseDir, name, 'config.json'), {
      ...options,
      outDir: join(outDir, name),
      onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, message: `[${name}] ${p.message}` })),
    });
    results.push({ ...r, name });
  }
  const complete = results.length === members.length && !options.signal?.aborted;
  if (complete) {
    await writeFileAtomic(join(outDir, 'model.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  }
  return { members: results, outDir, complete };
}

/**
 * Train the model a config file describes (`onet train --config <file>`, `npm run train:default`): builds or
 * loads the cached labelled samples, trains with Adam, validates IoU at τ = 0.2 every `validateEvery` steps,
 * writes the best-IoU model (or, with `train.select: 'last'`, the final one) to `outDir` (`model.json` + `weights.bin`, `saveDtype`), `history.json` and
 * `curve.svg` there, and a resumable checkpoint (float32 weights + Adam state) under the cache folder every
 * `checkpointMinutes`. `resume: true` continues from that checkpoint. Stops at `maxSteps`/`maxMinutes` or on `signal`.
 * @throws PipelineError `BAD_DATASET` (unreadable config/meshes), `INVALID_OPTION`, `BACKEND_UNAVAILABLE`.
 */
export async function trainFromConfigFile(
  path: string,
  options: { outDir?: string; resume?: boolean; onProgress?: (p: TrainProgress) => void; signal?: AbortSignal } = {},
): Promise<TrainResult> {
  const config = (await readTrainConfig(path)) as TrainConfigFile;
  if ('ensemble' in config) throw new PipelineError('BAD_DATASET', `${path} is an ensemble config: train it with trainEnsembleFromConfigFile (onet train does so)`);
  if (!config?.model || !config?.data || !config?.train) throw new PipelineError('BAD_DATASET', `${path}: a training config needs "model", "data" and "train" sections`);
  if ('fineTune' in config.train) throw new PipelineError('INVALID_OPTION', `${path}: train.fineTune was replaced by train.stages (a list of { atMinutes | atStep, planeResolution, lr, … })`);
  const baseDir = dirname(resolve(path));
  const outDir = resolve(options.outDir ?? baseDir);
  const report = options.onProgress ?? (() => {});
  const t = config.train;
  const backend = await selectBackend(t.backend ?? 'wasm');
  await ensureNodeGradients();
  report({ phase: 'data', message: `backend ${backend}` });
  const { train, val } = await loadTrainingShapes(config, baseDir, report);

  const stages = t.stages ?? [];
  const select = t.select ?? 'best-val';
  if (select !== 'best-val' && select !== 'last') throw new PipelineError('INVALID_OPTION', `train.select must be 'best-val' or 'last', got ${JSON.stringify(select)}`);
  for (const [i, st] of stages.entries()) {
    if ((st.atMinutes === undefined) === (st.atStep === undefined)) throw new PipelineError('INVALID_OPTION', `train.stages[${i}] needs exactly one of atMinutes, atStep`);
    if (st.lr !== undefined && !(st.lr > 0 && st.lr < 1)) throw new PipelineError('INVALID_OPTION', `train.stages[${i}].lr must be in (0, 1), got ${st.lr}`);
  }
  const maxSteps = t.maxSteps ?? Infinity;
  const maxSeconds = (t.maxMinutes ?? Infinity) * 60;
  /**
   * The learning-rate schedule in force: Trainer options plus the span its progress runs over. `fromStage`: the
   * stages entered when it began (0: the config's own schedule; k: set by `stages[k − 1]`).
   */
  type Schedule = { options: TrainOptions; startSec: number; endSec: number; startStep: number; fromStage: number };
  let schedule: Schedule = { options: t, startSec: 0, endSec: (t.scheduleMinutes ?? t.maxMinutes ?? Infinity) * 60, startStep: 0, fromStage: 0 };
  let stage = 0; // stages entered so far
  let model = OccupancyNetwork.fromConfig(config.model, t.modelSeed ?? 1);
  let trainer = new Trainer(model, train, t);
  let workers: GradientWorkerPool | undefined;
  try {
    const threads = Math.min(t.threads ?? 1, trainer.options.batchSize);
    if (!Number.isInteger(threads) || threads < 1) throw new PipelineError('INVALID_OPTION', `train.threads must be a positive integer, got ${t.threads}`);
    const started = (st: TrainStage, seconds: number, step: number) =>
      (st.atMinutes !== undefined && seconds / 60 >= st.atMinutes) || (st.atStep !== undefined && step >= st.atStep);
    /** Enter stage `stage` (weights and Adam state carry over; the model is rebuilt for a new plane resolution). */
    const enterStage = async (seconds: number) => {
      const st = stages[stage];
      const step = trainer.step;
      const modelConfig = st.planeResolution !== undefined ? { ...model.config, planeResolution: st.planeResolution } : model.config;
      if (st.lr !== undefined) {
        const startSec = st.atMinutes !== undefined ? st.atMinutes * 60 : seconds;
        const options = { ...t, lr: st.lr, lrSchedule: 'cosine' as const, lrDecayStart: st.lrDecayStart ?? 0, lrFinal: st.lrFinal ?? 0.05 };
        schedule = { options, startSec, endSec: (st.scheduleMinutes ?? t.maxMinutes ?? Infinity) * 60, startStep: st.atStep ?? step, fromStage: stage + 1 };
      }
      const inputPointsRange = st.inputPointsRange ?? trainer.options.inputPointsRange;
      const adam = await trainer.optimizerState();
      trainer.dispose();
      if (modelConfig.planeResolution !== model.config.planeResolution) {
        const weightsNow = model.net.stateDict();
        model.dispose();
        model = OccupancyNetwork.fromConfig(modelConfig, t.modelSeed ?? 1);
        model.net.loadStateDict(weightsNow);
        await workers?.configure(model.config);
      }
      trainer = new Trainer(model, train, { ...schedule.options, inputPointsRange });
      await trainer.setOptimizerState(adam);
      trainer.step = step;
      stage++;
      const what = [
        st.planeResolution !== undefined ? `${st.planeResolution}² planes` : '',
        st.inputPointsRange ? `input ${inputPointsRange[0]}–${inputPointsRange[1]} points` : '',
        st.lr !== undefined ? `lr ${st.lr}` : '',
      ].filter(Boolean);
      report({ phase: 'train', message: `stage ${stage + 1} at step ${step}: ${what.join(', ') || 'no change'}`, step });
    };
    const cases = makeValidationCases(val, { inputPoints: config.model.inputPoints, noiseStd: config.model.noiseStd, valPoints: t.valPoints ?? 20_000, seed: 12345 });
    // keyed by the output folder's name and a hash of its absolute path: two runs writing to different folders of the
    // same name (e.g. two ensembles' `planes` members) never resume from each other's checkpoints
    const ckptRoot = join(resolve(baseDir, config.data.cacheDir), 'checkpoints');
    const ckptDir = join(ckptRoot, `${basename(outDir)}-${shortHash(resolve(outDir))}`);
    let history: HistoryEntry[] = [];
    let bestIou = -1;
    let bestStep = 0;
    let secondsBefore = 0;
    const resuming = Boolean(options.resume && existsSync(join(ckptDir, 'state.json')));
    if (!resuming && t.initFrom !== undefined) await initWeightsFrom(model, resolve(baseDir, t.initFrom), report);
    if (resuming) {
      const state = JSON.parse(await readFile(join(ckptDir, 'state.json'), 'utf8'));
      model.net.loadStateDict((await readArrays(join(ckptDir, 'weights.bin'))).arrays);
      await trainer.setOptimizerState((await readArrays(join(ckptDir, 'adam.bin'))).arrays);
      trainer.step = state.step;
      history = state.history;
      bestIou = state.bestIou;
      bestStep = state.bestStep;
      secondsBefore = state.seconds;
      while (stage < stages.length && started(stages[stage], secondsBefore, trainer.step)) await enterStage(secondsBefore);
      // a stage entered by atStep started at a time only the checkpoint knows (and vice versa): resume its schedule
      // there, unless the checkpoint ran another schedule (an lr stage added to the config since, starting where the
      // checkpoint ends, begins its schedule now). Checkpoints without `fromStage` predate the field.
      const saved = state.schedule as { startSec: number; startStep: number; fromStage?: number } | undefined;
      if (saved && (saved.fromStage ?? schedule.fromStage) === schedule.fromStage) Object.assign(schedule, { startSec: saved.startSec, startStep: saved.startStep });
      report({ phase: 'train', message: `resumed at step ${trainer.step} (best IoU ${bestIou.toFixed(4)} at ${bestStep})`, step: trainer.step });
    } else if (options.resume) {
      const legacy = join(ckptRoot, basename(outDir));
      const hint = existsSync(join(legacy, 'state.json')) ? ` (${legacy} is an older version's checkpoint, possibly another run's: move it there to resume from it)` : '';
      report({ phase: 'train', message: `no checkpoint at ${ckptDir}; starting at step 0${hint}` });
    }
    if (threads > 1) {
      if (backend !== 'wasm' && backend !== 'cpu') throw new PipelineError('INVALID_OPTION', `train.threads > 1 needs the wasm or cpu backend, not ${backend}`);
      workers = await createGradientWorkers(model.config, threads - 1, backend);
    }
    report({ phase: 'train', message: `model ${config.model.kind}: ${model.parameterCount()} parameters; ${train.length} shapes; batch ${trainer.options.batchSize}; ${threads} thread${threads > 1 ? 's' : ''}` });
    const validateEvery = t.validateEvery ?? 100;
    const ckptEvery = (t.checkpointMinutes ?? 5) * 60_000;
    const start = performance.now();
    let lastCkpt = start;
    let lossSum = 0;
    let lossN = 0;
    let lastLog = start;
    const elapsed = () => secondsBefore + (performance.now() - start) / 1000;

    const saveCheckpoint = async () => {
      await mkdir(ckptDir, { recursive: true });
      await writeArrays(join(ckptDir, 'weights.bin'), model.net.stateDict(), null);
      await writeArrays(join(ckptDir, 'adam.bin'), await trainer.optimizerState(), null);
      const origin = { startSec: schedule.startSec, startStep: schedule.startStep, fromStage: schedule.fromStage };
      await writeFileAtomic(join(ckptDir, 'state.json'), JSON.stringify({ step: trainer.step, history, bestIou, bestStep, seconds: elapsed(), schedule: origin }));
      await mkdir(outDir, { recursive: true });
      await writeFileAtomic(join(outDir, 'history.json'), JSON.stringify(history));
      await writeFileAtomic(join(outDir, 'curve.svg'), curveSvg(history, `${config.model.kind} training`));
    };

    const saveModel = async (valIoU: number) => {
      const { modelJson, weights } = model.save({
        dtype: t.saveDtype ?? 'float16',
        extra: { training: { step: trainer.step, valIoU, seconds: Math.round(elapsed()), config: basename(path), select } },
      });
      await saveModelFiles(outDir, modelJson, weights);
    };

    const validate = async () => {
      const { iou } = await trainer.validate(cases);
      const entry: HistoryEntry = { step: trainer.step, loss: lossN ? lossSum / lossN : NaN, iou, seconds: elapsed() };
      history.push(entry);
      lossSum = 0;
      lossN = 0;
      if (iou > bestIou) {
        bestIou = iou;
        bestStep = trainer.step;
        if (select === 'best-val') await saveModel(iou);
      }
      report({ phase: 'validate', message: `step ${trainer.step} val IoU ${iou.toFixed(4)} (best ${bestIou.toFixed(4)} at ${bestStep})`, step: trainer.step, iou, bestIou });
    };

    const progress = () => {
      const { startSec, endSec, startStep } = schedule;
      // A schedule runs over time when it has a time span; otherwise over steps (maxSteps then only stops the run
      // when the schedule is timed).
      if (Number.isFinite(endSec)) return (elapsed() - startSec) / Math.max(1e-9, endSec - startSec);
      return Number.isFinite(maxSteps) ? (trainer.step - startStep) / Math.max(1, maxSteps - startStep) : 0;
    };
    while (trainer.step < maxSteps && elapsed() < maxSeconds && !options.signal?.aborted) {
      while (stage < stages.length && started(stages[stage], elapsed(), trainer.step)) await enterStage(elapsed());
      trainer.setProgress(progress());
      const loss = workers ? await trainer.trainStepParallel(workers) : trainer.trainStep();
      lossSum += loss;
      lossN++;
      const now = performance.now();
      if (trainer.step % validateEvery === 0) await validate();
      else if (now - lastLog > 30_000 || trainer.step <= 3) {
        report({ phase: 'train', message: `step ${trainer.step} loss ${loss.toFixed(2)} (${(elapsed() / trainer.step).toFixed(2)} s/step overall, lr ${trainer.learningRate.toExponential(2)}, ${tf.memory().numTensors} tensors)`, step: trainer.step, loss });
        lastLog = now;
      }
      if (now - lastCkpt > ckptEvery) {
        await saveCheckpoint();
        lastCkpt = now;
      }
    }
    if (history.length === 0 || history[history.length - 1].step !== trainer.step) await validate();
    await saveCheckpoint();
    if (select === 'last') await saveModel(history[history.length - 1].iou ?? NaN);
    report({ phase: 'done', message: `done: ${trainer.step} steps, best val IoU ${bestIou.toFixed(4)} at step ${bestStep}`, step: trainer.step, bestIou });
    return { steps: trainer.step, bestIou, bestStep, outDir, history, seconds: elapsed() };
  } finally {
    await workers?.close();
    trainer.dispose();
    model.dispose();
  }
}

/**
 * `train.initFrom`: copy the weights of the single model in `dir` into `model`.
 * @throws PipelineError `BAD_MODEL` when `dir` holds no loadable model, an ensemble, or weights of another architecture.
 */
async function initWeightsFrom(model: OccupancyNetwork, dir: string, report: (p: TrainProgress) => void): Promise<void> {
  const { model: init } = await loadModel(dir);
  try {
    if (!(init instanceof OccupancyNetwork)) throw new PipelineError('BAD_MODEL', `train.initFrom ${dir} is an ensemble; give one member's folder`);
    try {
      model.net.loadStateDict(init.net.stateDict());
    } catch (e) {
      throw new PipelineError('BAD_MODEL', `train.initFrom ${dir}: its weights do not fit this model config: ${(e as Error).message}`, { cause: e });
    }
    const step = (init.config as { training?: { step?: number } }).training?.step;
    report({ phase: 'train', message: `weights from ${dir}${step !== undefined ? ` (trained ${step} steps)` : ''}` });
  } finally {
    init.dispose();
  }
}
