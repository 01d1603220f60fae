/**
 * Our shipped default ensemble against classical reconstruction from the same points (issue #22): Screened Poisson
 * (Open3D, depth 6, 8, 10) and ball pivoting (Open3D, radii r and 2r, r = 3 × the mean nearest-neighbour
 * distance), on the five held-out meshes, each in its own pose plus 4 seeded random rotations (the poses of
 * evaluate-voxels.ts), normalised like the training data (bbox centre to the origin, longest side 1).
 *
 * Per pose: 100k surface points (seeded), then 3000 and 300 of them with N(0, 0.005²) noise (seeded): the same
 * points for every method. Ours: `reconstruct` with the model's own settings (τ by input size, cavities filled,
 * test-time optimisation of the encoding with its default options when the model turns it on, as the shipped default
 * does; MISE 32 + 2 steps), every point encoded, wasm on one thread. Classical: classical.py (normals estimated with 30
 * neighbours, oriented by Open3D's tangent-plane MST with k = 15, flipped outward by majority; Poisson without
 * density trimming; one thread), in the Python that imports open3d (`$ONET_PYTHON`, `/usr/bin/python3`,
 * `python3`); without it those rows say "peer missing" and how to install it, and hold no number.
 *
 * Scores (`evaluateMeshes`, as evaluate-heldout.ts): IoU on 100k uniform points in [−0.55, 0.55]³ labelled by
 * the generalized winding number (`@onet/sampling` `contains`) — on the ground truth and on each reconstruction,
 * so an open ball-pivoting mesh gets the inside its winding number gives (labelled "IoU (winding)"; the closed
 * column counts meshes without boundary edges) — Chamfer-L1, normal consistency and F-score@0.01 on 100k surface
 * samples. Time per reconstruction: CPU seconds of the process that ran it (all its threads) and wall seconds,
 * normal estimation included for the classical methods; ours after one untimed warm-up.
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/compare-classical.ts \
 *     [--quick] [--bench] [--model DIR=packages/models/default]... [--skip-classical] [--backend wasm]
 *     [--without-tto] [--out DIR=out/compare-classical]
 *
 * `--model` may be given several times: the first is "ours" (the issue's targets are its), the others get rows of
 * their own on the same points (e.g. `--model packages/models/default --model packages/models/onet` adds the
 * paper's network). `--skip-classical`: no Open3D rows (only the models). `--without-tto`: also the first model
 * without test-time optimisation (`reconstruct`'s `testTimeOptimization: false`: the encoder's output as it is), on
 * the same points, rows "<its name> without TTO" with their own times.
 * `--quick`: cow and elephant in their own pose only (the check `npm run bench` runs). `--bench`: also write the
 * rows of `npm run bench`'s summary (`out/bench/models.json`). Writes `<out>/{full,quick}.md` (the tables) and
 * `<out>/{full,quick}.json` (every row); exits 1 when a reconstruction of ours fails.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMesh, type TriangleMesh } from '@onet/io';
import { type BackendName, selectBackend } from '@onet/nn';
import { createRng, normalizeMesh, randomAffine, sampleSurface, signedVolume, subsamplePointCloud, transformMesh } from '@onet/sampling';
import { loadModel } from '@onet/model/node';
import { evaluateMeshes, reconstruct, type ReconstructionMetrics, TEST_TIME_OPTIMIZATION_DEFAULTS } from '@onet/model';
import { dataDir, FixtureMissingError, REPO_ROOT } from '@onet/test-utils/data';
import { createBench, type BenchRow } from '@onet/test-utils/peers';
import { boundaryEdges, type ClassicalMethod, startClassicalPeer } from './classical.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    bench: { type: 'boolean', default: false },
    model: { type: 'string', multiple: true, default: [fileURLToPath(new URL('../default', import.meta.url))] },
    'skip-classical': { type: 'boolean', default: false },
    'without-tto': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string', default: join(REPO_ROOT, 'out', 'compare-classical') },
  },
});
const QUICK = args.quick;
const HELD_OUT = QUICK ? ['cow.off', 'elephant.off'] : ['cow.off', 'elephant.off', 'homer.off', 'bull.off', 'triceratops.off'];
const POSES = QUICK ? 1 : 5; // pose 0: the mesh as given; poses 1–4: random rotations
const SIZES = [3000, 300];
const NOISE = 0.005;
const CLASSICAL: ClassicalMethod[] = ['poisson6', 'poisson8', 'poisson10', 'bpa'];
const LABEL: Record<string, string> = {
  onet: 'onet default ensemble (shipped)',
  poisson6: 'Screened Poisson, depth 6',
  poisson8: 'Screened Poisson, depth 8',
  poisson10: 'Screened Poisson, depth 10',
  bpa: 'ball pivoting, radii r, 2r',
};
/** Method keys of the models: `onet` for the first (ours), `model1`, `model2`, … for the others. */
const MODEL_KEYS = args.model.map((_, j) => (j === 0 ? 'onet' : `model${j}`));
/** `onet-plain`: the first model without test-time optimisation (`--without-tto`), right after it in the tables. */
const WITHOUT_TTO = args['without-tto'];
const METHODS = [MODEL_KEYS[0], ...(WITHOUT_TTO ? ['onet-plain'] : []), ...MODEL_KEYS.slice(1), ...CLASSICAL];

