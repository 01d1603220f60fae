/**
 * The `onet` command line program: a thin layer over the library functions (everything here is callable from
 * code through `@onet/model`, `@onet/model/node`, `@onet/train/node` and `@onet/nn/node`).
 */
import { Command, Option, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import type { MiseProgress } from '@onet/mise';
import { selectNodeBackend, type NodeBackendName } from '@onet/nn/node';
import { loadModel, reconstructFile, readInput, readMeshFile } from '@onet/model/node';
import { modelDir } from '@onet/models';
import { PipelineError, type GenerateMeshOptions, TEST_TIME_AUGMENTATIONS } from '@onet/model';
import { formatMetrics, formatStats } from './format.js';
import { registerSampleCommands } from './sample.js';

const VERSION = '0.1.0';

function int(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

function num(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
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

function generationOptions(cmd: Command): Command {
  return cmd
    .option('--resolution0 <n>', 'coarse MISE grid resolution', int('resolution0', 2), 32)
    .option('--upsampling-steps <n>', 'MISE upsampling steps', int('upsampling-steps', 0), 2)
    .option('--threshold <p>', 'occupancy threshold τ as a probability (default: the model\'s for the input\'s size, chosen on validation; else 0.2)', probability('threshold'))
    .option('--fill-cavities', 'fill enclosed voids before marching cubes (default: as the model asks; the shipped model does)')
    .option('--no-fill-cavities', 'keep enclosed voids')
    .addOption(new Option('--normals <kind>', 'vertex normals').choices(['none', 'grid', 'network']).default('none'))
    .option('--refine <steps>', 'refinement steps (reference demo: 30)', int('refine', 0), 0)
    .option('--batch-size <n>', 'points per network call', int('batch-size', 1), 100_000)
    .addOption(new Option('--test-time-augmentation <kind>', "average over the input turned 180° about x, y and z (4× the time), or not (default: as the model asks)").choices(Object.keys(TEST_TIME_AUGMENTATIONS)));
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

/** Build the `onet` program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('onet')
    .description('Occupancy Networks in TypeScript: reconstruct watertight meshes from point clouds.')
    .version(VERSION)
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  generationOptions(
    program
      .command('reconstruct')
      .description('reconstruct a mesh from a point cloud (.ply .xyz .npz) or from points drawn on a mesh (.off .obj .ply .stl)')
      .argument('<input>', 'point cloud or mesh file')
      .requiredOption('-o, --output <file>', 'output mesh (.ply .obj .off .glb)')
      .option('--gt <mesh>', 'ground-truth mesh: print IoU, Chamfer-L1, normal consistency, F-score@0.01')
      .option('--model <dir>', 'folder with model.json + weights.bin, or an ensemble folder (default: the shipped model)')
      .option('--points <n>', 'mesh input: number of noisy surface points (default: the model\'s inputPoints)', int('points', 1))
      .option('--noise <sigma>', 'mesh input: Gaussian noise σ in unit-cube units (default: the model\'s noiseStd)', num('noise'))
      .option('--no-normalize', 'point-cloud input is already in the model\'s unit cube')
      .option('--seed <n>', 'seed for sampling', int('seed', 0), 0)
      .option('--eval-points <n>', 'points per mesh for the metrics (reference 100000)', int('eval-points', 1), 100_000)
      .option('--json', 'print the result as JSON on stdout')
      .addOption(backendOption()),
  ).action(async (input: string, o) => {
    // Fail fast on bad inputs and outputs, before starting a backend or loading the network.
    const data = await readInput(input);
    if (!/\.(ply|obj|off|glb)$/i.test(o.output)) {
      throw new PipelineError('UNWRITABLE_OUTPUT', `${o.output}: unknown output extension; use .ply, .obj, .off or .glb`);
    }
    const gt = o.gt ? await readMeshFile(o.gt) : undefined;
    const backend = await selectNodeBackend(o.backend as NodeBackendName);
    console.error(backend.message);
    const loaded = await loadModel(o.model ?? modelDir(), { testTimeAugmentation: o.testTimeAugmentation });
    console.error(loaded.message);
    const bar = miseProgressBar();
    let res;
    try {
      res = await reconstructFile(loaded.model, data, {
        output: o.output,
        gtMesh: gt,
        points: o.points,
        noiseStd: o.noise,
        normalize: o.normalize,
        seed: o.seed,
        evalPoints: o.evalPoints,
        ...generationFlags(o),
        onProgress: bar.onProgress,
      });
    } finally {
      bar.stop();
      loaded.model.dispose();
    }
    if (o.json) {
      console.log(JSON.stringify({ backend: backend.backend, output: o.output, stats: res.stats, metrics: res.metrics ?? null }, null, 1));
      return;
    }
    console.log(`input: ${input} (${res.inputKind === 'mesh' ? `mesh → ${res.points.length / 3} noisy surface points` : `${res.points.length / 3} points`}, ${res.input.length / 3} fed to the encoder)`);
    console.log(formatStats(res.stats));
    if (res.metrics) console.log(formatMetrics(res.metrics));
    console.log(`wrote ${o.output}`);
  });

  generationOptions(
    program
      .command('generate')
      .description('generate meshes for a dataset split (reference layout: <root>/<class>/<model>/pointcloud.npz)')
      .requiredOption('--data <root>', 'dataset root')
      .option('--split <name>', 'split list (<class>/<split>.lst)', 'test')
      .requiredOption('--out-dir <dir>', 'where meshes go (<out>/<class>/<model>.off)')
      .option('--model <dir>', 'folder with model.json + weights.bin, or an ensemble folder (default: the shipped model)')
      .option('--shard <k/N>', 'process only shard k of N (0 ≤ k < N: shapes i with i mod N = k), as the dataset builder does')
      .option('--format <ext>', 'mesh format: off, ply, obj, glb', 'off')
      .option('--seed <n>', 'seed for the input subsampling and noise', int('seed', 0), 0)
      .addOption(backendOption()),
  ).action(async (o) => {
    const backend = await selectNodeBackend(o.backend as NodeBackendName);
    console.error(backend.message);
    const loaded = await loadModel(o.model ?? modelDir(), { testTimeAugmentation: o.testTimeAugmentation });
    console.error(loaded.message);
    const { generateSplit } = await import('@onet/model/node');
    try {
      const summary = await generateSplit(loaded.model, {
        root: o.data,
        split: o.split,
        outDir: o.outDir,
        shard: o.shard,
        format: o.format,
        seed: o.seed,
        generation: generationFlags(o),
        onShape: (i, n, id, ms) => console.error(`  [${i + 1}/${n}] ${id}  ${(ms / 1000).toFixed(2)} s`),
      });
      console.log(`generated ${summary.written} meshes in ${o.outDir} (${summary.failed.length} failed; mean ${(summary.meanMs / 1000).toFixed(2)} s/shape)`);
      for (const f of summary.failed) console.error(`  failed ${f.id}: ${f.error}`);
    } finally {
      loaded.model.dispose();
    }
  });

  program
    .command('eval')
    .description('score meshes: one prediction against one ground truth, or generated meshes against a dataset split')
    .option('--pred <mesh>', 'predicted mesh (single-mesh mode)')
    .option('--gt <mesh>', 'ground-truth mesh (single-mesh mode)')
    .option('--data <root>', 'dataset root (split mode)')
    .option('--split <name>', 'split list (split mode)', 'test')
    .option('--meshes <dir>', 'generated meshes (<dir>/<class>/<model>.<ext>, split mode)')
    .option('--shard <k/N>', 'process only shard k of N (0 ≤ k < N)')
    .option('--csv <file>', 'write per-shape rows (and the mean) as CSV')
    .option('--json <file>', 'write per-shape and mean metrics as JSON')
    .option('--eval-points <n>', 'surface points per mesh for Chamfer/NC/F-score (reference 100000)', int('eval-points', 1), 100_000)
    .option('--seed <n>', 'seed', int('seed', 0), 0)
    .action(async (o) => {
      const { evaluatePair, evaluateSplit, writeEvaluationReports } = await import('@onet/model/node');
      if (o.pred || o.gt) {
        if (!o.pred || !o.gt) throw new PipelineError('INVALID_OPTION', 'single-mesh mode needs both --pred and --gt');
        const m = await evaluatePair(o.pred, o.gt, { points: o.evalPoints, seed: o.seed });
        console.log(formatMetrics(m));
        await writeEvaluationReports({ rows: [{ id: o.pred, ...m }], mean: m, failed: [] }, { csv: o.csv, json: o.json });
        return;
      }
      if (!o.data || !o.meshes) throw new PipelineError('INVALID_OPTION', 'give --pred and --gt, or --data and --meshes');
      const report = await evaluateSplit({
        root: o.data,
        split: o.split,
        meshDir: o.meshes,
        shard: o.shard,
        points: o.evalPoints,
        seed: o.seed,
        onShape: (i, n, id) => console.error(`  [${i + 1}/${n}] ${id}`),
      });
      console.log(`${report.rows.length} shapes (${report.failed.length} failed)`);
      if (report.mean) console.log(formatMetrics(report.mean, 'mean'));
      await writeEvaluationReports(report, { csv: o.csv, json: o.json });
    });

  const dataset = program.command('dataset').description('datasets in the reference layout');
  dataset
    .command('build')
    .description('build <out>/<class>/<model>/{points,pointcloud}.npz (+ voxels) from a folder of meshes (delegates to @onet/sampling)')
    .argument('<meshes>', 'folder of meshes')
    .requiredOption('-o, --out <dir>', 'dataset root to write')
    .option('--shard <k/N>', 'process only shard k of N (0 ≤ k < N)')
    .option('--class <name>', 'class folder name', 'meshes')
    .option('--seed <n>', 'seed', int('seed', 0))
    .option('--splits', 'also write train/val/test.lst (0.7/0.1/0.2) — once, after all shards')
    .action(async (meshes: string, o) => {
      const { buildDatasetCommand } = await import('./dataset.js');
      await buildDatasetCommand(meshes, o);
    });

  program
    .command('train')
    .description('train an occupancy network from a config file (trainFromConfigFile; an ensemble config trains each member in turn; the config picks the backend)')
    .requiredOption('--config <file>', 'training config (JSON: model, data, train sections)')
    .option('--out-dir <dir>', 'where the best model, history.json and curve.svg go')
    .option('--resume', 'resume from the last checkpoint in the cache folder')
    .action(async (o) => {
      const { trainFromConfigFile, trainEnsembleFromConfigFile, readTrainConfig } = await import('@onet/train/node');
      const controller = new AbortController();
      process.once('SIGINT', () => {
        console.error('\ninterrupted: stopping after this step (the checkpoint is kept; rerun with --resume)');
        controller.abort();
      });
      const run = { outDir: o.outDir, resume: o.resume, signal: controller.signal, onProgress: (p: { message: string }) => console.error(p.message) };
      const line = (r: { steps: number; seconds: number; bestIou: number; bestStep: number; outDir: string }) =>
        `trained ${r.steps} steps in ${(r.seconds / 60).toFixed(1)} min; best validation IoU ${r.bestIou.toFixed(4)} at step ${r.bestStep} → ${r.outDir}`;
      if ('ensemble' in (await readTrainConfig(o.config))) {
        const result = await trainEnsembleFromConfigFile(o.config, run);
        for (const r of result.members) console.log(`${r.name}: ${line(r)}`);
        console.log(result.complete ? `ensemble of ${result.members.length} → ${result.outDir}/model.json` : 'stopped before every member finished: no ensemble model.json written (rerun with --resume)');
      } else {
        console.log(line(await trainFromConfigFile(o.config, run)));
      }
    });

  registerSampleCommands(program);

  program
    .command('demo')
    .description('reconstruct the Stanford bunny (npm package "bunny") with the shipped model; writes out/demo/{bunny.ply,index.html}')
    .option('--out-dir <dir>', 'output folder', 'out/demo')
    .option('--model <dir>', 'folder with model.json + weights.bin, or an ensemble folder (default: the shipped model)')
    .option('--points <n>', 'number of noisy surface points drawn (default: the model\'s inputPoints)', int('points', 1))
    .option('--seed <n>', 'seed', int('seed', 0), 0)
    .option('--eval-points <n>', 'surface points per mesh for the metrics', int('eval-points', 1), 100_000)
    .addOption(backendOption())
    .action(async (o) => {
      const { runDemo } = await import('./demo.js');
      await runDemo({ outDir: o.outDir, model: o.model, points: o.points, seed: o.seed, backend: o.backend, evalPoints: o.evalPoints, log: (s) => console.log(s) });
    });

  return program;
}

/** Print an error on one line (stack only with --verbose) and return the exit code. */
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

/** Entry point: parse argv, run, map errors to exit codes. */
export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      // commander already printed its message (help, version, bad option).
      return ce.exitCode ?? 1;
    }
    return reportError(e, verbose);
  }
}

