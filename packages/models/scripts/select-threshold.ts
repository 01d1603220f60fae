/**
 * Choose the generation threshold τ of a trained model on its **validation** shapes (never the held-out meshes), as
 * the ONet paper chose τ = 0.2 on its validation split: for each validation shape (unseen augmented copies of
 * training meshes and unseen procedural shapes, cached by training) encode a fixed noisy input cloud of 300 and of
 * 3000 points, evaluate the logits on 10k uniform points and report the mean IoU for τ = 0.10 … 0.60; the best τ
 * (mean over both input sizes) is printed last.
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/select-threshold.ts \
 *     packages/models/default [training config, default: <dir>/config.json or its first member's]
 *
 * Folders joined by `+` (`…/planes+…/grid`) are scored as an ensemble of those networks (mean logits).
 * `--meshes` scores generated meshes instead (MISE 32³ + 2, marching cubes, inside test at the same points), each τ
 * with and without `fillCavities`, and picks the best pair; slower (one generation per τ per shape, a second one
 * without filling only where filling changed something).
 * `--by-input-size` also picks τ for each input size on its own (with one fillCavities choice for both: the one
 * whose per-size bests have the higher mean) and prints them as `thresholdByInputPoints`.
 * `--test-time-augmentation=none|half-turns` scores with that test-time augmentation instead of the model's own
 * (`loadModel`'s option); `--write` then stores it in the ensemble manifest too (a single network cannot carry one).
 * `--write` stores the best τ (and with `--meshes` the fillCavities choice; with `--by-input-size` the per-size τ)
 * in the (single) folder's `model.json`: the manifest's `threshold` / `thresholdByInputPoints` / `fillCavities` for
 * an ensemble, `modelConfig`'s for one network, which generation then uses by default. What this run did not choose
 * is removed (a stored table without `--by-input-size`, a stored fillCavities without `--meshes`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { selectBackend } from '@onet/nn';
import { contains } from '@onet/sampling';
import { occupancyIoU as meshIoU } from '@onet/metrics';
import { generateMesh, OccupancyEnsemble, type OccupancyNetwork, type InputSizeThreshold, type ThresholdSettings, type TestTimeAugmentation } from '@onet/model';
import { loadModel } from '@onet/model/node';
import { loadTrainingShapes, type TrainConfigFile } from '@onet/train/node';
import { makeValidationCases, occupancyIoU } from '@onet/train';

const args = process.argv.slice(2);
const write = args.includes('--write');
const meshes = args.includes('--meshes');
const bySize = args.includes('--by-input-size');
const ttaFlag = args.find((a) => a.startsWith('--test-time-augmentation='))?.split('=')[1] as TestTimeAugmentation | undefined;
const [dirArg = new URL('./default', import.meta.url).pathname, cfgArg] = args.filter((a) => !a.startsWith('--'));
const dirs = dirArg.split('+').map((d) => resolve(d));
const dir = dirs[0];
let cfgPath = cfgArg ?? join(dir, 'config.json');
let raw = JSON.parse(await readFile(cfgPath, 'utf8')) as TrainConfigFile & { ensemble?: { members: string[] } };
if (raw.ensemble) {
  cfgPath = join(dirname(cfgPath), raw.ensemble.members[0], 'config.json');
  raw = JSON.parse(await readFile(cfgPath, 'utf8'));
}
await selectBackend('wasm');
if (write && ttaFlag !== undefined && JSON.parse(await readFile(join(dirs[0], 'model.json'), 'utf8')).format !== 'onet-ensemble') {
  throw new Error(`--write with --test-time-augmentation needs an ensemble folder (${dirs[0]} holds one network)`);
}
const loaded = await Promise.all(dirs.map((d) => loadModel(d, { testTimeAugmentation: ttaFlag })));
for (const l of loaded) console.log(l.message);
const model = loaded.length === 1 ? loaded[0].model : new OccupancyEnsemble(loaded.map((l) => l.model as OccupancyNetwork));
const { val } = await loadTrainingShapes(raw, dirname(cfgPath));
const taus = meshes ? [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55] : [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
// candidates: (τ, fillCavities); network IoU knows nothing of meshes, so without --meshes only fill = off
const cands = taus.flatMap((t) => (meshes ? [false, true] : [false]).map((fill) => ({ t, fill })));
const label = (c: { t: number; fill: boolean }) => `τ ${c.t.toFixed(2)}${meshes ? (c.fill ? ' fill' : ' ----') : ''}`;
const SIZES = [300, 3000];
const mean = new Array(cands.length).fill(0);
const perSize: number[][] = [];
for (const n of SIZES) {
  const cases = makeValidationCases(val, { inputPoints: n, noiseStd: model.config.noiseStd, valPoints: 10_000, seed: 12345 });
  const iou = new Array(cands.length).fill(0);
  for (const c of cases) {
    const shape = model.condition(c.input);
    if (meshes) {
      for (const [ti, t] of taus.entries()) {
        // filled first: when nothing was filled, the unfilled mesh is the same one
        const filled = await generateMesh(shape, { threshold: t, fillCavities: true, padding: model.config.padding });
        const filledIoU = meshIoU(contains(filled.mesh, c.points), c.occupancy);
        let plainIoU = filledIoU;
        if (filled.stats.filledNodes > 0) {
          const { mesh } = await generateMesh(shape, { threshold: t, fillCavities: false, padding: model.config.padding });
          plainIoU = meshIoU(contains(mesh, c.points), c.occupancy);
        }
        iou[2 * ti] += plainIoU / cases.length; // cands: (τ, off), (τ, on) for each τ
        iou[2 * ti + 1] += filledIoU / cases.length;
      }
    } else {
      const l = await shape.logits(c.points);
      cands.forEach((cand, k) => (iou[k] += occupancyIoU(l, c.occupancy, cand.t) / cases.length));
    }
    shape.dispose();
  }
  console.log(`${String(n).padStart(4)} points: ${cands.map((c, k) => `${label(c)} ${iou[k].toFixed(4)}`).join('  ')}`);
  iou.forEach((v, k) => (mean[k] += v / SIZES.length));
  perSize.push(iou);
}
const best = mean.indexOf(Math.max(...mean));
const at02 = cands.findIndex((c) => c.t === 0.2 && !c.fill);
console.log(`mean      : ${cands.map((c, k) => `${label(c)} ${mean[k].toFixed(4)}`).join('  ')}`);
console.log(`best validation τ = ${cands[best].t}${meshes ? `, fillCavities = ${cands[best].fill}` : ''} (mean IoU ${mean[best].toFixed(4)}; τ = 0.2: ${mean[at02].toFixed(4)})`);
// per input size: the best τ of each size under one fill setting, the setting whose per-size bests are higher
let table: InputSizeThreshold[] | undefined;
let fill = cands[best].fill;
let fallback = cands[best].t;
if (bySize) {
  const withFill = (f: boolean) => cands.map((_, k) => k).filter((k) => cands[k].fill === f);
  const bestOf = (f: boolean) => perSize.map((iou) => withFill(f).reduce((a, k) => (iou[k] > iou[a] ? k : a)));
  const score = (ks: number[]) => ks.reduce((a, k, i) => a + perSize[i][k], 0) / ks.length;
  const options = (meshes ? [false, true] : [false]).map((f) => ({ f, ks: bestOf(f) }));
  const chosen = options.reduce((a, o) => (score(o.ks) > score(a.ks) ? o : a));
  fill = chosen.f;
  // the single τ for callers that do not know the input size: the best mean under that fill setting
  fallback = cands[withFill(fill).reduce((a, k) => (mean[k] > mean[a] ? k : a))].t;
  table = SIZES.map((n, i) => ({ inputPoints: n, threshold: cands[chosen.ks[i]].t }));
  console.log(`by input size${meshes ? ` (fillCavities = ${fill})` : ''}: ${table.map((e, i) => `τ ${e.threshold} at ${e.inputPoints} points (IoU ${perSize[i][chosen.ks[i]].toFixed(4)})`).join(', ')}; mean ${score(chosen.ks).toFixed(4)}; single τ ${fallback}`);
  console.log(`thresholdByInputPoints: ${JSON.stringify(table)}`);
}
model.dispose();
if (write) {
  if (dirs.length !== 1) throw new Error('--write needs one model folder, not a + list');
  const path = join(dir, 'model.json');
  type Generation = ThresholdSettings & { fillCavities?: boolean; testTimeAugmentation?: TestTimeAugmentation };
  const json = JSON.parse(await readFile(path, 'utf8')) as Generation & { format?: string; modelConfig?: Generation };
  const target = json.format === 'onet-ensemble' ? json : json.modelConfig;
  if (!target) throw new Error(`${path}: neither an ensemble manifest nor a model`);
  if (ttaFlag !== undefined) json.testTimeAugmentation = ttaFlag; // what τ was chosen with (an ensemble: checked above)
  target.threshold = fallback;
  if (table) target.thresholdByInputPoints = table;
  else delete target.thresholdByInputPoints; // a stored table was chosen in another run
  if (meshes) target.fillCavities = fill;
  else delete target.fillCavities; // τ was chosen without filling: a stored fillCavities was not measured with it
  await writeFile(path, `${JSON.stringify(json, null, 1)}\n`);
  console.log(`wrote τ = ${fallback}${table ? `, thresholdByInputPoints ${JSON.stringify(table)}` : ''}${meshes ? `, fillCavities = ${fill}` : ''} into ${path}`);
}
