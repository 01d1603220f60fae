/**
 * Voxel super-resolution evaluation (ONet §4.3, REFERENCE §4): each mesh in `poses` random rotations (seeded), each
 * pose normalised like the training data (bbox centre to the origin, longest side 1) and voxelised at the model's
 * resolution (`voxelizeMesh`, surface + fill, as binvox files are). Scores, against the posed mesh, the **input voxels**
 * as a closed blocky mesh (`voxelsToMesh`, the reference's baseline) and the **model**'s mesh (MISE 32 + 2 steps at τ,
 * marching cubes): IoU (100k uniform points in [−0.55, 0.55]³), Chamfer-L1, normal consistency, F-score@0.01.
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/evaluate-voxels.ts \
 *     [model dir=models/voxels] [heldout|val] [τ: a number, - (the model's, else 0.2)] [poses=4] [backend=wasm]
 *
 * `heldout`: the five held-out meshes (never trained on or validated with). `val`: the training config's validation
 * meshes (`<model dir>/config.json`: `valMeshes` of the non-held-out meshes, as training picks them) in new poses;
 * there the script also sweeps τ on the network's probabilities at the uniform points (no meshing) and prints the
 * best, so τ is chosen on validation shapes only.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseMesh, type TriangleMesh } from '@onet/io';
import { selectBackend, type BackendName } from '@onet/nn';
import { createRng, normalizeMesh, randomAffine, transformMesh, voxelizeMesh, voxelsToMesh, sampleUniformPoints, contains } from '@onet/sampling';
import { loadModel } from '@onet/model/node';
import { validationMeshIndices } from '@onet/train/node';
import { dataDir } from '@onet/test-utils/data';
import { reconstructVoxels, evaluateMeshes, type OccupancyNetwork, type ReconstructionMetrics } from '@onet/model';

const HELD_OUT = ['cow.off', 'elephant.off', 'homer.off', 'bull.off', 'triceratops.off'];
// The held-out and validation meshes: `<repo>/data/meshes` (`npm run fetch-meshes`), $ONET_DATA/meshes or ../shared/data/meshes.
const MESH_DIR = dataDir('meshes');

const [dir = new URL('../voxels', import.meta.url).pathname, split = 'heldout', tauArg = '-', posesArg = '4', backendArg = 'wasm'] = process.argv.slice(2);
if (split !== 'heldout' && split !== 'val') throw new Error(`2nd argument: heldout or val, got ${split}`);
const backend = await selectBackend(backendArg as BackendName);
const loaded = await loadModel(dir);
const model = loaded.model as OccupancyNetwork;
if (model.config.input !== 'voxels') throw new Error(`${dir} is not a voxel model`);
const R = model.config.voxelResolution ?? 32;
const threshold = tauArg !== '-' ? Number(tauArg) : (model.config.threshold ?? 0.2);
const poses = Number(posesArg);
const step = (model.config as { training?: { step?: number } }).training?.step ?? '?';
console.log(`${loaded.message}; step ${step}; backend ${backend}; ${split}; ${poses} poses; τ ${threshold}; ${R}³ voxels`);

let files = HELD_OUT;
if (split === 'val') {
  // the validation meshes exactly as loadTrainingShapes picks them
  const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { data: { meshDir: string; heldOut: string[]; valMeshes: number } };
  const meshDir = resolve(dir, cfg.data.meshDir);
  const all = (await readdir(meshDir)).filter((f) => /\.(off|obj|ply|stl)$/i.test(f)).sort();
  const main = all.filter((f) => !cfg.data.heldOut.includes(f));
  files = validationMeshIndices(main.length, cfg.data.valMeshes).map((fi) => main[fi]);
  for (const f of files) if (HELD_OUT.includes(f)) throw new Error(`validation mesh ${f} is held out`);
}

type Row = { name: string; voxels: ReconstructionMetrics; model: ReconstructionMetrics; seconds: number };
const rows: Row[] = [];
const taus = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
const sweep = taus.map(() => 0);
for (const [i, f] of files.entries()) {
  const mesh = parseMesh(new Uint8Array(await readFile(join(MESH_DIR, f))), { source: f });
  for (let k = 0; k < poses; k++) {
    // new poses: seeds far from training's (1000·file + copy) and validation's (900 000 + file)
    const rng = createRng(7_000_000 + 100 * i + k + (split === 'val' ? 50_000 : 0));
    const gt: TriangleMesh = normalizeMesh(transformMesh(mesh, randomAffine(rng, { rotate: true }))).mesh;
    const grid = voxelizeMesh(gt, { resolution: R });
    const seed = 300 + 10 * i + k;
    if (split === 'val') {
      // τ sweep on the network's probabilities at uniform points (as validation IoU), no meshing
      const pts = sampleUniformPoints(100_000, { seed, padding: model.config.padding });
      const occ = contains(gt, pts);
      const shape = model.condition(Float32Array.from(grid));
      const logits = await shape.logits(pts);
      shape.dispose();
      taus.forEach((t, j) => {
        const lt = Math.log(t / (1 - t));
        let inter = 0;
        let union = 0;
        for (let p = 0; p < occ.length; p++) {
          const a = logits[p] >= lt;
          if (a && occ[p]) inter++;
          if (a || occ[p]) union++;
        }
        sweep[j] += inter / union / (files.length * poses);
      });
    }
    const t0 = performance.now();
    const r = await reconstructVoxels(model, { grid, resolution: R, transform: { loc: [0, 0, 0], scale: 1 } }, { resolution0: 32, upsamplingSteps: 2, threshold });
    const seconds = (performance.now() - t0) / 1000;
    const o = { frame: 'as-is' as const, points: 100_000, seed };
    const row = { name: `${f}#${k}`, voxels: evaluateMeshes(voxelsToMesh(grid), gt, o), model: evaluateMeshes(r.mesh, gt, o), seconds };
    rows.push(row);
    const fmt = (m: ReconstructionMetrics) => `IoU ${m.iou.toFixed(3)} CD ${m.chamferL1.toFixed(4)} NC ${m.normalConsistency.toFixed(3)} F ${m.fscore.toFixed(3)}`;
    console.log(`${row.name.padEnd(18)} voxels ${fmt(row.voxels)} | model ${fmt(row.model)}  ${seconds.toFixed(1)} s`);
  }
}
const mean = (w: 'voxels' | 'model', k: 'iou' | 'chamferL1' | 'normalConsistency' | 'fscore') => rows.reduce((a, r) => a + r[w][k], 0) / rows.length;
console.log(`\n| ${split} (${files.length} meshes × ${poses} poses) | IoU | Chamfer-L1 | NC | F@0.01 |\n|---|---|---|---|---|`);
for (const w of ['voxels', 'model'] as const) {
  console.log(`| ${w === 'voxels' ? 'input voxels (32³, blocky mesh)' : `model (τ ${threshold})`} | ${mean(w, 'iou').toFixed(3)} | ${mean(w, 'chamferL1').toFixed(4)} | ${mean(w, 'normalConsistency').toFixed(3)} | ${mean(w, 'fscore').toFixed(3)} |`);
}
const dIoU = mean('model', 'iou') - mean('voxels', 'iou');
const dCD = 1 - mean('model', 'chamferL1') / mean('voxels', 'chamferL1');
console.log(`model − voxels: IoU ${dIoU >= 0 ? '+' : ''}${dIoU.toFixed(3)}, Chamfer-L1 ${(100 * dCD).toFixed(1)} % lower`);
if (split === 'val') {
  console.log(`τ sweep (mean IoU of network probabilities on 100k uniform points): ${taus.map((t, j) => `${t}: ${sweep[j].toFixed(4)}`).join(', ')}`);
  const best = taus[sweep.indexOf(Math.max(...sweep))];
  console.log(`best τ on validation: ${best}`);
}
console.log(JSON.stringify({ split, poses, threshold, step, rows }));
model.dispose();
