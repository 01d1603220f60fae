/**
 * Single-view reconstruction evaluation (ONet §4.2, viewer-centred) of an image model, side by side with the
 * silhouette-extrusion baseline. For each mesh and each of `views` seeded views: the mesh normalised as training does
 * (bbox centre to the origin, longest side 1, then fitted in the radius-½ sphere: `fitInSphere`), rendered at the
 * model's `imageSize` from `randomView(seed)` with the model's `imageCamera` and the training elevations −20°…50°
 * (`renderImageView` of @onet/train); reconstructed with MISE 32³ + 2 steps at the model's τ (`threshold` in its
 * model.json, else 0.2; or the one given); scored **in that view's frame** against the mesh rotated into it
 * (`reconstructImageView`: IoU on uniform points in the padded box [−0.55, 0.55]³ with the ground truth's inside test,
 * Chamfer-L1, normal consistency, F-score@0.01; distances in view-frame units, where the shape fits the radius-½
 * sphere, so Chamfer-L1 is not comparable with the unit-cube numbers of the point models). The baseline is
 * `silhouetteOccupancy` (the silhouette extruded through the ground truth's depth range, an oracle on depth) meshed
 * the same way (MISE 32³ + 2, marching cubes) and scored the same way.
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/evaluate-image.ts \
 *     <model dir> [views=8] [test|val] [out.json] [τ: a number, - (the model's)] [evalPoints=20000] [backend=wasm]
 *
 * `test`: the five held-out meshes of the model's training config (`<model dir>/config.json` `data.heldOut`), as
 * given. `val`: the config's validation meshes (`valMeshes` of the non-held-out meshes, `validationMeshIndices`), each
 * as training's validation copy (`augmentedMesh(mesh, 1, 900 000 + index)`); there the script also reports the
 * network's IoU for τ ∈ {0.1, 0.15, …, 0.6} on the same uniform points (no meshing), so τ is chosen on validation shapes only.
 *
 * Seeds (fixed): view `v` of mesh `i` uses `randomView` seed `10 000 + 100·i + v` (test) or `20 000 + 100·i + v`
 * (val); the evaluation samples use the same number. Training views use `viewSeed(key, v)` (≥ 2⁶, hashed), so these
 * are new views.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMesh } from '@onet/io';
import { selectBackend, type BackendName } from '@onet/nn';
import { contains, sampleUniformPoints } from '@onet/sampling';
import { loadModel } from '@onet/model/node';
import { dataDir } from '@onet/test-utils/data';
import { meanMetrics, type OccupancyNetwork, type ReconstructionMetrics } from '@onet/model';
import { augmentedMesh, occupancyIoU, reconstructImageView } from '@onet/train';
import { validationMeshIndices } from '@onet/train/node';

// The held-out and validation meshes: `<repo>/data/meshes` (`npm run fetch-meshes`), $ONET_DATA/meshes or ../shared/data/meshes.
const MESH_DIR = dataDir('meshes');
const TAUS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];

const [dir, viewsArg = '8', split = 'test', outJson, tauArg = '-', pointsArg = '20000', backendArg = 'wasm'] = process.argv.slice(2);
if (!dir) throw new Error('usage: evaluate-image.ts <model dir> [views=8] [test|val] [out.json] [τ|-] [evalPoints=20000] [backend=wasm]');
if (split !== 'test' && split !== 'val') throw new Error(`3rd argument: test or val, got ${split}`);
const views = Number(viewsArg);
if (!Number.isInteger(views) || views < 1) throw new Error(`2nd argument: a number of views ≥ 1, got ${viewsArg}`);
const evalPoints = Number(pointsArg);
const backend = await selectBackend(backendArg as BackendName);
const loaded = await loadModel(dir);
const model = loaded.model as OccupancyNetwork;
if (model.config.input !== 'image') throw new Error(`${dir} is not an image model (model.json has input ${JSON.stringify(model.config.input)})`);
const threshold = tauArg !== '-' ? Number(tauArg) : (model.config.threshold ?? 0.2);
const step = (model.config as { training?: { step?: number } }).training?.step ?? '?';
const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { data: { heldOut: string[]; valMeshes: number } };

// the meshes, as training saw (or never saw) them
let cases: { name: string; load: () => Promise<ReturnType<typeof parseMesh>> }[];
const read = async (f: string) => parseMesh(new Uint8Array(await readFile(join(MESH_DIR, f))), { source: f });
if (split === 'test') cases = cfg.data.heldOut.map((f) => ({ name: f, load: () => read(f) }));
else {
  const held = new Set(cfg.data.heldOut);
  const main = (await readdir(MESH_DIR)).filter((f) => /\.(off|obj|ply|stl)$/i.test(f) && !held.has(f)).sort();
  cases = validationMeshIndices(main.length, cfg.data.valMeshes).map((fi) => ({ name: `${main[fi]}#val`, load: async () => augmentedMesh(await read(main[fi]), 1, 900_000 + fi) }));
}
const seedBase = split === 'test' ? 10_000 : 20_000;
console.log(`${loaded.message}; step ${step}; backend ${backend}; ${split}: ${cases.length} meshes × ${views} views; τ ${threshold}; MISE 32³ + 2; ${evalPoints} evaluation points`);

type Row = { name: string; view: number; seed: number; model: ReconstructionMetrics; silhouette: ReconstructionMetrics; faces: number; seconds: number };
const rows: Row[] = [];
const sweep = TAUS.map(() => 0);
const fmt = (m: ReconstructionMetrics) => `IoU ${m.iou.toFixed(3)} CD ${m.chamferL1.toFixed(4)} NC ${m.normalConsistency.toFixed(3)} F ${m.fscore.toFixed(3)}`;
const t00 = performance.now();
for (const [i, c] of cases.entries()) {
  const mesh = await c.load();
  for (let v = 0; v < views; v++) {
    const seed = seedBase + 100 * i + v;
    const t0 = performance.now();
    const r = await reconstructImageView(model, mesh, { viewSeed: seed, resolution0: 32, upsamplingSteps: 2, threshold, baseline: true, evalPoints, evalSeed: seed });
    const seconds = (performance.now() - t0) / 1000;
    if (split === 'val') {
      // τ sweep on the network's probabilities at uniform points of the view box (as validation IoU), no meshing
      const pts = sampleUniformPoints(evalPoints, { seed, padding: model.config.padding });
      const occ = contains(r.gt, pts);
      const shape = model.condition(Float32Array.from(r.view.image, (b) => b / 255));
      const logits = await shape.logits(pts);
      shape.dispose();
      TAUS.forEach((t, j) => (sweep[j] += occupancyIoU(logits, occ, t) / (cases.length * views)));
    }
    const row: Row = { name: c.name, view: v, seed, model: r.metrics!, silhouette: r.baseline!.metrics!, faces: r.result.mesh.indices.length / 3, seconds };
    rows.push(row);
    console.log(`${`${c.name}@${v}`.padEnd(22)} model ${fmt(row.model)} | silhouette ${fmt(row.silhouette)}  ${seconds.toFixed(1)} s`);
  }
}
model.dispose();

const perMesh = cases.map((c) => {
  const rs = rows.filter((r) => r.name === c.name);
  return { name: c.name, model: meanMetrics(rs.map((r) => r.model)), silhouette: meanMetrics(rs.map((r) => r.silhouette)) };
});
const mean = { model: meanMetrics(rows.map((r) => r.model)), silhouette: meanMetrics(rows.map((r) => r.silhouette)) };
const cell = (m: ReconstructionMetrics) => `${m.iou.toFixed(3)} | ${m.chamferL1.toFixed(4)} | ${m.normalConsistency.toFixed(3)} | ${m.fscore.toFixed(3)}`;
console.log(`\n| ${split}: mean of ${views} views | model IoU | CD-L1 | NC | F@0.01 | silhouette IoU | CD-L1 | NC | F@0.01 |\n|---|---|---|---|---|---|---|---|---|`);
for (const p of perMesh) console.log(`| ${p.name} | ${cell(p.model)} | ${cell(p.silhouette)} |`);
console.log(`| **mean** (${rows.length} views) | ${cell(mean.model)} | ${cell(mean.silhouette)} |`);
const dIoU = mean.model.iou - mean.silhouette.iou;
console.log(`model − silhouette: IoU ${dIoU >= 0 ? '+' : ''}${dIoU.toFixed(3)}, Chamfer-L1 ${(100 * (1 - mean.model.chamferL1 / mean.silhouette.chamferL1)).toFixed(1)} % lower; ${((performance.now() - t00) / 1000).toFixed(0)} s in all`);
let tauSweep: { tau: number; iou: number }[] | undefined;
if (split === 'val') {
  tauSweep = TAUS.map((tau, j) => ({ tau, iou: sweep[j] }));
  console.log(`τ sweep (mean IoU of network probabilities on ${evalPoints} uniform points): ${tauSweep.map((e) => `${e.tau}: ${e.iou.toFixed(4)}`).join(', ')}`);
  console.log(`best τ on validation: ${TAUS[sweep.indexOf(Math.max(...sweep))]}`);
}
const report = { model: dir, step, split, views, threshold, evalPoints, backend, seeds: `${seedBase} + 100·mesh + view`, mean, perMesh, rows, ...(tauSweep ? { tauSweep } : {}) };
if (outJson) {
  await writeFile(outJson, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`wrote ${outJson}`);
}
