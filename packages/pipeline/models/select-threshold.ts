/**
 * Choose the generation threshold τ of a trained model on its **validation** shapes (never the held-out meshes), as
 * the ONet paper chose τ = 0.2 on its validation split: for each validation shape (unseen augmented copies of
 * training meshes and unseen procedural shapes, cached by training) encode a fixed noisy input cloud of 300 and of
 * 3000 points, evaluate the logits on 10k uniform points and report the mean IoU for τ = 0.10 … 0.60; the best τ
 * (mean over both input sizes) is printed last.
 *
 *   npx tsx --tsconfig packages/pipeline/models/tsconfig.eval.json packages/pipeline/models/select-threshold.ts \
 *     packages/pipeline/models/default [training config, default: <dir>/config.json or its first member's]
 *
 * Folders joined by `+` (`…/planes+…/grid`) are scored as an ensemble of those networks (mean logits).
 * `--meshes` scores generated meshes instead (MISE 32³ + 2, marching cubes, inside test at the same points), each τ
 * with and without `fillCavities`, and picks the best pair; slower (one generation per τ per setting per shape).
 * `--write` stores the best τ (and with `--meshes` the fillCavities choice) in the (single) folder's `model.json`:
 * the manifest's `threshold` / `fillCavities` for an ensemble, `modelConfig`'s for one network, which generation
 * then uses by default.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { selectBackend } from '@onet/nn';
import { contains } from '@onet/sampling';
import { occupancyIoU as meshIoU } from '@onet/metrics';
import { generateMesh } from '../src/generate.js';
import { loadModel } from '../src/node/loadModel.js';
import { loadTrainingShapes, type TrainConfigFile } from '../src/node/train.js';
import { makeValidationCases, occupancyIoU } from '../src/train.js';
import { OccupancyEnsemble } from '../src/ensemble.js';
import type { OccupancyNetwork } from '../src/model.js';

const args = process.argv.slice(2);
const write = args.includes('--write');
const meshes = args.includes('--meshes');
const [dirArg = new URL('./default', import.meta.url).pathname, cfgArg] = args.filter((a) => !a.startsWith('--'));
const dirs = dirArg.split('+').map((d) => resolve(d));
const dir = dirs[0];
let cfgPath = cfgArg ?? join(dir, 'config.json');
let raw = JSON.parse(await readFile(cfgPath, 'utf8')) as TrainConfigFile & { ensemble?: { members: string[] } };
if (raw.ensemble) {
  cfgPath = join(dir, raw.ensemble.members[0], 'config.json');
  raw = JSON.parse(await readFile(cfgPath, 'utf8'));
}
await selectBackend('wasm');
const loaded = await Promise.all(dirs.map((d) => loadModel(d)));
for (const l of loaded) console.log(l.message);
const model = loaded.length === 1 ? loaded[0].model : new OccupancyEnsemble(loaded.map((l) => l.model as OccupancyNetwork));
const { val } = await loadTrainingShapes(raw, dirname(cfgPath));
const taus = meshes ? [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55] : [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
// candidates: (τ, fillCavities); network IoU knows nothing of meshes, so without --meshes only fill = off
const cands = taus.flatMap((t) => (meshes ? [false, true] : [false]).map((fill) => ({ t, fill })));
const label = (c: { t: number; fill: boolean }) => `τ ${c.t.toFixed(2)}${meshes ? (c.fill ? ' fill' : ' ----') : ''}`;
const mean = new Array(cands.length).fill(0);
for (const n of [300, 3000]) {
  const cases = makeValidationCases(val, { inputPoints: n, noiseStd: model.config.noiseStd, valPoints: 10_000, seed: 12345 });
  const iou = new Array(cands.length).fill(0);
  for (const c of cases) {
    const shape = model.condition(c.input);
    if (meshes) {
      for (const [k, cand] of cands.entries()) {
        const { mesh } = await generateMesh(shape, { threshold: cand.t, fillCavities: cand.fill, padding: model.config.padding });
        iou[k] += meshIoU(contains(mesh, c.points), c.occupancy) / cases.length;
      }
    } else {
      const l = await shape.logits(c.points);
      cands.forEach((cand, k) => (iou[k] += occupancyIoU(l, c.occupancy, cand.t) / cases.length));
    }
    shape.dispose();
  }
  console.log(`${String(n).padStart(4)} points: ${cands.map((c, k) => `${label(c)} ${iou[k].toFixed(4)}`).join('  ')}`);
  iou.forEach((v, k) => (mean[k] += v / 2));
}
const best = mean.indexOf(Math.max(...mean));
const at02 = cands.findIndex((c) => c.t === 0.2 && !c.fill);
console.log(`mean      : ${cands.map((c, k) => `${label(c)} ${mean[k].toFixed(4)}`).join('  ')}`);
console.log(`best validation τ = ${cands[best].t}${meshes ? `, fillCavities = ${cands[best].fill}` : ''} (mean IoU ${mean[best].toFixed(4)}; τ = 0.2: ${mean[at02].toFixed(4)})`);
model.dispose();
if (write) {
  if (dirs.length !== 1) throw new Error('--write needs one model folder, not a + list');
  const path = join(dir, 'model.json');
  type Generation = { threshold?: number; fillCavities?: boolean };
  const json = JSON.parse(await readFile(path, 'utf8')) as Generation & { format?: string; modelConfig?: Generation };
  const target = json.format === 'onet-ensemble' ? json : json.modelConfig;
  if (!target) throw new Error(`${path}: neither an ensemble manifest nor a model`);
  target.threshold = cands[best].t;
  if (meshes) target.fillCavities = cands[best].fill;
  else delete target.fillCavities; // τ was chosen without filling: a stored fillCavities was not measured with it
  await writeFile(path, `${JSON.stringify(json, null, 1)}\n`);
  console.log(`wrote τ = ${cands[best].t}${meshes ? `, fillCavities = ${cands[best].fill}` : ''} into ${path}`);
}
