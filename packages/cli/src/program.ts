/**
 * The `onet` command line program: a thin layer over the library functions (everything here is callable from
 * code through `@onet/model`, `@onet/model/node`, `@onet/train/node` and `@onet/nn/node`).
 *
 * Conventions, the same in every command:
 * - Every argument is checked before any work (no backend started, no model loaded): ranges in commander
 *   `argParser`s, combinations and output-is-input in a `preAction` hook, inputs and output folders first thing
 *   in the action.
 * - A usage error (bad flag or value, output that is an input) prints one line and the hint
 *   `see 'onet <cmd> --help'`, exit code 2; a runtime error (unreadable input, bad model, degenerate input)
 *   prints one line `onet: error [CODE]: …`, exit code 1 (`--verbose`: with the stack).
 * - `--json`: stdout holds exactly one JSON document, the command's result; everything else goes to stderr.
 * - Long commands show a progress bar on a terminal and plain lines otherwise.
 */
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, Option, InvalidArgumentError } from 'commander';
import type { MiseProgress } from '@onet/mise';
import { selectNodeBackend, type NodeBackendName } from '@onet/nn/node';
import { assertOutputNotInput, loadModel, reconstructFile, readInput, readMeshFile } from '@onet/model/node';
import { modelDir } from '@onet/models';
import { PipelineError, MIN_INPUT_POINTS, checkNotDegenerate, type GenerateMeshOptions, TEST_TIME_AUGMENTATIONS, TEST_TIME_OPTIMIZATION_DEFAULTS, type TestTimeOptimizationOptions } from '@onet/model';
import { formatMetrics, formatStats, formatTestTimeOptimization, loadMessageForRun } from './format.js';
import { describeVoxelInput } from './describeVoxelInput.js';
import { registerQueueCommands } from './queue.js';
import { progress } from './progress.js';
import cliProgress from 'cli-progress';
import { registerSampleCommands } from './sample.js';
import { reconstructMeshPicture } from './meshPicture.js';

const VERSION = '0.1.0';

/** Largest `resolution0 · 2^upsamplingSteps` (the MISE grid limit). */
const MAX_GRID = 1024;

/** An integer in [min, max], checked while parsing (before a backend starts or a model loads). */
function int(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}]`);
    }
    return n;
  };
}

/** A finite number in [min, max], checked while parsing. */
function num(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}]`);
    return n;
  };
}

