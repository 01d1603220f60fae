/**
 * The page: pick a sample or drop a file, reconstruct with the shipped model, show points and mesh,
 * timings, evaluation count, backend and metrics, download PLY/GLB; or (sample task) generate new shapes with the
 * shipped unconditional model and interpolate between two of them; or (image task) reconstruct one picture with the
 * shipped single-view model, the picture beside the mesh.
 *
 * URL parameters (all optional, mirrored by the controls): `task` (points | voxels | sample | image), `sample` (bunny |
 * cow | triceratops-xyz; image task: elk | fandisk | rotor | procedural-7), `backend` (webgpu | auto | wasm), `points` (default: the model's input size), `seed` (sample task:
 * of the two codes z_a, z_b), `tau`, `fill` (1 | 0: fill enclosed cavities; default: as the model asks), `tto` (1 | 0,
 * point-cloud task: test-time optimisation of the encoding; default: as the model asks), `res0`,
 * `steps`, `batch`, `eval` (points for IoU, 0 = skip), `t` (sample task: the slider, 0 = sample a … 1 = sample b),
 * `autorun=1` (start at load). `window.onet` exposes the state (used by the end-to-end test).
 */
import * as tf from '@tensorflow/tfjs-core';
import { writeGlb, writePly, type TriangleMesh } from '@onet/io';
import type { MiseProgress } from '@onet/mise';
import {
  DEFAULT_IMAGE_SIZE,
  GENERATE_MESH_DEFAULTS,
  PipelineError,
  asVaeModel,
  imageToModelInput,
  thresholdForInput,
  type ImageConditionableModel,
} from '@onet/model';
import { chooseBackend, type BackendPreference, type BrowserBackend } from './backend.js';
import { fetchGenerationPreview, loadPageModel, modelServed, modelUrl, type GenerationPreview, type PageModel } from './model.js';
import { drawModelInput } from './picture.js';
import {
  RUN_DEFAULTS,
  runImageReconstruction,
  runReconstruction,
  runSample,
  runVoxelReconstruction,
  ttoSetting,
  type RunHooks,
  type RunResult,
  type RunSettings,
  type SampleRunResult,
  type VoxelRunResult,
} from './run.js';
import type { GenerationStats, VoxelConditionableModel } from '@onet/model';
import { voxelsToMesh } from '@onet/sampling';
import { IMAGE_SAMPLES, SAMPLES, loadFile, type PageInput, type Sample } from './samples.js';
import { SideBySideViewer } from './viewer.js';

/** What `window.onet` holds. */
export interface PageState {
  status: 'idle' | 'loading' | 'running' | 'done' | 'error';
  backend?: string;
  backendMessage?: string;
  fallback?: boolean;
  adapter?: string;
  softwareAdapter?: boolean;
  modelMessage?: string;
  freshModel?: boolean;
  input?: string;
  settings?: RunSettings;
  /** MISE progress reports received during the current run, and the rounds they covered. */
  progress?: { updates: number; rounds: number[] };
  result?: {
    faces: number;
    vertices: number;
    evaluations: number;
    resolution: number;
    /** τ the generation used (the page's, or the model's for the points encoded). */
    threshold: number;
    inputPoints: number;
    /** Σ of all input coordinates (float64): lets a test check it drew the same points. */
    pointsChecksum: number;
    timeMs: Record<string, number>;
    evaluateMs: number;
    /** Voxel task: the input voxels' IoU against the mesh input (the baseline beside the model's `iou`). */
    voxelIou?: number;
    /** Point-cloud task: what test-time optimisation did; absent when it did not run. */
    testTimeOptimization?: { steps: number; surfaceLossBefore: number; surfaceLossAfter: number; timeMs: number };
    iou?: number;
    chamferL1?: number;
    normalConsistency?: number;
    fscore?: number;
    /** Every edge of the mesh in exactly two faces (sample and image tasks). */
    watertight?: boolean;
    /**
     * Image task: the picture's size, the model input's side S and Σ of its S·S·3 values in [0, 1] (float64): lets a
     * test check the page fed the network what `readImage` gives in Node.
     */
    picture?: { width: number; height: number; size: number; checksum: number };
    /** Sample task: the seed of the two codes z_a, z_b, the slider's t and the latent size. */
    sample?: { seed: number; t: number; zDim: number };
  };
  error?: string;
}

declare global {
  interface Window {
    onet: PageState;
  }
}

