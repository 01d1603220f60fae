/**
 * Generative evaluation of an unconditional (vae) model (issue #21; Achlioptas et al. 2018, Yang et al. 2019):
 * COV, MMD and 1-NNA with the Chamfer distance (`chamferDistanceMatrix` of @onet/metrics) between surface samples of
 * N generated shapes and N shapes of the family's **test** split, beside two baselines scored the same way:
 * N **training** shapes (memorisation: the reference point) and N **fresh** shapes from the family generator (test
 * indices after the first N: the ideal, a second sample of the true distribution). Every mesh is normalised (bbox centre
 * to the origin, longest side 1) and sampled with `points` surface points (seeded). Generated meshes come from
 * z ~ N(0, I) (seed 0) with MISE `resolution0` + `upsamplingSteps` at the model's τ; each is checked watertight (every
 * edge in exactly two faces).
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/evaluate-generative.ts \
 *     <model dir> [family=chair] [N=64] [points=1024] [backend=wasm] [τ=model's] [split=test|val] [outJson|''] [resolution0=16]
 *
 * With split=val the reference set is the val split (use it to choose settings; report test once). τ = `val` picks
 * τ ∈ {0.2, 0.3, 0.4, 0.5} by mean reconstruction IoU on the first 24 val shapes (encoded by the posterior mean from
 * `inputPoints` labelled points, scored on 8000 others) — the validation split only.
 */
import { writeFile } from 'node:fs/promises';
import type { TriangleMesh } from '@onet/io';
import { selectBackend, type BackendName } from '@onet/nn';
import { normalizeMesh, sampleSurface, sampleUniformPoints, contains, shapeFamily, familyIndices, type ShapeFamilyName } from '@onet/sampling';
import { chamferDistanceMatrix, coverage, minimumMatchingDistance, oneNearestNeighborAccuracy, type DistanceMatrix } from '@onet/metrics';
import { loadModel } from '@onet/model/node';
import { OccupancyNetwork, sampleShapes } from '@onet/model';

const [dir, family = 'chair', nArg = '64', ptsArg = '1024', backendArg = 'wasm', tauArg = '-', split = 'test', outJson = '', res0Arg = '16'] = process.argv.slice(2);
const RESOLUTION0 = Number(res0Arg);
if (!dir) throw new Error('usage: evaluate-generative.ts <model dir> [family] [N] [points] [backend] [τ] [split] [outJson] [resolution0]');
const N = Number(nArg);
const POINTS = Number(ptsArg);

function watertight(m: TriangleMesh): boolean {
  if (m.indices.length === 0) return false;
  const n = new Map<number, number>();
  const V = m.positions.length / 3;
  for (let t = 0; t < m.indices.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = m.indices[t + k], b = m.indices[t + ((k + 1) % 3)];
      const key = a < b ? a * V + b : b * V + a;
      n.set(key, (n.get(key) ?? 0) + 1);
    }
  }
  for (const c of n.values()) if (c !== 2) return false;
  return true;
}

function cloud(m: TriangleMesh, seed: number): Float32Array {
  return sampleSurface(normalizeMesh(m).mesh, POINTS, { seed }).points;
}

function scores(gg: DistanceMatrix, gr: DistanceMatrix, rr: DistanceMatrix) {
  return { cov: coverage(gr), mmd: minimumMatchingDistance(gr), nna: oneNearestNeighborAccuracy(gg, gr, rr) };
}

