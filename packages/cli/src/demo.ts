import { writeFileAtomic } from '@onet/io/node';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { TriangleMesh } from '@onet/io';
import { reconstructFromMesh, evaluateMeshes, type ReconstructionMetrics, type GenerationStats, type TestTimeOptimizationStats } from '@onet/model';
import { viewerHtml } from './viewer/html.js';
import { selectNodeBackend, type NodeBackendName } from '@onet/nn/node';
import { loadModel, writeMeshFile } from '@onet/model/node';
import { modelDir } from '@onet/models';
import { loadViewerScript } from './loadViewerScript.js';
import { formatMetrics, formatStats, formatTestTimeOptimization, loadMessageForRun } from './format.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Output folder for `bunny.ply` and `index.html`. */
  outDir?: string;
  /** Model folder (default: the shipped model; an untrained model is used, with a warning, when it has no weights). */
  model?: string;
  /** Noisy surface points drawn from the bunny (default: the model's `inputPoints`). */
  points?: number;
  /** Seed of the point sampling and noise. */
  seed?: number;
  /** tfjs backend (`auto` = hardware WebGPU, else wasm). */
  backend?: NodeBackendName;
  /** Surface points per mesh for the metrics (reference 100 000). */
  evalPoints?: number;
  /** Test-time optimisation of the encoding (`reconstruct`'s option); absent: the model's setting (the shipped default's: on). */
  testTimeOptimization?: boolean;
  /** Where the report lines go. */
  log?: (line: string) => void;
}

/** Defaults of {@link DemoOptions}. */
export const DEMO_DEFAULTS = { outDir: 'out/demo', seed: 0, backend: 'auto', evalPoints: 100_000 } as const;

/** Result of {@link runDemo}. */
export interface DemoResult {
  backend: string;
  freshModel: boolean;
  stats: GenerationStats;
  /** What test-time optimisation did (its time is in `stats.timeMs.encode`); absent when it did not run. */
  testTimeOptimization?: TestTimeOptimizationStats;
  metrics: ReconstructionMetrics;
  meshPath: string;
  htmlPath: string;
}

/** The Stanford bunny from the npm package `bunny` (open at the bottom), as a `TriangleMesh`. */
export function loadBunny(): TriangleMesh {
  const require = createRequire(import.meta.url);
  const bunny = require('bunny') as { positions: number[][]; cells: number[][] };
  return { positions: new Float32Array(bunny.positions.flat()), indices: new Uint32Array(bunny.cells.flat()) };
}

/**
 * `npm run demo`: reconstruct the Stanford bunny (not in the training data) from noisy surface points with
 * the shipped model, print backend, timings and metrics, and write `<outDir>/bunny.ply` and a
 * self-contained `<outDir>/index.html` (three.js inlined; opens offline from `file://`).
 * @category Node
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const o = { ...DEMO_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof DEMO_DEFAULTS &
    DemoOptions;
  const log = o.log ?? ((s: string) => console.log(s));
  const choice = await selectNodeBackend(o.backend);
  log(choice.message);
  const loaded = await loadModel(o.model ?? modelDir(), { allowFresh: true, seed: o.seed });
  log(loadMessageForRun(loaded.message, loaded.model.config.testTimeOptimization, o.testTimeOptimization));
  const bunny = loadBunny();
  log(`input: Stanford bunny (npm "bunny": ${bunny.positions.length / 3} vertices, ${bunny.indices.length / 3} faces, open at the bottom; not used in training)`);
  let result;
  try {
    result = await reconstructFromMesh(loaded.model, bunny, { points: o.points, seed: o.seed, ...(o.testTimeOptimization === undefined ? {} : { testTimeOptimization: o.testTimeOptimization }) });
  } finally {
    loaded.model.dispose();
  }
  log(`drew ${result.points.length / 3} surface points with σ = ${loaded.model.config.noiseStd ?? 0.005} noise (unit-cube units)`);
  log(formatStats(result.stats));
  if (result.testTimeOptimization) log(formatTestTimeOptimization(result.testTimeOptimization));
  const metrics = evaluateMeshes(result.mesh, bunny, { frame: 'gt-unit', points: o.evalPoints, seed: o.seed });
  log(formatMetrics(metrics));
  const outDir = resolve(o.outDir);
  const meshPath = join(outDir, 'bunny.ply');
  await writeMeshFile(meshPath, result.mesh);
  const t = result.stats.timeMs;
  const info = [
    `${choice.message}`,
    `${loaded.fresh ? 'UNTRAINED model (no shipped weights found)' : loadMessageForRun(loaded.message, loaded.model.config.testTimeOptimization, o.testTimeOptimization)}`,
    `input: ${result.points.length / 3} noisy points on the Stanford bunny · output: ${result.stats.vertices} vertices, ${result.stats.faces} faces`,
    `encode ${(t.encode / 1000).toFixed(2)} s · MISE ${(t.mise / 1000).toFixed(2)} s · marching cubes ${(t.marchingCubes / 1000).toFixed(2)} s · total ${(t.total / 1000).toFixed(2)} s`,
    ...(result.testTimeOptimization ? [formatTestTimeOptimization(result.testTimeOptimization)] : []),
    formatMetrics(metrics),
  ];
  const html = viewerHtml(result.points, result.mesh, await loadViewerScript(), { title: 'Occupancy Networks — Stanford bunny from noisy points', info });
  const htmlPath = join(outDir, 'index.html');
  await writeFileAtomic(htmlPath, html);
  log(`wrote ${meshPath}`);
  log(`wrote ${htmlPath}  (open ${pathToFileURL(htmlPath).href})`);
  if (tf.memory().numTensors > 0 && process.env.ONET_DEBUG) log(`tensors alive: ${tf.memory().numTensors}`);
  const out: DemoResult = { backend: choice.backend, freshModel: loaded.fresh, stats: result.stats, metrics, meshPath, htmlPath };
  if (result.testTimeOptimization) out.testTimeOptimization = result.testTimeOptimization;
  return out;
}