interface Row extends ReconstructionMetrics {
  mesh: string;
  pose: number;
  inputPoints: number;
  method: string;
  cpuS: number;
  wallS: number;
  faces: number;
  boundaryEdges: number;
  /** |volume| of the reconstruction / that of the ground truth; null for a mesh with boundary edges (no volume). */
  volumeRatio: number | null;
}
interface Failure {
  mesh: string;
  pose: number;
  inputPoints: number;
  method: string;
  error: string;
}

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** Bench mode without the meshes: one row that says so, so the summary does not read "NO RESULTS". */
function benchDataMissing(message: string): never {
  const bench = createBench('models');
  bench.rows.push({ bench: 'models', what: 'onet vs Open3D Poisson / ball pivoting (quick)', ours: { cpuMs: 0, wallMs: 0 }, oursThreads: '—', peer: 'Open3D', peerMissing: `meshes missing: ${message}`, runs: 0 });
  bench.finish();
  console.log(message);
  process.exit(0);
}

let meshDir: string;
try {
  meshDir = dataDir('meshes');
} catch (e) {
  if (args.bench && e instanceof FixtureMissingError) benchDataMissing(e.message);
  throw e;
}

const backend = await selectBackend(args.backend as BackendName);
const models: { key: string; model: Awaited<ReturnType<typeof loadModel>>['model']; text: string }[] = [];
for (const [j, dir] of args.model.entries()) {
  const loaded = await loadModel(resolve(dir));
  const text = loaded.message.replaceAll(`${REPO_ROOT}/`, '').replace(/^model: /, '');
  models.push({ key: MODEL_KEYS[j], model: loaded.model, text });
  if (j > 0) LABEL[MODEL_KEYS[j]] = relative(REPO_ROOT, resolve(dir));
  else if (resolve(dir) !== resolve(fileURLToPath(new URL('../default', import.meta.url)))) LABEL.onet = `ours: ${relative(REPO_ROOT, resolve(dir))}`;
  console.log(`${loaded.message}; backend ${backend} (one thread)`);
}
/** The first model's test-time optimisation setting (its model.json's), what its rows ran with. */
const oursTto = models[0].model.config.testTimeOptimization;
if (oursTto) LABEL.onet += ' + TTO';
if (WITHOUT_TTO) {
  LABEL['onet-plain'] = `${LABEL.onet.replace(/ \+ TTO$/, '')} without TTO`;
  console.log('without test-time optimisation: the first model again with testTimeOptimization: false');
}
const modelText = models.map((m) => m.text).join('; ');
const peer: Awaited<ReturnType<typeof startClassicalPeer>> = args['skip-classical'] ? { missing: 'skipped (--skip-classical)', name: 'Open3D' } : await startClassicalPeer();
const peerMissing = 'missing' in peer ? peer.missing : undefined;
console.log(peerMissing ? `Open3D rows skipped — ${peerMissing}` : 'classical peers: Open3D via classical.py, one thread');