/** `state.result`'s fields every task fills from the generation stats (no input points, no evaluation). */
function meshResult(st: GenerationStats, wall: number): NonNullable<PageState['result']> {
  return { faces: st.faces, vertices: st.vertices, evaluations: st.evaluations, resolution: st.resolution, threshold: st.threshold, inputPoints: 0, pointsChecksum: 0, timeMs: { ...st.timeMs, wall }, evaluateMs: 0 };
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const state: PageState = { status: 'idle' };
window.onet = state;

const params = new URLSearchParams(location.search);
/**
 * The task: point cloud → mesh (the default), voxel super-resolution (32³ grid → mesh), unconditional sampling or
 * single-view reconstruction (one picture → mesh).
 */
type Task = 'points' | 'voxels' | 'sample' | 'image';
const task: Task = (['voxels', 'sample', 'image'] as const).find((t) => t === params.get('task')) ?? 'points';
/** Each task's shipped model (a folder under `models/`). */
const TASK_MODELS: Record<Task, string> = { points: 'default', voxels: 'voxels', sample: 'chair-vae', image: 'image' };
/** The served model folder (`models/<name>/`): the task's shipped model, or e.g. `default/planes` (one member). */
const modelName = params.get('model') ?? TASK_MODELS[task];
const num = (key: string, fallback: number): number => {
  const v = params.get(key);
  return v !== null && v !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback;
};

const ui = {
  task: $<HTMLSelectElement>('task'),
  sample: $<HTMLSelectElement>('sample'),
  file: $<HTMLInputElement>('file'),
  drop: $<HTMLLabelElement>('drop'),
  backend: $<HTMLSelectElement>('backend'),
  points: $<HTMLInputElement>('points'),
  seed: $<HTMLInputElement>('seed'),
  tau: $<HTMLInputElement>('tau'),
  tauOut: $<HTMLOutputElement>('tauOut'),
  fill: $<HTMLInputElement>('fill'),
  tto: $<HTMLInputElement>('tto'),
  res0: $<HTMLInputElement>('res0'),
  res0Out: $<HTMLOutputElement>('res0Out'),
  steps: $<HTMLInputElement>('steps'),
  stepsOut: $<HTMLOutputElement>('stepsOut'),
  run: $<HTMLButtonElement>('run'),
  cancel: $<HTMLButtonElement>('cancel'),
  backendLine: $<HTMLDivElement>('backendLine'),
  modelLine: $<HTMLDivElement>('modelLine'),
  progress: $<HTMLProgressElement>('progress'),
  phase: $<HTMLDivElement>('phase'),
  error: $<HTMLDivElement>('error'),
  stats: $<HTMLTableElement>('stats'),
  downloadPly: $<HTMLButtonElement>('downloadPly'),
  downloadGlb: $<HTMLButtonElement>('downloadGlb'),
  sampleControls: $<HTMLDivElement>('sampleControls'),
  newSample: $<HTMLButtonElement>('newSample'),
  t: $<HTMLInputElement>('t'),
  tOut: $<HTMLOutputElement>('tOut'),
  leftLabel: $<HTMLSpanElement>('leftLabel'),
  rightLabel: $<HTMLSpanElement>('rightLabel'),
  picture: $<HTMLCanvasElement>('picture'),
};

/** The task's built-in inputs: rendered pictures for the image task, meshes and point clouds otherwise. */
const samples: Sample[] = task === 'image' ? IMAGE_SAMPLES : SAMPLES;
for (const s of samples) ui.sample.add(new Option(s.label, s.id));
ui.sample.value = samples.some((s) => s.id === params.get('sample')) ? (params.get('sample') as string) : samples[0].id;
// auto by default: a software WebGPU adapter (SwiftShader) is ~70× slower than wasm, so auto takes wasm and says why
ui.backend.value = ['webgpu', 'auto', 'wasm'].includes(params.get('backend') ?? '') ? (params.get('backend') as string) : 'auto';
ui.points.value = params.get('points') ?? '';
ui.points.placeholder = 'model default';
ui.seed.value = String(num('seed', RUN_DEFAULTS.seed));
ui.tau.value = String(num('tau', GENERATE_MESH_DEFAULTS.threshold)); // until the model's own τ is known
ui.fill.checked = params.get('fill') === '1';
ui.tto.checked = params.get('tto') === '1';
ui.res0.value = String(num('res0', RUN_DEFAULTS.resolution0));
ui.steps.value = String(num('steps', RUN_DEFAULTS.upsamplingSteps));
const hidden = { batchSize: num('batch', RUN_DEFAULTS.batchSize), evalPoints: num('eval', RUN_DEFAULTS.evalPoints) };

ui.t.value = String(Math.min(1, Math.max(0, num('t', 0))));

function syncOutputs(): void {
  ui.tOut.value = Number(ui.t.value).toFixed(2);
  ui.tauOut.value = Number(ui.tau.value).toFixed(2);
  ui.res0Out.value = `${ui.res0.value} → final ${Number(ui.res0.value) * 2 ** Number(ui.steps.value)}³`;
  ui.stepsOut.value = ui.steps.value;
}
for (const el of [ui.tau, ui.res0, ui.steps]) el.addEventListener('input', syncOutputs);
/** τ stays the user's once given (URL `tau` or the slider); otherwise the model's own (chosen on validation). */
let tauChosen = params.has('tau');
ui.tau.addEventListener('input', () => (tauChosen = true));
/** The same for fillCavities (URL `fill` or the checkbox). */
let fillChosen = params.get('fill') === '1' || params.get('fill') === '0';
ui.fill.addEventListener('change', () => (fillChosen = true));
/** The same for test-time optimisation (URL `tto` or the checkbox; the point-cloud task only). */
let ttoChosen = params.get('tto') === '1' || params.get('tto') === '0';
ui.tto.addEventListener('change', () => (ttoChosen = true));
syncOutputs();

/**
 * Unless τ was chosen, show the model's own for the requested input size (its `thresholdByInputPoints`, else
 * `threshold`). A preview: the run passes no τ, so `reconstruct` picks it for the points actually encoded (fewer when
 * the cloud is smaller), and the slider then shows that one.
 */
function useModelTau(): void {
  const config: GenerationPreview | undefined = pageModel?.model.config ?? preview;
  if (!config) return;
  showModelTau(thresholdForInput(config, settings().points || config.inputPoints) ?? GENERATE_MESH_DEFAULTS.threshold);
}
function showModelTau(tau: number): void {
  if (tauChosen) return;
  ui.tau.value = String(tau);
  syncOutputs();
}
ui.points.addEventListener('input', useModelTau);

const viewer = new SideBySideViewer($('view'));
let dropped: PageInput | undefined;
let backend: (BrowserBackend & { preference: BackendPreference }) | undefined;
let pageModel: PageModel | undefined;
/** The served model's generation settings, read from its model.json at page load (before any network exists). */
let preview: GenerationPreview | undefined;
let lastMesh: { mesh: TriangleMesh; name: string } | undefined;
let abort: AbortController | undefined;

function settings(): RunSettings {
  return {
    points: ui.points.value.trim() === '' ? undefined : Math.round(Number(ui.points.value)),
    seed: Math.round(Number(ui.seed.value)),
    threshold: tauChosen ? Number(ui.tau.value) : undefined, // else the model's for the points it encodes
    fillCavities: ui.fill.checked,
    // nothing (the model's setting) unless the user changed the checkbox; ticked: the model's options, else the defaults
    ...(task === 'points' ? { testTimeOptimization: ttoSetting(ui.tto.checked, ttoChosen, ((pageModel?.model.config as GenerationPreview | undefined) ?? preview)?.testTimeOptimization) } : {}),
    resolution0: Math.round(Number(ui.res0.value)),
    upsamplingSteps: Math.round(Number(ui.steps.value)),
    batchSize: hidden.batchSize,
    evalPoints: hidden.evalPoints,
  };
}

function setPhase(text: string): void {
  ui.phase.textContent = text;
}

function showError(e: unknown): void {
  const err = e as { name?: string; code?: string; message?: string };
  const text = err?.name === 'AbortError' ? 'Cancelled.' : `${err?.code ? `[${err.code}] ` : ''}${err?.message ?? String(e)}`;
  ui.error.textContent = text;
  ui.error.hidden = false;
  state.status = 'error';
  state.error = text;
}

async function ensureBackendAndModel(): Promise<void> {
  const preference = ui.backend.value as BackendPreference;
  if (!backend || backend.preference !== preference) {
    setPhase('starting the tfjs backend…');
    pageModel?.model.dispose();
    pageModel = undefined;
    backend = { ...(await chooseBackend(preference)), preference };
    ui.backendLine.textContent = backend.message;
    ui.backendLine.classList.toggle('warn', backend.fallback || backend.softwareAdapter === true);
    Object.assign(state, {
      backend: backend.backend,
      backendMessage: backend.message,
      fallback: backend.fallback,
      adapter: backend.adapter,
      softwareAdapter: backend.softwareAdapter,
    });
  }
  if (!pageModel) {
    setPhase('loading the model…');
    if (task === 'image' && !(await modelServed(modelName))) {
      throw new PipelineError(
        'BAD_MODEL',
        `image model not shipped yet: models/${modelName}/ has no model.json (the single-view model is being trained; rebuild the page once packages/models/${modelName} has model.json and weights.bin), or pass ?model=<a served image model folder>`,
      );
    }
    // the image task never runs an untrained network: missing weights are an error there
    const loaded = await loadPageModel(0, modelName, task !== 'image');
    const input = (loaded.model.config as { input?: string }).input; // an ensemble has none: not an image model
    if (task === 'image' && input !== 'image') {
      loaded.model.dispose();
      throw new PipelineError('BAD_MODEL', `models/${modelName}/ is not an image model (its config has input ${JSON.stringify(input ?? 'points')}); the image task needs "input": "image"`);
    }
    pageModel = loaded;
    ui.modelLine.textContent = pageModel.message;
    ui.modelLine.classList.toggle('warn', pageModel.fresh);
    ui.points.placeholder = `model default (${pageModel.model.config.inputPoints})`;
    useModelTau();
    if (!fillChosen) ui.fill.checked = pageModel.model.config.fillCavities === true;
    if (!ttoChosen) ui.tto.checked = Boolean((pageModel.model.config as GenerationPreview).testTimeOptimization);
    state.modelMessage = pageModel.message;
    state.freshModel = pageModel.fresh;
  }
}

function progressText(p: MiseProgress, rounds: number): string {
  return `MISE round ${p.round + 1}/${rounds}: ${p.evaluatedInRound.toLocaleString('en')} / ${p.pointsInRound.toLocaleString('en')} points (${p.evaluated.toLocaleString('en')} evaluated)`;
}

const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

function showStats(rows: [string, string][]): void {
  ui.stats.replaceChildren(
    ...rows.map(([k, v]) => {
      const tr = document.createElement('tr');
      const a = document.createElement('td');
      const b = document.createElement('td');
      a.textContent = k;
      b.textContent = v;
      tr.append(a, b);
      return tr;
    }),
  );
}

/**
 * Start a run of any task: abort the one in flight, clear the error, results and downloads, and return the new run's
 * controller (it is `abort` until a newer run starts).
 */
function beginRun(): AbortController {
  abort?.abort();
  const ctl = new AbortController();
  abort = ctl;
  ui.error.hidden = true;
  ui.cancel.disabled = false;
  ui.downloadPly.disabled = ui.downloadGlb.disabled = true;
  ui.progress.value = 0;
  state.status = 'loading';
  state.error = undefined;
  state.result = undefined;
  return ctl;
}

/** A MISE progress reporter for `state.progress`, the bar and the phase line (`label` prefixes the line). */
function miseHooks(signal: AbortSignal, rounds: number, label: () => string = () => ''): RunHooks {
  const progress = { updates: 0, rounds: [] as number[] };
  state.progress = progress;
  return {
    signal,
    onProgress: (p: MiseProgress) => {
      progress.updates++;
      if (!progress.rounds.includes(p.round)) progress.rounds.push(p.round);
      ui.progress.value = Math.min(1, (p.round + p.evaluatedInRound / Math.max(1, p.pointsInRound)) / rounds);
      setPhase(`${label()}${progressText(p, rounds)}`);
    },
    beforeBatch: () => new Promise<void>((r) => setTimeout(r, 0)),
  };
}

async function run(): Promise<void> {
  if (task === 'sample') return runSampleTask();
  if (task === 'image') return runImageTask();
  const signal = beginRun().signal;
  ui.run.disabled = true;
  try {
    await ensureBackendAndModel();
    const s = settings();
    state.settings = s;
    const sample = samples.find((x) => x.id === ui.sample.value) ?? samples[0];
    setPhase('loading the input…');
    const input = dropped ?? (await sample.load());
    checkInputForTask(input);
    state.input = input.name;
    showInput(input); // at once: the points the network sees replace these when it is done
    state.status = 'running';
    const hooks = miseHooks(signal, s.upsamplingSteps + 1);
    if (task === 'voxels') setPhase(input.kind === 'mesh' ? 'voxelising the mesh at the model\'s 32³ and encoding…' : 'encoding the voxel grid…');
    else setPhase(input.kind === 'mesh' ? `drawing ${s.points ?? pageModel!.model.config.inputPoints} noisy surface points and encoding…` : 'encoding the point cloud…');
    const t0 = performance.now();
    if (input.kind === 'image') throw new Error('unreachable: checkInputForTask refuses pictures here');
    if (task === 'points' && input.kind === 'voxels') throw new Error('a voxel grid needs the voxel task: choose "Voxels → mesh"');
    const result: RunResult | VoxelRunResult =
      task === 'voxels'
        ? await runVoxelReconstruction(pageModel!.model as unknown as VoxelConditionableModel, input, s, hooks)
        : await runReconstruction(pageModel!.model, input, s, hooks);
    const wall = performance.now() - t0;
    ui.progress.value = 1;
    const voxelResult = task === 'voxels' ? (result as VoxelRunResult) : undefined;
    if (voxelResult) viewer.setInputMesh(voxelResult.voxelMesh);
    else viewer.setPoints(result.points);
    viewer.setMesh(result.mesh);
    lastMesh = { mesh: result.mesh, name: input.name };
    const st = result.stats;
    const tau = st.threshold; // the τ generation used
    showModelTau(tau);
    let checksum = 0;
    for (const v of result.points) checksum += v;
    state.result = {
      ...meshResult(st, wall),
      inputPoints: result.points.length / 3,
      pointsChecksum: checksum,
      evaluateMs: result.evaluateMs,
      ...(result.metrics
        ? { iou: result.metrics.iou, chamferL1: result.metrics.chamferL1, normalConsistency: result.metrics.normalConsistency, fscore: result.metrics.fscore }
        : {}),
      ...(voxelResult?.voxelMetrics ? { voxelIou: voxelResult.voxelMetrics.iou } : {}),
      ...(result.testTimeOptimization ? { testTimeOptimization: result.testTimeOptimization } : {}),
    };
    const rows: [string, string][] = [
      ['backend', state.backend ?? '?'],
      voxelResult
        ? ['input', `${input.name}: ${input.kind === 'mesh' ? 'mesh voxelised at ' : ''}${(pageModel!.model.config as { voxelResolution?: number }).voxelResolution ?? 32}³ voxels (left)`]
        : ['input', `${input.name}: ${result.points.length / 3} points${input.kind === 'mesh' ? ' (noisy surface samples)' : ''}`],
      ['network evaluations', `${st.evaluations.toLocaleString('en')} (${st.evaluationsPerRound.map((n) => n.toLocaleString('en')).join(' + ')})`],
      ['grid', `${s.resolution0} → ${st.resolution}³, τ = ${+tau.toFixed(4)}${s.threshold === undefined ? ' (the model\'s for this input size)' : ''}`],
      ['mesh', `${st.vertices.toLocaleString('en')} vertices, ${st.faces.toLocaleString('en')} faces`],
      ['encode', `${ms(st.timeMs.encode)}${state.backend === 'webgpu' ? ' (queued; WebGPU runs asynchronously, so its GPU time lands in the first MISE batch)' : ''}`],
      ...(result.testTimeOptimization
        ? [['test-time optimisation', `${result.testTimeOptimization.steps} Adam steps, surface loss ${result.testTimeOptimization.surfaceLossBefore.toFixed(3)} → ${result.testTimeOptimization.surfaceLossAfter.toFixed(3)}, ${ms(result.testTimeOptimization.timeMs)} (in encode)`] as [string, string]]
        : []),
      ['MISE (network)', `${ms(st.timeMs.mise)} (${ms(st.timeMs.network)})`],
      ['marching cubes', ms(st.timeMs.marchingCubes)],
      ['total', ms(wall)],
    ];
    if (result.metrics) {
      const m = result.metrics;
      rows.push(
        ['IoU', m.iou.toFixed(3)],
        ['Chamfer-L1', m.chamferL1.toFixed(4)],
        ['normal consistency', m.normalConsistency.toFixed(3)],
        ['F-score@1%', m.fscore.toFixed(3)],
        ['evaluation', `${s.evalPoints.toLocaleString('en')} points, ${ms(result.evaluateMs)}`],
      );
    }
    if (voxelResult?.voxelMetrics) {
      const v = voxelResult.voxelMetrics;
      rows.push(
        ['input voxels IoU', v.iou.toFixed(3)],
        ['input voxels Chamfer-L1', v.chamferL1.toFixed(4)],
        ['input voxels F-score@1%', v.fscore.toFixed(3)],
      );
    }
    showStats(rows);
    setPhase(st.faces > 0 ? 'Done. Drag to orbit, scroll to zoom.' : 'Done, but the mesh is empty: no point reached τ (try a lower threshold).');
    ui.downloadPly.disabled = ui.downloadGlb.disabled = st.faces === 0;
    state.status = 'done';
  } catch (e) {
    showError(e);
    setPhase('');
  } finally {
    ui.run.disabled = false;
    ui.cancel.disabled = true;
    if (state.status === 'done' && tf.memory().numTensors > 0) console.debug(`tfjs tensors alive: ${tf.memory().numTensors}`);
  }
}

/**
 * The image task (ONet §4.2): the picture (a rendered sample or the user's) becomes the model's S² input
 * (`imageToModelInput`, the CLI's rule), shown scaled up on the left; the single-view model's mesh, in the picture's
 * view frame, on the right, first seen from the picture's camera (+z).
 */
async function runImageTask(): Promise<void> {
  const signal = beginRun().signal;
  ui.run.disabled = true;
  try {
    setPhase('loading the input…');
    const sample = samples.find((x) => x.id === ui.sample.value) ?? samples[0];
    const input = dropped ?? (await sample.load());
    checkInputForTask(input);
    if (input.kind !== 'image') return; // checked above; narrows the type
    state.input = input.name;
    showInput(input);
    await ensureBackendAndModel();
    const model = pageModel!.model as unknown as ImageConditionableModel;
    const s = settings();
    state.settings = s;
    state.status = 'running';
    const hooks = miseHooks(signal, s.upsamplingSteps + 1);
    setPhase('encoding the picture…');
    const t0 = performance.now();
    const r = await runImageReconstruction(model, input.picture, s, hooks);
    const wall = performance.now() - t0;
    ui.progress.value = 1;
    drawModelInput(ui.picture, r.image);
    viewer.setViewMesh(r.mesh);
    lastMesh = { mesh: r.mesh, name: input.name };
    const st = r.stats;
    showModelTau(st.threshold);
    const S = Math.round(Math.sqrt(r.image.length / 3));
    let checksum = 0;
    for (const v of r.image) checksum += v;
    state.result = { ...meshResult(st, wall), watertight: r.watertight, picture: { width: input.picture.width, height: input.picture.height, size: S, checksum } };
    showStats([
      ['backend', state.backend ?? '?'],
      ['input', `${input.name}: ${input.picture.width}×${input.picture.height} picture → ${S}² RGB (padded to a square with white, area-averaged; left)`],
      ['frame', 'the picture\'s view: x right, y up, camera on +z (the right view starts there)'],
      ['network evaluations', `${st.evaluations.toLocaleString('en')} (${st.evaluationsPerRound.map((n) => n.toLocaleString('en')).join(' + ')})`],
      ['grid', `${s.resolution0} → ${st.resolution}³, τ = ${+st.threshold.toFixed(4)}${s.threshold === undefined ? ' (the model\'s)' : ''}`],
      ['mesh', `${st.vertices.toLocaleString('en')} vertices, ${st.faces.toLocaleString('en')} faces`],
      ['watertight', r.watertight ? 'yes (every edge in two faces)' : 'NO'],
      ['encode', ms(st.timeMs.encode)],
      ['MISE (network)', `${ms(st.timeMs.mise)} (${ms(st.timeMs.network)})`],
      ['marching cubes', ms(st.timeMs.marchingCubes)],
      ['total', ms(wall)],
    ]);
    setPhase(st.faces > 0 ? 'Done. Drag the right view to orbit, scroll to zoom.' : 'Done, but the mesh is empty: no point reached τ (try a lower threshold).');
    ui.downloadPly.disabled = ui.downloadGlb.disabled = st.faces === 0;
    state.status = 'done';
  } catch (e) {
    showError(e);
    setPhase('');
  } finally {
    ui.run.disabled = false;
    ui.cancel.disabled = true;
  }
}

/** The backend and model being loaded, shared by overlapping sample runs (a slider moved while the model loads). */
let loading: Promise<void> | undefined;
/** The settings sample a (the left view) was decoded with; it is decoded again only when they change. */
let leftKey: string | undefined;

/**
 * The sample task (ONet §4.4): the codes z_a, z_b ~ N(0, I) of the seed, the shape at z = (1 − t)·z_a + t·z_b on the
 * right (`runSample`, the library functions `onet sample` uses) and sample a on the left. A newer run (the slider,
 * New sample) supersedes this one: it is aborted between network batches and reports nothing.
 */
async function runSampleTask(): Promise<void> {
  const ctl = beginRun();
  const current = (): boolean => abort === ctl;
  try {
    await (loading ??= ensureBackendAndModel().finally(() => (loading = undefined)));
    const model = asVaeModel(pageModel!.model, modelUrl(modelName));
    const s = settings();
    const t = Number(ui.t.value);
    if (!current()) return;
    state.settings = s;
    state.status = 'running';
    let what = `t = ${t.toFixed(2)}`;
    const hooks = miseHooks(ctl.signal, s.upsamplingSteps + 1, () => `${what}: `);
    setPhase(`decoding the shape at ${what}…`);
    const t0 = performance.now();
    const r = await runSample(model, t, s, hooks);
    const key = JSON.stringify([modelName, s.seed, s.threshold, s.fillCavities, s.resolution0, s.upsamplingSteps]);
    let a: SampleRunResult | undefined;
    if (leftKey !== key) {
      what = 'sample a (left view)';
      a = t === 0 ? r : await runSample(model, 0, s, hooks);
    }
    const wall = performance.now() - t0;
    if (!current()) return;
    ui.progress.value = 1;
    if (a) {
      viewer.setInputMesh(a.mesh); // frames the camera on sample a; later slider moves keep the view
      leftKey = key;
    }
    viewer.setMesh(r.mesh);
    lastMesh = { mesh: r.mesh, name: `sample-seed${s.seed}-t${t.toFixed(2)}` };
    const st = r.stats;
    showModelTau(st.threshold);
    state.result = { ...meshResult(st, wall), watertight: r.watertight, sample: { seed: s.seed, t, zDim: r.z.length } };
    showStats([
      ['backend', state.backend ?? '?'],
      ['model', `${modelName}: unconditional (vae), z_dim ${r.z.length}`],
      ['seed', `${s.seed}: z_a, z_b ~ N(0, I) (as onet sample -n 2 --seed ${s.seed})`],
      ['shape', `z = (1 − t)·z_a + t·z_b, t = ${t.toFixed(2)}`],
      ['network evaluations', `${st.evaluations.toLocaleString('en')} (${st.evaluationsPerRound.map((n) => n.toLocaleString('en')).join(' + ')})`],
      ['grid', `${s.resolution0} → ${st.resolution}³, τ = ${+st.threshold.toFixed(4)}${s.threshold === undefined ? ' (the model\'s)' : ''}`],
      ['mesh', `${st.vertices.toLocaleString('en')} vertices, ${st.faces.toLocaleString('en')} faces`],
      ['watertight', r.watertight ? 'yes (every edge in two faces)' : 'NO'],
      ['MISE (network)', `${ms(st.timeMs.mise)} (${ms(st.timeMs.network)})`],
      ['marching cubes', ms(st.timeMs.marchingCubes)],
      ['total', `${ms(wall)}${a && a !== r ? ' (with sample a)' : ''}`],
    ]);
    setPhase(st.faces > 0 ? 'Done. Move the slider to morph into sample b; drag to orbit.' : 'Done, but the mesh is empty: no point reached τ (try a lower threshold).');
    ui.downloadPly.disabled = ui.downloadGlb.disabled = st.faces === 0;
    state.status = 'done';
  } catch (e) {
    if (!current()) return; // superseded by a newer run: its result is what counts
    showError(e);
    setPhase('');
  } finally {
    if (current()) ui.cancel.disabled = true;
  }
}

function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

ui.run.addEventListener('click', () => void run());
ui.cancel.addEventListener('click', () => abort?.abort());
ui.downloadPly.addEventListener('click', () => lastMesh && download(writePly(lastMesh.mesh), `${lastMesh.name}-onet.ply`, 'application/octet-stream'));
ui.downloadGlb.addEventListener('click', async () => {
  if (lastMesh) download(await writeGlb(lastMesh.mesh, { name: lastMesh.name }), `${lastMesh.name}-onet.glb`, 'model/gltf-binary');
});
/** The drop area's text before a file is chosen. */
const DROP_HINT = task === 'image' ? 'or drop / choose a picture (.png .jpg)' : 'or drop / choose a file (.ply .obj .off .stl .glb .xyz .binvox .npy)';
ui.drop.firstChild!.textContent = DROP_HINT;
if (task === 'image') ui.file.accept = '.png,.jpg,.jpeg,image/png,image/jpeg';
ui.sample.addEventListener('change', () => {
  dropped = undefined;
  fileOption.hidden = true;
  ui.drop.firstChild!.textContent = DROP_HINT;
});

/** An entry of the sample selector that names a chosen file while it is the input. */
const fileOption = new Option('your file', '__file__');
fileOption.hidden = true;
fileOption.disabled = true;
ui.sample.add(fileOption);

/**
 * Pictures are the image task's input and only its.
 * @throws Error naming the task to choose.
 */
function checkInputForTask(input: PageInput): void {
  if (task === 'image' && input.kind !== 'image') throw new Error(`the image task takes a picture (.png .jpg); for a ${input.kind === 'voxels' ? 'voxel grid' : input.kind === 'mesh' ? 'mesh' : 'point cloud'} choose another task`);
  if (task !== 'image' && input.kind === 'image') throw new Error('a picture needs the image task: choose "Picture → mesh"');
}

/**
 * Show an input as soon as it is read: a point cloud's points, a mesh's vertices (its noisy samples come with the run),
 * a picture as the model's S² input (S of the loaded model, else the default 64).
 */
function showInput(input: PageInput): void {
  if (input.kind === 'image') {
    const size = (pageModel?.model.config as { imageSize?: number } | undefined)?.imageSize ?? DEFAULT_IMAGE_SIZE;
    drawModelInput(ui.picture, imageToModelInput(input.picture, size));
    ui.picture.hidden = false;
    viewer.setViewMesh({ positions: new Float32Array(0), indices: new Uint32Array(0) }); // the previous mesh goes
  } else if (input.kind === 'voxels') {
    const { grid, transform } = input.voxels;
    const blocks = voxelsToMesh(grid);
    const p = blocks.positions;
    for (let i = 0; i < p.length; i += 3) for (let k = 0; k < 3; k++) p[i + k] = p[i + k] * transform.scale + transform.loc[k];
    viewer.setInputMesh(blocks);
  } else viewer.setPoints(input.kind === 'points' ? input.points : input.mesh.positions);
}

async function takeFile(file: File | undefined): Promise<void> {
  if (!file || task === 'sample') return; // the sample task has no input
  ui.error.hidden = true;
  try {
    const input = await loadFile(file);
    checkInputForTask(input);
    dropped = input;
    fileOption.text = `your file: ${file.name}`;
    fileOption.hidden = false;
    ui.sample.value = fileOption.value; // the selector no longer names the previous sample
    showInput(dropped);
    ui.drop.firstChild!.textContent = `${file.name}: ${dropped.kind === 'mesh' ? `mesh, ${dropped.mesh.indices.length / 3} faces` : dropped.kind === 'voxels' ? `${dropped.voxels.resolution}³ voxels` : dropped.kind === 'image' ? `picture ${dropped.picture.width}×${dropped.picture.height}` : `${dropped.points.length / 3} points`}`;
    void run();
  } catch (e) {
    dropped = undefined;
    showError(e);
  }
}
ui.file.addEventListener('change', () => void takeFile(ui.file.files?.[0]));
window.addEventListener('dragover', (e) => {
  e.preventDefault();
  ui.drop.classList.add('over');
});
window.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
window.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  void takeFile(e.dataTransfer?.files?.[0]);
});

