/**
 * `onet sample` and `onet interpolate`: unconditional generation with a `vae` model (ONet paper §4.4), a thin layer
 * over `sampleShapes` / `encodeShape` / `interpolateShapes` of @onet/model.
 */
import { Command, Option, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { selectNodeBackend, type NodeBackendName } from '@onet/nn/node';
import { loadModel, readMeshFile, writeMeshFile } from '@onet/model/node';
import { modelDir } from '@onet/models';
import { OccupancyNetwork, PipelineError, asVaeModel, sampleShapes, encodeShape, interpolateShapes, type GeneratedShape, type GenerateMeshOptions } from '@onet/model';

/** The shipped unconditional model's folder name in @onet/models. */
export const DEFAULT_SAMPLE_MODEL = 'chair-vae';

const FORMATS = ['ply', 'glb', 'obj', 'off'];

function int(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

function probability(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('threshold must be a probability in (0, 1)');
  return n;
}

/** Options shared by both commands. */
function common(cmd: Command): Command {
  return cmd
    .requiredOption('-o, --out-dir <dir>', 'folder for the meshes (<dir>/<name>-<k>.<format>)')
    .option('--model <dir>', `folder of a vae model (default: the shipped ${DEFAULT_SAMPLE_MODEL})`)
    .addOption(new Option('--format <ext>', 'mesh format (default ply)').choices(FORMATS).default('ply'))
    .option('--resolution0 <n>', 'coarse MISE grid resolution', int('resolution0', 2), 32)
    .option('--upsampling-steps <n>', 'MISE upsampling steps', int('upsampling-steps', 0), 2)
    .option('--threshold <p>', "occupancy threshold τ (default: the model's, else 0.2)", probability)
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['auto', 'webgpu', 'wasm', 'cpu']).default('auto'));
}

async function loadVae(dir: string | undefined): Promise<OccupancyNetwork> {
  const loaded = await loadModel(dir ?? modelDir(DEFAULT_SAMPLE_MODEL));
  console.error(loaded.message);
  try {
    return asVaeModel(loaded.model, loaded.dir);
  } catch (e) {
    loaded.model.dispose();
    throw e;
  }
}

/** A progress bar on stderr over shapes; a no-op when stderr is not a terminal. */
function shapeBar(total: number): { tick: (i: number, n: number, ms: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { tick: (i, n, ms) => console.error(`  [${i + 1}/${n}] ${(ms / 1000).toFixed(2)} s`), stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: '  shapes [{bar}] {value}/{total}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { tick: (i) => bar.update(i + 1), stop: () => bar.stop() };
}

/** Write each mesh atomically (temporary file, then rename) as `<dir>/<stem>-<k>.<format>`; returns the paths. */
async function writeAll(shapes: GeneratedShape[], dir: string, stem: string, format: string): Promise<string[]> {
  const paths: string[] = [];
  const width = String(shapes.length - 1).length;
  for (const [k, s] of shapes.entries()) {
    const path = join(dir, `${stem}-${String(k).padStart(width, '0')}.${format}`);
    const tmp = join(dir, `.${basename(path)}.tmp${process.pid}.${format}`);
    try {
      await writeMeshFile(tmp, s.mesh);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e instanceof PipelineError ? e : new PipelineError('UNWRITABLE_OUTPUT', `${path}: cannot write (${(e as Error).message})`, { cause: e });
    }
    paths.push(path);
  }
  return paths;
}

function generation(o: Record<string, unknown>): GenerateMeshOptions {
  return { resolution0: o.resolution0 as number, upsamplingSteps: o.upsamplingSteps as number, threshold: o.threshold as number | undefined };
}

/**
 * Add `onet sample` (N meshes from z ~ N(0, I)) and `onet interpolate` (meshes along the line between two shapes'
 * codes) to the program.
 */
export function registerSampleCommands(program: Command): void {
  common(
    program
      .command('sample')
      .description('generate new shapes with an unconditional (vae) model: codes from its latent prior, decoded and meshed (watertight, unit-cube frame)')
      .option('-n, --count <n>', 'number of shapes', int('count', 1), 8)
      .option('--seed <n>', 'seed of the latent samples (same seed, same shapes)', int('seed', 0), 0)
      .addOption(
        new Option('--prior <kind>', "latent codes from the model's fitted Gaussian (model; N(0, I) when it has none) or N(0, I) (standard)")
          .choices(['model', 'standard'])
          .default('model'),
      ),
  ).action(async (o) => {
    const backend = await selectNodeBackend(o.backend as NodeBackendName);
    console.error(backend.message);
    const model = await loadVae(o.model);
    const bar = shapeBar(o.count);
    let shapes: GeneratedShape[];
    try {
      shapes = await sampleShapes(model, o.count, { seed: o.seed, prior: o.prior, generation: generation(o), onShape: bar.tick });
    } finally {
      bar.stop();
      model.dispose();
    }
    const paths = await writeAll(shapes, o.outDir, 'sample', o.format);
    for (const [k, p] of paths.entries()) console.log(`${p}  ${shapes[k].stats.vertices} vertices, ${shapes[k].stats.faces} faces`);
  });

  common(
    program
      .command('interpolate')
      .description('meshes along the straight line between the latent codes of two shapes (posterior means of q(z | p, o))')
      .argument('<a>', 'first mesh (.off .obj .ply .stl)')
      .argument('<b>', 'second mesh')
      .option('-n, --steps <n>', 'number of meshes, ends included', int('steps', 2), 8)
      .option('--seed <n>', 'seed of the labelled points used to encode the two meshes', int('seed', 0), 0),
  ).action(async (a: string, b: string, o) => {
    const meshA = await readMeshFile(a);
    const meshB = await readMeshFile(b);
    const backend = await selectNodeBackend(o.backend as NodeBackendName);
    console.error(backend.message);
    const model = await loadVae(o.model);
    const bar = shapeBar(o.steps);
    let shapes: GeneratedShape[];
    try {
      shapes = await interpolateShapes(model, encodeShape(model, meshA, o.seed), encodeShape(model, meshB, o.seed), o.steps, { generation: generation(o), onShape: bar.tick });
    } finally {
      bar.stop();
      model.dispose();
    }
    const paths = await writeAll(shapes, o.outDir, 'interp', o.format);
    for (const [k, p] of paths.entries()) console.log(`${p}  t = ${(k / (paths.length - 1)).toFixed(3)}, ${shapes[k].stats.faces} faces`);
  });
}