const rows: Row[] = [];
const failures: Failure[] = [];
let warmedUp = false;
try {
  for (const [i, name] of HELD_OUT.entries()) {
    const raw = parseMesh(new Uint8Array(readFileSync(join(meshDir, name))), { source: name });
    for (let k = 0; k < POSES; k++) {
      // pose 0 as evaluate-heldout.ts (same seeds), poses 1–4 as evaluate-voxels.ts's held-out poses
      const posed = k === 0 ? raw : transformMesh(raw, randomAffine(createRng(7_000_000 + 100 * i + (k - 1)), { rotate: true }));
      const gt = normalizeMesh(posed).mesh;
      const gtVolume = Math.abs(signedVolume(gt));
      const surface = sampleSurface(gt, 100_000, { seed: 100 + i + 10 * k }).points;
      for (const n of SIZES) {
        const input = subsamplePointCloud(surface, n, { noiseStd: NOISE, seed: 200 + i + 10 * k });
        const meshes: { method: string; mesh: TriangleMesh; cpuS: number; wallS: number }[] = [];
        // ours (and the other models)
        if (!warmedUp) {
          for (const { model } of models) await reconstruct(model, input, { inputPoints: 0 });
          if (WITHOUT_TTO) await reconstruct(models[0].model, input, { inputPoints: 0, testTimeOptimization: false });
          warmedUp = true;
        }
        const runs = models.map(({ key, model }) => ({ key, model, plain: false }));
        if (WITHOUT_TTO) runs.splice(1, 0, { key: 'onet-plain', model: models[0].model, plain: true });
        for (const { key, model, plain } of runs) {
          try {
            const c0 = process.cpuUsage();
            const t0 = performance.now();
            const r = await reconstruct(model, input, plain ? { inputPoints: 0, testTimeOptimization: false } : { inputPoints: 0 });
            const wallS = (performance.now() - t0) / 1000;
            const c = process.cpuUsage(c0);
            meshes.push({ method: key, mesh: r.mesh, cpuS: (c.user + c.system) / 1e6, wallS });
          } catch (e) {
            failures.push({ mesh: name, pose: k, inputPoints: n, method: key, error: String(e) });
          }
        }
        // classical, same points
        if (!peerMissing && 'reconstruct' in peer) {
          for (const r of await peer.reconstruct(input, CLASSICAL)) {
            if (r.error !== undefined) failures.push({ mesh: name, pose: k, inputPoints: n, method: r.method, error: r.error });
            else meshes.push({ method: r.method, mesh: r.mesh, cpuS: r.cpuS, wallS: r.wallS });
          }
        }
        const line: string[] = [];
        for (const m of meshes) {
          const s = evaluateMeshes(m.mesh, gt, { frame: 'as-is', points: 100_000, seed: 300 + i + 10 * k });
          const open = boundaryEdges(m.mesh);
          const volumeRatio = open === 0 ? Math.abs(signedVolume(m.mesh)) / gtVolume : null;
          rows.push({ mesh: name.replace(/\.off$/, ''), pose: k, inputPoints: n, method: m.method, ...s, cpuS: m.cpuS, wallS: m.wallS, faces: m.mesh.indices.length / 3, boundaryEdges: open, volumeRatio });
          line.push(`${m.method} ${s.iou.toFixed(3)}/${s.fscore.toFixed(3)} ${m.cpuS.toFixed(1)}s`);
        }
        console.log(`${name}#${k} ${String(n).padStart(4)} pts  IoU/F: ${line.join('  ')}`);
      }
    }
  }
} finally {
  if ('close' in peer) await peer.close();
}