/** Show the model's τ and fill setting before the first run (the controls stay the user's once touched). */
async function showModelDefaults(): Promise<void> {
  preview = await fetchGenerationPreview(modelName);
  if (!preview || pageModel) return;
  if (preview.inputPoints) ui.points.placeholder = `model default (${preview.inputPoints})`;
  useModelTau();
  if (!fillChosen) ui.fill.checked = preview.fillCavities === true;
  if (!ttoChosen) ui.tto.checked = Boolean(preview.testTimeOptimization);
}

/** Keep `seed` and `t` in the address bar, so a sample can be shared and reloaded. */
function syncSampleUrl(): void {
  const next = new URLSearchParams(location.search);
  next.set('seed', String(settings().seed));
  next.set('t', String(Number(ui.t.value)));
  history.replaceState(null, '', `?${next.toString()}`);
}

// test-time optimisation optimises a point-cloud encoding: the point-cloud task's control only
if (task !== 'points') document.querySelectorAll<HTMLElement>('#controls .tto-only').forEach((el) => (el.hidden = true));

if (task === 'image') {
  document.querySelectorAll<HTMLElement>('#controls .points-only').forEach((el) => (el.hidden = true));
  ui.picture.hidden = false;
  ui.leftLabel.textContent = 'Input picture (what the model sees)';
  ui.rightLabel.textContent = 'Reconstruction (the picture\'s view frame)';
  setPhase('Pick a rendered sample or drop a picture (.png .jpg): one object, centred, on a plain light background.');
}