/** A probability in (0, 1), checked while parsing (before a backend starts or a model loads). */
function probability(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${name} must be a probability in (0, 1)`);
    return n;
  };
}

/** A shard `k/N` with 0 ≤ k < N, checked while parsing (kept as the string the libraries parse). */
function shardSpec(v: string): string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  if (!m || !(Number(m[2]) >= 1) || !(Number(m[1]) < Number(m[2]))) throw new InvalidArgumentError('shard must look like k/N with 0 ≤ k < N');
  return v;
}

/** A file path whose extension is one of `exts`, checked while parsing. */
function pathWithExtension(exts: readonly string[]) {
  return (v: string): string => {
    const ext = /\.([a-z0-9]+)$/i.exec(v)?.[1].toLowerCase();
    if (!ext || !exts.includes(ext)) throw new InvalidArgumentError(`unknown extension; use ${exts.map((e) => `.${e}`).join(', ')}`);
    return v;
  };
}

const SEED = () => int('seed', 0, 2 ** 32 - 1);
const EVAL_POINTS = () => int('eval-points', 1, 10_000_000);

/** An error found before any work: reported as a usage error (exit code 2, with the `--help` hint). @internal */
class UsageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Check that `path` can be written as a file (`kind: 'file'`) or a folder (`'dir'`) before any work: it is not
 * of the other kind, and its nearest existing folder is a writable folder.
 * @throws {@link PipelineError} `UNWRITABLE_OUTPUT` naming the path and the reason.
 */
export async function checkWritable(path: string, kind: 'file' | 'dir'): Promise<void> {
  const fail = (why: string): never => {
    throw new PipelineError('UNWRITABLE_OUTPUT', `${path}: cannot write here (${why})`);
  };
  const abs = resolve(path);
  const own = await stat(abs).catch(() => undefined);
  if (own && kind === 'file' && own.isDirectory()) fail('it is a folder');
  if (own && kind === 'dir' && !own.isDirectory()) fail('it is a file, not a folder');
  let dir = own && kind === 'dir' ? abs : dirname(abs);
  for (;;) {
    const s = await stat(dir).catch(() => undefined);
    if (s) {
      if (!s.isDirectory()) fail(`${dir} is a file, not a folder`);
      await access(dir, constants.W_OK | constants.X_OK).catch(() => fail(`${dir} is not writable`));
      return;
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** Check that an input file or folder exists before any work. @throws {@link PipelineError} `UNREADABLE_INPUT`. */
async function checkExists(path: string, what: string, kind: 'file' | 'dir'): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new PipelineError('UNREADABLE_INPUT', `${path}: no such ${what}; check the path`);
  if (kind === 'dir' && !s.isDirectory()) throw new PipelineError('UNREADABLE_INPUT', `${path}: ${what} is not a folder`);
  if (kind === 'file' && s.isDirectory()) throw new PipelineError('UNREADABLE_INPUT', `${path}: ${what} is a folder, not a file`);
}

/** Where a command's human-readable lines go: stdout, or stderr under `--json` (stdout then holds only JSON). */
function reporter(json: boolean | undefined): { say: (line: string) => void; result: (value: unknown) => void } {
  return {
    say: (line) => (json ? console.error(line) : console.log(line)),
    result: (value) => {
      if (json) console.log(JSON.stringify(value, null, 1));
    },
  };
}

const JSON_HELP = 'print the result as one JSON document on stdout (all other output goes to stderr)';

/** A progress bar on stderr over MISE rounds; a no-op when stderr is not a terminal. */
export function miseProgressBar(): { onProgress: (p: MiseProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: '  MISE round {round} [{bar}] {value}/{total} points', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let round = -1;
  return {
    onProgress(p) {
      if (p.round !== round) {
        if (round >= 0) bar.stop();
        round = p.round;
        bar.start(p.pointsInRound, 0, { round: p.round });
      }
      bar.update(p.evaluatedInRound, { round: p.round });
    },
    stop() {
      if (round >= 0) bar.stop();
    },
  };
}

const backendOption = () =>
  new Option('--backend <name>', 'tfjs backend: auto (hardware WebGPU, else wasm), webgpu, wasm, cpu').choices(['auto', 'webgpu', 'wasm', 'cpu']).default('auto');

/** Add the MISE/τ/refinement flags of `onet generate` to `cmd`. @internal (the queue's `submit generate` reuses them) */
export function generationOptions(cmd: Command): Command {
  return cmd
    .option('--resolution0 <n>', 'coarse MISE grid resolution (2–512)', int('resolution0', 2, 512), 32)
    .option('--upsampling-steps <n>', `MISE upsampling steps (0–6; resolution0·2^steps ≤ ${MAX_GRID})`, int('upsampling-steps', 0, 6), 2)
    .option('--threshold <p>', 'occupancy threshold τ as a probability (default: the model\'s for the input\'s size, chosen on validation; else 0.2)', probability('threshold'))
    .option('--fill-cavities', 'fill enclosed voids before marching cubes (default: as the model asks; the shipped model does)')
    .option('--no-fill-cavities', 'keep enclosed voids')
    .addOption(new Option('--normals <kind>', 'vertex normals').choices(['none', 'grid', 'network']).default('none'))
    .option('--refine <steps>', 'refinement steps (reference demo: 30)', int('refine', 0, 100_000), 0)
    .option('--batch-size <n>', 'points per network call', int('batch-size', 1, 10_000_000), 100_000)
    .addOption(new Option('--test-time-augmentation <kind>', "average over the input turned 180° about x, y and z (4× the time), or not (default: as the model asks)").choices(Object.keys(TEST_TIME_AUGMENTATIONS)));
}

/** Checks of the generation flags that involve two of them. @throws UsageError */
function checkGenerationFlags(o: Record<string, unknown>): void {
  const r0 = o.resolution0 as number, steps = o.upsamplingSteps as number;
  if (r0 * 2 ** steps > MAX_GRID) {
    throw new UsageError('INVALID_OPTION', `--resolution0 ${r0} with --upsampling-steps ${steps} gives a ${r0 * 2 ** steps}³ grid; resolution0·2^steps must be ≤ ${MAX_GRID}`);
  }
}

/**
 * The flags that {@link generationOptions} adds, as {@link GenerateMeshOptions} (all but `--test-time-augmentation`,
 * a `loadModel` option). @internal (exported for tests)
 */
export function generationFlags(o: Record<string, unknown>): GenerateMeshOptions {
  return {
    resolution0: o.resolution0 as number,
    upsamplingSteps: o.upsamplingSteps as number,
    threshold: o.threshold as number,
    fillCavities: o.fillCavities as boolean | undefined,
    normals: o.normals as GenerateMeshOptions['normals'],
    refinementSteps: o.refine as number,
    batchSize: o.batchSize as number,
  };
}

/** Run `check` before the command's action; whatever it throws is a usage error (exit 2, `--help` hint). */
function precheck(cmd: Command, check: (args: string[], o: Record<string, unknown>) => void | Promise<void>): Command {
  return cmd.hook('preAction', async (_self, action) => {
    try {
      // processedArgs: the declared arguments, then any excess ones (a command that allows them)
      await check([...(action.processedArgs as string[]), ...action.args.slice(action.registeredArguments.length)], action.opts());
    } catch (e) {
      if (!(e instanceof UsageError || e instanceof PipelineError)) throw e;
      action.error(`error [${e.code}]: ${e.message}`, { exitCode: 2, code: 'onet.usage' });
    }
  });
}

/** Whether `--tto` or `--tto-steps` asked for test-time optimisation (not the model's own setting). */
function ttoAsked(o: Record<string, unknown>): boolean {
  return o.tto === true || o.ttoSteps !== undefined;
}

/**
 * `testTimeOptimization` for `reconstruct` from `--tto` / `--no-tto` / `--tto-steps`, given the model's own setting
 * `model` (`config.testTimeOptimization`): `--no-tto` = false; `--tto` = the model's setting, or `true` (the defaults)
 * for a model without one; `--tto-steps N` = the model's options with `steps: N`; none of them: nothing (the model's
 * setting applies). @internal (exported for tests)
 */
export function ttoFlags(o: Record<string, unknown>, model: boolean | TestTimeOptimizationOptions | undefined): { testTimeOptimization?: boolean | TestTimeOptimizationOptions } {
  if (o.tto === false) return { testTimeOptimization: false };
  if (o.ttoSteps !== undefined) return { testTimeOptimization: { ...(typeof model === 'object' ? model : {}), steps: o.ttoSteps as number } };
  if (o.tto === true) return { testTimeOptimization: model || true };
  return {};
}

/** Build the `onet` program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('onet')
    .description('Occupancy Networks in TypeScript: reconstruct watertight meshes from point clouds.')
    .version(VERSION)
    .option('--verbose', 'print stack traces of errors');

  const reconstruct = generationOptions(
    program
      .command('reconstruct')
      .description('reconstruct a mesh from a point cloud (.ply .xyz .txt .pts .csv .npz), a voxel grid (.binvox .npy .npz; voxel super-resolution), points drawn on a mesh (.off .obj .ply .stl .glb) or a picture (.png .jpg; single-view reconstruction)')
      .argument('<input>', 'point cloud, voxel grid, mesh or picture file')
      .requiredOption('-o, --output <file>', 'output mesh (.ply .obj .off .glb)', pathWithExtension(['ply', 'obj', 'off', 'glb']))
      .option('--gt <mesh>', "ground-truth mesh: print IoU, Chamfer-L1, normal consistency, F-score@0.01 (a mesh input is its own; with --input image given in the input mesh's frame, scored in the view's frame)")
      .option('--model <dir>', 'folder with model.json + weights.bin, or an ensemble folder (default: the shipped model for the input: models/default, models/voxels for voxels, models/image for pictures and --input image)')
      .addOption(
        new Option(
          '--input <kind>',
          "mesh input: feed the model noisy surface points, the mesh voxelised at the model's resolution (32³; default model: models/voxels), or a picture of it rendered from a seeded view (default model: models/image; the output mesh and the metrics are in that view's frame)",
        )
          .choices(['points', 'voxels', 'image'])
          .default('points'),
      )
      .option('--view-seed <n>', "--input image: seed of the view (a random camera of the model's, elevation −20°…50°; default 0)", SEED())
      .option('--save-input <png>', '--input image: also write the rendered picture the model saw (PNG)', pathWithExtension(['png']))
      .option('--points <n>', `mesh input: number of noisy surface points (${MIN_INPUT_POINTS}–10⁷; default: the model's inputPoints)`, int('points', MIN_INPUT_POINTS, 10_000_000))
      .option('--noise <sigma>', 'mesh input: Gaussian noise σ in unit-cube units (0–1; default: the model\'s noiseStd)', num('noise', 0, 1))
      .option('--no-normalize', 'point-cloud input is already in the model\'s unit cube')
      .option('--seed <n>', 'seed for sampling', SEED(), 0)
      .option('--eval-points <n>', 'points per mesh for the metrics (reference 100000)', EVAL_POINTS(), 100_000)
      .option('--tto', `point input: test-time optimisation of the encoding with the model's options (Adam steps moving the features so that the input points lie on the τ level set), or the defaults (${TEST_TIME_OPTIMIZATION_DEFAULTS.steps} steps) for a model without any; default: the model's setting (the shipped default model turns it on)`)
      .option('--no-tto', "point input: no test-time optimisation, the encoder's output as it is (faster; the shipped default's output before it turned optimisation on)")
      .option('--tto-steps <n>', `point input: test-time optimisation with this many Adam steps (1–10000; default: the model's, else ${TEST_TIME_OPTIMIZATION_DEFAULTS.steps}), the model's other options kept; implies --tto`, int('tto steps', 1, 10_000))
      .option('--json', JSON_HELP)
      .addOption(backendOption())
      // to name a number after --tto (its old [steps] value) in the error rather than commander's "too many arguments"
      .allowExcessArguments(),
  );
  precheck(reconstruct, async ([input, ...extra], o) => {
    if (extra.length > 0) {
      const old = /^\d+$/.test(extra[0]) ? ` (--tto takes no value: give the number of steps as --tto-steps ${extra[0]})` : '';
      throw new UsageError('INVALID_OPTION', `too many arguments: expected one <input>, got ${JSON.stringify([input, ...extra])}${old}`);
    }
    checkGenerationFlags(o);
    if (o.input !== 'image' && (o.viewSeed !== undefined || o.saveInput !== undefined)) throw new UsageError('INVALID_OPTION', '--view-seed and --save-input go with --input image');
    if (o.tto === false && o.ttoSteps !== undefined) throw new UsageError('INVALID_OPTION', '--no-tto and --tto-steps contradict each other; give one');
    if (ttoAsked(o) && o.input !== 'points') throw new UsageError('INVALID_OPTION', `--tto optimises a point-cloud encoding; it does not go with --input ${o.input as string}`);
    await assertOutputNotInput(o.output as string, [input, o.gt as string | undefined]);
    if (o.saveInput) {
      await assertOutputNotInput(o.saveInput as string, [input, o.gt as string | undefined]);
      if (resolve(o.saveInput as string) === resolve(o.output as string)) throw new UsageError('OUTPUT_IS_INPUT', '--save-input and --output are the same file');
    }
  }).action(async (input: string, o) => {
    // Fail fast on bad inputs and outputs, before starting a backend or loading the network.
    const { say, result } = reporter(o.json);
    await checkWritable(o.output, 'file');
    if (o.saveInput) await checkWritable(o.saveInput, 'file');
    if (o.model) await checkExists(o.model, 'model folder', 'dir');
    const data = await readInput(input);
    if (o.input === 'image' && data.kind !== 'mesh') throw new PipelineError('INVALID_OPTION', `${input}: --input image renders a mesh; give a mesh file (.off .obj .ply .stl .glb), or pass a picture without --input`);
    if (ttoAsked(o) && (data.kind === 'voxels' || data.kind === 'image')) {
      throw new PipelineError('INVALID_OPTION', `${input}: --tto optimises a point-cloud encoding; give a point cloud or a mesh (not a ${data.kind === 'voxels' ? 'voxel grid' : 'picture'})`);
    }
    if (data.kind === 'points') checkNotDegenerate(data.cloud.points, `input point cloud ${input}`);
    else if (data.kind === 'mesh') checkNotDegenerate(data.mesh.positions, `input mesh ${input}'s vertices`, 4);
    const gt = o.gt ? await readMeshFile(o.gt) : undefined;
    const backend = await selectNodeBackend(o.backend as NodeBackendName);
    console.error(backend.message);
    const voxelInput = data.kind === 'voxels' || (data.kind === 'mesh' && o.input === 'voxels');
    const imageInput = data.kind === 'image' || (data.kind === 'mesh' && o.input === 'image');
    const loaded = await loadModel(o.model ?? modelDir(imageInput ? 'image' : voxelInput ? 'voxels' : 'default'), { testTimeAugmentation: o.testTimeAugmentation });
    console.error(loadMessageForRun(loaded.message, loaded.model.config.testTimeOptimization, o.tto));
    if (data.kind === 'mesh' && o.input === 'image') {
      // a picture rendered from the mesh: the reconstruction (and the metrics) are in that view's frame
      const r = await reconstructMeshPicture(loaded.model, data.mesh, {
        input,
        output: o.output,
        saveInput: o.saveInput,
        viewSeed: o.viewSeed ?? 0,
        gt,
        evalPoints: o.evalPoints,
        seed: o.seed,
        generation: generationFlags(o),
        onProgress: miseProgressBar,
      });
      for (const line of r.lines) say(line);
      result({ backend: backend.backend, ...r.result });
      return;
    }
    const bar = miseProgressBar();
    let res;
    try {
      res = await reconstructFile(loaded.model, data, {
        input: o.input,
        output: o.output,
        gtMesh: gt,
        points: o.points,
        noiseStd: o.noise,
        normalize: o.normalize,
        seed: o.seed,
        evalPoints: o.evalPoints,
        ...generationFlags(o),
        ...ttoFlags(o, loaded.model.config.testTimeOptimization),
        onProgress: bar.onProgress,
      });
    } finally {
      bar.stop();
      loaded.model.dispose();
    }
    for (const w of res.warnings) console.error(`onet: warning: ${w}`);
    if (voxelInput) say(describeVoxelInput(input, data, res));
    else if (data.kind === 'image') say(`input: ${input} (picture ${data.image.width}×${data.image.height} → ${Math.round(Math.sqrt(res.input.length / 3))}² RGB; mesh in the picture's view frame)`);
    else say(`input: ${input} (${res.inputKind === 'mesh' ? `mesh → ${res.points.length / 3} noisy surface points` : `${res.points.length / 3} points`}, ${res.input.length / 3} fed to the encoder)`);
    say(formatStats(res.stats));
    if (res.testTimeOptimization) say(formatTestTimeOptimization(res.testTimeOptimization));
    if (res.metrics) say(formatMetrics(res.metrics, voxelInput ? 'model       ' : 'metrics'));
    if (res.voxelMetrics) say(formatMetrics(res.voxelMetrics, 'input voxels'));
    say(`wrote ${o.output}`);
    result({
      backend: backend.backend,
      output: o.output,
      stats: res.stats,
      ...(res.testTimeOptimization ? { testTimeOptimization: res.testTimeOptimization } : {}),
      metrics: res.metrics ?? null,
      ...(voxelInput ? { voxelMetrics: res.voxelMetrics ?? null } : {}),
      warnings: res.warnings,
    });
  });

  const generate = generationOptions(
    program
      .command('generate')
      .description('generate meshes for a dataset split (reference layout: <root>/<class>/<model>/pointcloud.npz)')
      .requiredOption('--data <root>', 'dataset root')
      .option('--split <name>', 'split list (<class>/<split>.lst)', 'test')
      .requiredOption('--out-dir <dir>', 'where meshes go (<out>/<class>/<model>.off)')
      .option('--model <dir>', 'folder with model.json + weights.bin, or an ensemble folder (default: the shipped model)')
      .option('--shard <k/N>', 'process only shard k of N (0 ≤ k < N: shapes i with i mod N = k), as the dataset builder does', shardSpec)
      .addOption(new Option('--format <ext>', 'mesh format').choices(['off', 'ply', 'obj', 'glb']).default('off'))
      .option('--seed <n>', 'seed for the input subsampling and noise', SEED(), 0)
      .option('--no-tto', "no test-time optimisation of the encoding (the model's setting otherwise; the shipped default's: on)")
      .option('--json', JSON_HELP)
      .addOption(backendOption()),
  );
  precheck(generate, (_args, o) => checkGenerationFlags(o)).action(async (o) => {
    const { say, result } = reporter(o.json);
    await checkExists(o.data, 'dataset root', 'dir');
    await checkWritable(o.outDir, 'dir');
    if (o.model) await checkExists(o.model, 'model folder', 'dir');
    const backend = await selectNodeBackend(o.backend as NodeBackendName);
    console.error(backend.message);
    const loaded = await loadModel(o.model ?? modelDir(), { testTimeAugmentation: o.testTimeAugmentation });
    console.error(loadMessageForRun(loaded.message, loaded.model.config.testTimeOptimization, o.tto));
    const { generateSplit } = await import('@onet/model/node');
    const bar = progress('generate');
    let summary;
    try {
      summary = await generateSplit(loaded.model, {
        root: o.data,
        split: o.split,
        outDir: o.outDir,
        shard: o.shard,
        format: o.format,
        seed: o.seed,
        generation: { ...generationFlags(o), ...(o.tto === false ? { testTimeOptimization: false } : {}) },
        onShape: (i, n, id, ms) => bar.tick(i + 1, n, `${id}  ${(ms / 1000).toFixed(2)} s`),
      });
    } finally {
      bar.stop();
      loaded.model.dispose();
    }
    say(`generated ${summary.written} meshes in ${o.outDir} (${summary.failed.length} failed; mean ${(summary.meanMs / 1000).toFixed(2)} s/shape)`);
    for (const f of summary.failed) console.error(`  failed ${f.id}: ${f.error}`);
    result({ backend: backend.backend, outDir: o.outDir, ...summary });
  });

  const evaluate = program
    .command('eval')
    .description('score meshes: one prediction against one ground truth, or generated meshes against a dataset split')
    .option('--pred <mesh>', 'predicted mesh (single-mesh mode)')
    .option('--gt <mesh>', 'ground-truth mesh (single-mesh mode)')
    .option('--data <root>', 'dataset root (split mode)')
    .option('--split <name>', 'split list (split mode)', 'test')
    .option('--meshes <dir>', 'generated meshes (<dir>/<class>/<model>.<ext>, split mode)')
    .option('--shard <k/N>', 'process only shard k of N (0 ≤ k < N)', shardSpec)
    .option('--csv <file>', 'write per-shape rows (and the mean) as CSV')
    .option('--json-file <file>', 'write per-shape and mean metrics as JSON')
    .option('--json', JSON_HELP)
    .option('--eval-points <n>', 'surface points per mesh for Chamfer/NC/F-score (reference 100000)', EVAL_POINTS(), 100_000)
    .option('--seed <n>', 'seed', SEED(), 0);
  precheck(evaluate, async (_args, o) => {
    const pair = Boolean(o.pred || o.gt), split = Boolean(o.data || o.meshes);
    if (pair && split) throw new UsageError('INVALID_OPTION', 'give either --pred and --gt, or --data and --meshes, not both');
    if (pair && !(o.pred && o.gt)) throw new UsageError('INVALID_OPTION', 'single-mesh mode needs both --pred and --gt');
    if (!pair && !(o.data && o.meshes)) throw new UsageError('INVALID_OPTION', 'give --pred and --gt, or --data and --meshes');
    for (const out of [o.csv, o.jsonFile] as Array<string | undefined>) if (out) await assertOutputNotInput(out, [o.pred as string | undefined, o.gt as string | undefined]);
  }).action(async (o) => {
    const { say, result } = reporter(o.json);
    for (const out of [o.csv, o.jsonFile]) if (out) await checkWritable(out, 'file');
    const { evaluatePair, evaluateSplit, writeEvaluationReports } = await import('@onet/model/node');
    if (o.pred) {
      const m = await evaluatePair(o.pred, o.gt, { points: o.evalPoints, seed: o.seed });
      say(formatMetrics(m));
      const report = { rows: [{ id: o.pred, ...m }], mean: m, failed: [] };
      await writeEvaluationReports(report, { csv: o.csv, json: o.jsonFile });
      result(report);
      return;
    }
    await checkExists(o.data, 'dataset root', 'dir');
    await checkExists(o.meshes, 'mesh folder', 'dir');
    const bar = progress('eval');
    let report;
    try {
      report = await evaluateSplit({
        root: o.data,
        split: o.split,
        meshDir: o.meshes,
        shard: o.shard,
        points: o.evalPoints,
        seed: o.seed,
        onShape: (i, n, id) => bar.tick(i + 1, n, id),
      });
    } finally {
      bar.stop();
    }
    say(`${report.rows.length} shapes (${report.failed.length} failed)`);
    if (report.mean) say(formatMetrics(report.mean, 'mean'));
    await writeEvaluationReports(report, { csv: o.csv, json: o.jsonFile });
    result(report);
  });

  const dataset = program.command('dataset').description('datasets in the reference layout');
  dataset
    .command('build')
    .description('build <out>/<class>/<model>/{points,pointcloud}.npz (+ voxels) from a folder of meshes (delegates to @onet/sampling)')
    .argument('<meshes>', 'folder of meshes (.off .obj .ply .stl .glb)')
    .requiredOption('-o, --out <dir>', 'dataset root to write')
    .option('--shard <k/N>', 'process only shard k of N (0 ≤ k < N)', shardSpec)
    .option('--class <name>', 'class folder name', 'meshes')
    .option('--seed <n>', 'seed', SEED())
    .option('--splits', 'also write train/val/test.lst (0.7/0.1/0.2) — once, after all shards')
    .option('--json', JSON_HELP)
    .action(async (meshes: string, o) => {
      await checkExists(meshes, 'mesh folder', 'dir');
      await checkWritable(o.out, 'dir');
      const { buildDatasetCommand } = await import('./dataset.js');
      await buildDatasetCommand(meshes, o);
    });

  program
    .command('train')
    .description('train an occupancy network from a config file (trainFromConfigFile; an ensemble config trains each member in turn; the config picks the backend)')
    .requiredOption('--config <file>', 'training config (JSON: model, data, train sections)')
    .option('--out-dir <dir>', 'where the best model, history.json and curve.svg go')
    .option('--resume', 'resume from the last checkpoint in the cache folder')
    .option('--json', JSON_HELP)
    .action(async (o) => {
      const { say, result } = reporter(o.json);
      await checkExists(o.config, 'config file', 'file');
      if (o.outDir) await checkWritable(o.outDir, 'dir');
      const { trainFromConfigFile, trainEnsembleFromConfigFile, readTrainConfig } = await import('@onet/train/node');
      const config = await readTrainConfig(o.config);
      const controller = new AbortController();
      const onSigint = () => {
        console.error('\ninterrupted: stopping after this step (the checkpoint is kept; rerun with --resume)');
        controller.abort();
      };
      process.once('SIGINT', onSigint);
      const maxSteps = 'train' in config ? config.train?.maxSteps : undefined;
      const bar = progress('train');
      const onProgress = (p: { message: string; phase: string; step?: number }) => {
        if (p.phase === 'train' && p.step !== undefined && maxSteps) bar.tick(p.step, maxSteps, p.message);
        else bar.line(p.message);
      };
      const run = { outDir: o.outDir, resume: o.resume, signal: controller.signal, onProgress };
      const line = (r: { steps: number; seconds: number; bestIou: number; bestStep: number; outDir: string }) =>
        `trained ${r.steps} steps in ${(r.seconds / 60).toFixed(1)} min; best validation IoU ${r.bestIou.toFixed(4)} at step ${r.bestStep} → ${r.outDir}`;
      try {
        if ('ensemble' in config) {
          const res = await trainEnsembleFromConfigFile(o.config, run);
          bar.stop();
          for (const r of res.members) say(`${r.name}: ${line(r)}`);
          say(res.complete ? `ensemble of ${res.members.length} → ${res.outDir}/model.json` : 'stopped before every member finished: no ensemble model.json written (rerun with --resume)');
          result(res);
        } else {
          const res = await trainFromConfigFile(o.config, run);
          bar.stop();
          say(line(res));
          result(res);
        }
      } finally {
        bar.stop();
        process.off('SIGINT', onSigint);
      }
    });

  registerSampleCommands(program);

  program
    .command('demo')
    .description('reconstruct the Stanford bunny (npm package "bunny") with the shipped model; writes out/demo/{bunny.ply,index.html}')
    .option('--out-dir <dir>', 'output folder', 'out/demo')
    .option('--model <dir>', 'folder with model.json + weights.bin, or an ensemble folder (default: the shipped model)')
    .option('--points <n>', `number of noisy surface points drawn (${MIN_INPUT_POINTS}–10⁷; default: the model's inputPoints)`, int('points', MIN_INPUT_POINTS, 10_000_000))
    .option('--seed <n>', 'seed', SEED(), 0)
    .option('--eval-points <n>', 'surface points per mesh for the metrics', EVAL_POINTS(), 100_000)
    .option('--no-tto', "no test-time optimisation of the encoding (the model's default; the shipped default model turns it on)")
    .option('--json', JSON_HELP)
    .addOption(backendOption())
    .action(async (o) => {
      const { say, result } = reporter(o.json);
      await checkWritable(o.outDir, 'dir');
      const { runDemo } = await import('./demo.js');
      const r = await runDemo({
        outDir: o.outDir,
        model: o.model,
        points: o.points,
        seed: o.seed,
        backend: o.backend,
        evalPoints: o.evalPoints,
        ...(o.tto === false ? { testTimeOptimization: false } : {}),
        log: say,
      });
      result(r);
    });

  registerQueueCommands(program);
  // One-line usage errors with a hint, in every command (commander's own output hooks).
  const configure = (cmd: Command, path: string): void => {
    cmd
      .exitOverride()
      .showHelpAfterError(`see 'onet${path} --help'`)
      .configureOutput({
        writeErr: (str) => process.stderr.write(str),
        outputError: (str, write) => write(`onet: ${str.trim().replace(/\s*\n\s*/g, ' ')}\n`),
      });
    for (const sub of cmd.commands) configure(sub, `${path} ${sub.name()}`);
  };
  configure(program, '');
  return program;
}

/** Print an error on one line (stack only with --verbose) and return the exit code (1: a runtime error). */
export function reportError(e: unknown, verbose: boolean): number {
  const err = e as { name?: string; code?: unknown; message?: string; stack?: string };
  if (verbose && err?.stack) {
    process.stderr.write(`${err.stack}\n`);
  } else {
    const code = typeof err?.code === 'string' ? ` [${err.code}]` : '';
    const msg = (err?.message ?? String(e)).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`onet: error${code}: ${msg}\n`);
  }
  return 1;
}

/**
 * Entry point: parse argv, run, map errors to exit codes: 0 success (and `--help`, `--version`), 2 usage errors
 * (bad flags or values, found before any work), 1 runtime errors.
 */
export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (help, version, usage error).
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(e, verbose);
  }
}