// ---- tables ----
const meshes = HELD_OUT.map((f) => f.replace(/\.off$/, ''));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const pick = (n: number, method: string, mesh?: string) => rows.filter((r) => r.inputPoints === n && r.method === method && (mesh === undefined || r.mesh === mesh));
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const date = new Date().toISOString().slice(0, 10);
const shapes = `${meshes.length} held-out meshes × ${POSES} pose${POSES > 1 ? 's' : ''}`;
const classicalName = 'reconstruct' in peer ? peer.name : 'Open3D';
const md: string[] = [];
md.push(`Run ${date}${QUICK ? ' (--quick)' : ''}: ${shapes}, noisy surface points (σ ${NOISE}); ours: ${modelText}; tfjs ${backend}, one thread; classical: ${classicalName}.`);
if (peerMissing) md.push('', `**Classical rows missing** — ${peerMissing}`);
for (const n of SIZES) {
  md.push('', `**From ${n} points** (mean over ${shapes}; IoU by winding number, see the note on ball pivoting)`, '');
  md.push('| method | IoU | Chamfer-L1 | normal consistency | F-score@0.01 | CPU s | wall s | closed meshes | volume / GT |', '|---|---|---|---|---|---|---|---|---|');
  for (const method of METHODS) {
    const rs = pick(n, method);
    const failed = failures.filter((f) => f.inputPoints === n && f.method === method).length;
    if (!rs.length && !failed) continue;
    const m = (k: keyof Row) => mean(rs.map((r) => r[k] as number));
    const bold = (s: string) => (method === 'onet' ? `**${s}**` : s);
    const closed = rs.filter((r) => r.volumeRatio !== null);
    md.push(
      `| ${bold(LABEL[method])} | ${f3(m('iou'))} | ${m('chamferL1').toFixed(4)} | ${f3(m('normalConsistency'))} | ${f3(m('fscore'))} | ${m('cpuS').toFixed(1)} | ${m('wallS').toFixed(1)} | ${closed.length}/${rs.length}${failed ? ` (${failed} failed)` : ''} | ${closed.length ? `${mean(closed.map((r) => r.volumeRatio!)).toFixed(2)}${closed.length < rs.length ? ' (closed ones)' : ''}` : 'n/a'} |`,
    );
  }
  if (n === SIZES[0]) {
    md.push(
      '',
      'IoU: 100k uniform points in [−0.55, 0.55]³ labelled by the generalized winding number (w > ½; the sign by the mesh\'s signed volume), on the ground truth and on every reconstruction alike. Ball-pivoting meshes are open (holes where no ball pivots): their IoU is the winding number\'s reading of an open surface, defined but not that of a watertight solid. Open3D\'s Poisson meshes (no density trimming) still have a few boundary edges on some shapes. CPU s: CPU time of the process that ran the reconstruction (all its threads), normal estimation included for Poisson and ball pivoting. volume / GT: mean over the closed meshes (> 1: the surface adds volume).',
    );
  }
  md.push('', `IoU / F-score@0.01 per mesh from ${n} points (mean over ${POSES} pose${POSES > 1 ? 's' : ''}):`, '');
  md.push(`| method | ${meshes.join(' | ')} |`, `|---|${meshes.map(() => '---').join('|')}|`);
  for (const method of METHODS) {
    if (!pick(n, method).length) continue;
    const cells = meshes.map((mesh) => {
      const rs = pick(n, method, mesh);
      return `${f3(mean(rs.map((r) => r.iou)))} / ${f3(mean(rs.map((r) => r.fscore)))}`;
    });
    md.push(`| ${LABEL[method]} | ${cells.join(' | ')} |`);
  }
}