if (task === 'sample') {
  document.querySelectorAll<HTMLElement>('#controls .input-only').forEach((el) => (el.hidden = true));
  ui.sampleControls.hidden = false;
  ui.run.textContent = 'Generate';
  ui.leftLabel.textContent = 'Sample a (t = 0)';
  ui.rightLabel.textContent = 'Shape at t';
  setPhase('Press Generate (or New sample), then move the slider to interpolate from sample a to sample b.');
  let debounce: ReturnType<typeof setTimeout> | undefined;
  ui.t.addEventListener('input', () => {
    syncOutputs();
    syncSampleUrl();
    clearTimeout(debounce);
    debounce = setTimeout(() => void run(), 250); // one generation when the slider comes to rest
  });
  ui.seed.addEventListener('change', syncSampleUrl);
  ui.newSample.addEventListener('click', () => {
    ui.seed.value = String(settings().seed + 1);
    ui.t.value = '0';
    syncOutputs();
    syncSampleUrl();
    void run();
  });
}

ui.task.value = task;
// Switching the task reloads the page with ?task=…: a different model, a different input kind.
ui.task.addEventListener('change', () => {
  const next = new URLSearchParams(location.search);
  next.set('task', ui.task.value);
  next.delete('model');
  location.search = next.toString();
});

if (params.get('autorun') === '1') void run();
else void showModelDefaults();