const backend = await selectBackend(backendArg as BackendName);
const loaded = await loadModel(dir);
const model = loaded.model as OccupancyNetwork;
if (!(model instanceof OccupancyNetwork) || model.config.kind !== 'vae') throw new Error(`${dir} is not a vae model`);
console.error(`${loaded.message}; backend ${backend}`);
const fam = family as ShapeFamilyName;
const refIdx = familyIndices(split as 'test' | 'val').slice(0, N);
const freshIdx = familyIndices('test').slice(N, 2 * N);
const trainIdx = familyIndices('train', N);
const t0 = performance.now();
const reference = refIdx.map((i) => cloud(shapeFamily(fam, i).mesh, 10_000 + i));
const fresh = freshIdx.map((i) => cloud(shapeFamily(fam, i).mesh, 10_000 + i));
const memorised = trainIdx.map((i) => cloud(shapeFamily(fam, i).mesh, 10_000 + i));
/** τ by mean reconstruction IoU on val shapes (posterior mean from inputPoints labelled points, IoU on 8000 others). */
async function selectThreshold(): Promise<number> {
  const taus = [0.2, 0.3, 0.4, 0.5];
  const iou = taus.map(() => 0);
  const vals = familyIndices('val', 24);
  for (const i of vals) {
    const mesh = shapeFamily(fam, i).mesh;
    const k = model.config.inputPoints;
    const pts = sampleUniformPoints(k + 8000, { seed: 30_000 + i, padding: model.config.padding });
    const occ = contains(mesh, pts);
    const shape = model.decodeLatent(model.encodeLatent(pts.subarray(0, 3 * k), occ.subarray(0, k)));
    const logits = await shape.logits(pts.subarray(3 * k));
    shape.dispose();
    taus.forEach((t, j) => {
      const l = Math.log(t / (1 - t));
      let inter = 0, union = 0;
      for (let q = 0; q < 8000; q++) {
        const p = logits[q] >= l, g = occ[k + q] === 1;
        if (p && g) inter++;
        if (p || g) union++;
      }
      iou[j] += (union ? inter / union : 1) / vals.length;
    });
  }
  const best = iou.indexOf(Math.max(...iou));
  console.error(`val reconstruction IoU by τ: ${taus.map((t, j) => `${t}: ${iou[j].toFixed(4)}`).join(', ')} → τ ${taus[best]}`);
  return taus[best];
}
const threshold = tauArg === '-' ? undefined : tauArg === 'val' ? await selectThreshold() : Number(tauArg);
const shapes = await sampleShapes(model, N, {
  seed: 0,
  generation: { resolution0: RESOLUTION0, upsamplingSteps: 2, threshold },
  onShape: (i, n, ms) => i % 8 === 7 && console.error(`  generated ${i + 1}/${n} (${(ms / 1000).toFixed(2)} s)`),
});
model.dispose();
const tight = shapes.filter((s) => watertight(s.mesh)).length;
const empty = shapes.filter((s) => s.mesh.indices.length === 0).length;
// an empty generation has no surface: it gets one point at the origin (it then matches nothing well)
const generated = shapes.map((s, i) => (s.mesh.indices.length ? cloud(s.mesh, 20_000 + i) : new Float32Array(3)));
console.error(`generated ${N} shapes (${tight} watertight, ${empty} empty) in ${((performance.now() - t0) / 1000).toFixed(0)} s; τ ${shapes[0].stats.threshold}`);
const rr = chamferDistanceMatrix(reference);
const rows: Record<string, { cov: number; mmd: number; nna: number }> = {};
for (const [name, set] of [['model', generated], ['train shapes (memorisation)', memorised], ['fresh family shapes (ideal)', fresh]] as const) {
  rows[name] = scores(chamferDistanceMatrix(set), chamferDistanceMatrix(set, reference), rr);
  console.error(`  ${name} scored (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log(`\n${family}: N = ${N} vs the ${split} split, ${POINTS} surface points per shape, CD = mean d² both ways summed\n`);
console.log('| set | COV-CD ↑ | MMD-CD ↓ (×10³) | 1-NNA-CD (50 % ideal) |');
console.log('|---|---|---|---|');
for (const [k, r] of Object.entries(rows)) console.log(`| ${k} | ${(100 * r.cov).toFixed(1)} % | ${(1000 * r.mmd).toFixed(2)} | ${(100 * r.nna).toFixed(1)} % |`);
console.log(`\ngenerated meshes watertight: ${tight}/${N} (empty: ${empty}); τ = ${shapes[0].stats.threshold}; MISE resolution0 ${RESOLUTION0} + 2 steps`);
if (outJson) await writeFile(outJson, JSON.stringify({ family, N, points: POINTS, split, resolution0: RESOLUTION0, threshold: shapes[0].stats.threshold, watertight: tight, empty, rows }, null, 1));