// ---- the issue's targets ----
const targets: { target: string; met: boolean; detail: string }[] = [];
const iouF = (n: number, method: string, mesh?: string) => {
  const rs = pick(n, method, mesh);
  return { iou: mean(rs.map((r) => r.iou)), f: mean(rs.map((r) => r.fscore)) };
};
const o3000 = iouF(3000, 'onet');
targets.push({ target: 'IoU ≥ 0.90 from 3000 points', met: o3000.iou >= 0.9, detail: `${f3(o3000.iou)}; per mesh ${meshes.map((m) => `${m} ${f3(iouF(3000, 'onet', m).iou)}`).join(', ')}` });
targets.push({ target: 'F@0.01 ≥ 0.88 from 3000 points', met: o3000.f >= 0.88, detail: `${f3(o3000.f)}; per mesh ${meshes.map((m) => `${m} ${f3(iouF(3000, 'onet', m).f)}`).join(', ')}` });
if (!peerMissing) {
  for (const method of ['poisson8', 'bpa']) {
    const losses: string[] = [];
    for (const mesh of meshes) {
      const o = iouF(3000, 'onet', mesh);
      const c = iouF(3000, method, mesh);
      if (!(o.iou > c.iou)) losses.push(`${mesh} IoU ${f3(o.iou)} vs ${f3(c.iou)}`);
      if (!(o.f > c.f)) losses.push(`${mesh} F ${f3(o.f)} vs ${f3(c.f)}`);
    }
    targets.push({ target: `better than ${LABEL[method]} on IoU and F for every mesh (3000 points)`, met: losses.length === 0, detail: losses.length ? `loses: ${losses.join('; ')}` : 'wins on every mesh' });
  }
}
const o300 = iouF(300, 'onet');
targets.push({ target: 'IoU ≥ 0.80 from 300 points', met: o300.iou >= 0.8, detail: `${f3(o300.iou)}; per mesh ${meshes.map((m) => `${m} ${f3(iouF(300, 'onet', m).iou)}`).join(', ')}` });
const slowest = Math.max(...rows.filter((r) => r.method === 'onet').map((r) => r.cpuS));
targets.push({ target: 'default ≤ 5 s per reconstruction on one core', met: slowest <= 5, detail: `mean ${mean(pick(3000, 'onet').map((r) => r.cpuS)).toFixed(1)} s CPU from 3000 points, ${mean(pick(300, 'onet').map((r) => r.cpuS)).toFixed(1)} s from 300, slowest ${slowest.toFixed(1)} s` });
md.push('', 'Targets of issue #22:', '', ...targets.map((t) => `- ${t.met ? 'met' : '**not met**'}: ${t.target} — ${t.detail}`));
if (failures.length) md.push('', 'Failed reconstructions:', '', ...failures.map((f) => `- ${f.mesh}#${f.pose} ${f.inputPoints} points ${f.method}: ${f.error}`));

const text = md.join('\n');
console.log(`\n${text}`);
mkdirSync(args.out, { recursive: true });
const base = join(args.out, QUICK ? 'quick' : 'full');
writeAtomic(`${base}.md`, `${text}\n`);
writeAtomic(
  `${base}.json`,
  `${JSON.stringify({ date: new Date().toISOString(), quick: QUICK, model: modelText, backend, classical: peerMissing ? { missing: peerMissing } : { name: classicalName }, noise: NOISE, testTimeOptimization: oursTto ? { ...TEST_TIME_OPTIMIZATION_DEFAULTS, ...(oursTto === true ? {} : oursTto) } : false, withoutTto: WITHOUT_TTO, meshes, poses: POSES, sizes: SIZES, rows, failures, targets }, null, 1)}\n`,
);
console.log(`\nwrote ${base}.md and ${base}.json`);

// ---- npm run bench rows ----
if (args.bench) {
  const bench = createBench('models');
  for (const n of SIZES) {
    const ours = pick(n, 'onet');
    const o = iouF(n, 'onet');
    for (const method of ['poisson8', 'bpa']) {
      const theirs = pick(n, method);
      const c = iouF(n, method);
      const row: BenchRow = {
        bench: 'models',
        what: `${meshes.join('+')}, ${n} pts: IoU/F@0.01 ours ${f3(o.iou)}/${f3(o.f)}${peerMissing ? '' : ` vs ${f3(c.iou)}/${f3(c.f)}`}`,
        ours: { cpuMs: 1000 * mean(ours.map((r) => r.cpuS)), wallMs: 1000 * mean(ours.map((r) => r.wallS)) },
        oursThreads: `1 (tfjs ${backend})`,
        peer: `Open3D ${LABEL[method]}`,
        runs: ours.length,
        note: 'times: mean per reconstruction (not minima), normals included for the peer; scores: compare-classical.ts --quick',
      };
      if (peerMissing) row.peerMissing = peerMissing;
      else {
        row.peerTimes = { cpuMs: 1000 * mean(theirs.map((r) => r.cpuS)), wallMs: 1000 * mean(theirs.map((r) => r.wallS)) };
        row.peerThreads = '1 (n_threads=1, OMP_NUM_THREADS=1)';
        row.ratioCpu = row.peerTimes.cpuMs / row.ours.cpuMs;
        row.ratioWall = row.peerTimes.wallMs / row.ours.wallMs;
      }
      bench.rows.push(row);
    }
  }
  console.log(`bench rows: ${bench.finish()}`);
}
if (failures.some((f) => f.method === 'onet')) process.exit(1);
