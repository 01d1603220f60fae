/**
 * Held-out evaluation of a trained model (REFERENCE §4): for each held-out mesh — normalised like the training
 * data (bbox centre to the origin, longest side 1) — draw `inputPoints` surface points with N(0, 0.005²) noise
 * (seeded), reconstruct with MISE 32 + 2 steps at τ (the model's own for that input size, chosen on validation
 * shapes, unless given (`-` = the model's); else 0.2), cavities filled when the model asks (`fillCavities`; `fill` / `nofill` overrides)
 * and marching cubes, and score IoU (100k uniform points in [−0.55, 0.55]³), Chamfer-L1, normal consistency and
 * F-score@0.01 against the mesh.
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/evaluate-heldout.ts \
 *     packages/models/default [inputPoints=3000] [backend=wasm] [τ=the model's, else 0.2] [fill|nofill|-]
 *     [none|half-turns]
 *
 * The last argument sets test-time augmentation (`loadModel`'s `testTimeAugmentation`; default: the model's own).
 *
 * A folder may hold one network or an ensemble (`model.json` with `"format": "onet-ensemble"`, as the shipped
 * default). Several folders joined by `+` (e.g. `models/default/planes+models/default/grid`) are scored as an
 * ensemble too: the same input encoded by each, logits averaged (`ensembleShape`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMesh } from '@onet/io';
import { dataDir } from '@onet/test-utils/data';
import { selectBackend, type BackendName } from '@onet/nn';
import { normalizeMesh, sampleSurface, subsamplePointCloud } from '@onet/sampling';
import { loadModel } from '@onet/model/node';
import { type OccupancyNetwork, type OccupancyEnsemble, generateMesh, GENERATE_MESH_DEFAULTS, evaluateMeshes, ensembleShape, thresholdForInput, type TestTimeAugmentation } from '@onet/model';

const HELD_OUT = ['cow.off', 'elephant.off', 'homer.off', 'bull.off', 'triceratops.off'];
// The held-out meshes: `<repo>/data/meshes` (`npm run fetch-meshes`), $ONET_DATA/meshes or ../shared/data/meshes.
const MESH_DIR = dataDir('meshes');

const [dir = new URL('./default', import.meta.url).pathname, nArg = '3000', backendArg = 'wasm', tauArg, fillArgOrDash, ttaArg] = process.argv.slice(2);
const fillArg = fillArgOrDash === '-' ? undefined : fillArgOrDash;
const backend = await selectBackend(backendArg as BackendName);
const models: (OccupancyNetwork | OccupancyEnsemble)[] = [];
for (const d of dir.split('+')) {
  const loaded = await loadModel(d, { testTimeAugmentation: ttaArg as TestTimeAugmentation | undefined });
  models.push(loaded.model);
  const steps = 'members' in loaded.model ? loaded.model.members.map((m) => m.config) : [loaded.model.config];
  console.log(`${loaded.message}; steps ${steps.map((c) => (c as { training?: { step?: number } }).training?.step ?? '?').join(', ')}`);
}
const n = Number(nArg);
// τ: as given, else the (first) model's own (chosen on validation shapes), else the reference's 0.2
const threshold = tauArg !== undefined && tauArg !== '-' ? Number(tauArg) : (thresholdForInput(models[0].config, n) ?? GENERATE_MESH_DEFAULTS.threshold);
if (fillArg !== undefined && fillArg !== 'fill' && fillArg !== 'nofill') throw new Error(`5th argument: fill or nofill, got ${fillArg}`);
const fillCavities = fillArg !== undefined ? fillArg === 'fill' : (models[0].config.fillCavities ?? false);
console.log(`backend ${backend}, ${n} noisy input points, τ = ${threshold}, fillCavities ${fillCavities}${models.length > 1 ? `, ensemble of ${models.length} (mean logits)` : ''}`);
const rows: { name: string; iou: number; chamferL1: number; normalConsistency: number; fscore: number; seconds: number }[] = [];
for (const [i, f] of HELD_OUT.entries()) {
  const gt = normalizeMesh(parseMesh(new Uint8Array(await readFile(join(MESH_DIR, f))), { source: f })).mesh;
  const surface = sampleSurface(gt, 100_000, { seed: 100 + i }).points;
  const input = subsamplePointCloud(surface, n, { noiseStd: 0.005, seed: 200 + i });
  const t0 = performance.now();
  const shape = ensembleShape(models.map((m) => m.condition(input)));
  const { mesh } = await generateMesh(shape, { resolution0: 32, upsamplingSteps: 2, threshold, fillCavities, padding: models[0].config.padding });
  shape.dispose();
  const seconds = (performance.now() - t0) / 1000;
  const m = evaluateMeshes(mesh, gt, { frame: 'as-is', points: 100_000, seed: 300 + i });
  rows.push({ name: f, iou: m.iou, chamferL1: m.chamferL1, normalConsistency: m.normalConsistency, fscore: m.fscore, seconds });
  console.log(`${f.padEnd(16)} IoU ${m.iou.toFixed(3)}  Chamfer-L1 ${m.chamferL1.toFixed(4)}  NC ${m.normalConsistency.toFixed(3)}  F@0.01 ${m.fscore.toFixed(3)}  ${seconds.toFixed(1)} s  (${mesh.indices.length / 3} faces)`);
}
const mean = (k: 'iou' | 'chamferL1' | 'normalConsistency' | 'fscore' | 'seconds') => rows.reduce((a, r) => a + r[k], 0) / rows.length;
console.log(`MEAN             IoU ${mean('iou').toFixed(3)}  Chamfer-L1 ${mean('chamferL1').toFixed(4)}  NC ${mean('normalConsistency').toFixed(3)}  F@0.01 ${mean('fscore').toFixed(3)}  ${mean('seconds').toFixed(1)} s`);
console.log(JSON.stringify({ inputPoints: n, backend, threshold, fillCavities, rows }));
