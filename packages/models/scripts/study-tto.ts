/**
 * Issue #22 lever study on VALIDATION shapes (never the held-out five): does test-time optimisation of the encoded
 * features (`reconstruct(…, { testTimeOptimization })`) remove the volume the shipped ensemble adds on thin parts,
 * and how does it compare with the cheap generation levers — the reference's vertex refinement (`refinementSteps`)
 * and one more MISE upsampling step (a 256³ final grid)?
 *
 * Shapes: the validation meshes of the shipped default's members (`validationMeshIndices` over the non-held-out
 * meshes of data/meshes, as `packages/train/src/node/train.ts` picks them from the members' config.json), each as
 * given (`--pose rotated`: one seeded random rotation each), normalised like the training data (bbox centre to the
 * origin, longest side 1). Note: train.ts also trains on augmented copies of its validation meshes (their
 * validation samples are a separate draw), so these shapes are not unseen the way the held-out five are. Protocol of
 * compare-classical.ts: 100k surface points (seeded), then 3000 and 300 of them with N(0, 0.005²) noise (seeded),
 * the same points for every setting; `reconstruct` with the model's own settings (τ by input size, cavities filled,
 * MISE 32 + 2 steps) plus the setting's options, every point encoded, wasm on one thread, one untimed warm-up.
 * Scores: `evaluateMeshes` (IoU on 100k uniform points by winding number, Chamfer-L1, normal consistency,
 * F-score@0.01 on 100k surface samples); CPU seconds of the process per reconstruction; volume / GT.
 *
 *   nice -n 10 npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/study-tto.ts \
 *     [--model DIR=packages/models/default] [--meshes 6] [--sizes 3000,300] [--settings base,tto-5,…]
 *     [--tto NAME=JSON]... [--pose given|rotated] [--out DIR=out/study-tto]
 *
 * Writes `<out>/study.md` and `<out>/study.json` (every row).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMesh } from '@onet/io';
import { registerFastMatMulGradient, selectBackend } from '@onet/nn';
import { createRng, normalizeMesh, randomAffine, sampleSurface, signedVolume, subsamplePointCloud, transformMesh } from '@onet/sampling';
import { loadModel } from '@onet/model/node';
import { evaluateMeshes, reconstruct, type ReconstructOptions, type ReconstructionMetrics } from '@onet/model';
import { ensureNodeGradients, validationMeshIndices } from '@onet/train/node';
import { dataDir, REPO_ROOT } from '@onet/test-utils/data';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: fileURLToPath(new URL('../default', import.meta.url)) },
    meshes: { type: 'string', default: '6' },
    sizes: { type: 'string', default: '3000,300' },
    settings: { type: 'string', default: '' },
    /** Extra settings `name=JSON of TestTimeOptimizationOptions`, e.g. `t1={"steps":20,"lr":0.05}` (exploration). */
    tto: { type: 'string', multiple: true, default: [] },
    /** `given` (the mesh as stored) or `rotated` (one seeded random rotation per mesh, as compare-classical's poses 1–4). */
    pose: { type: 'string', default: 'given' },
    out: { type: 'string', default: join(REPO_ROOT, 'out', 'study-tto') },
  },
});

/** The settings compared: name → extra `reconstruct` options (on top of the model's own). */
const SETTINGS: Record<string, { label: string; options: ReconstructOptions }> = {
  // the baselines without test-time optimisation, which the shipped default's model.json now turns on
  base: { label: 'shipped settings without TTO (baseline)', options: { testTimeOptimization: false } },
  refine30: { label: 'vertex refinement, 30 steps (reference lr 1e-4)', options: { refinementSteps: 30, testTimeOptimization: false } },
  mise3: { label: 'MISE 32 + 3 steps (256³ final grid)', options: { upsamplingSteps: 3, testTimeOptimization: false } },
  'tto-surf': { label: 'TTO 10 steps, lr 0.05, surface term only', options: { testTimeOptimization: { steps: 10, lr: 0.05, anchorWeight: 0, offSurfaceDistance: 0 } } },
  'tto-5': {
    label: 'TTO 5 steps, lr 0.1, off-surface δ 0.02 ×3',
    options: { testTimeOptimization: { steps: 5, lr: 0.1, anchorWeight: 0, offSurfaceDistance: 0.02, offSurfaceWeight: 3 } },
  },
  'tto-10': {
    label: 'TTO 10 steps, lr 0.05, off-surface δ 0.02 ×3',
    options: { testTimeOptimization: { steps: 10, lr: 0.05, anchorWeight: 0, offSurfaceDistance: 0.02, offSurfaceWeight: 3 } },
  },
  'tto-10-anchor': {
    label: 'TTO 10 steps, lr 0.05, off-surface δ 0.02 ×3, anchor λ 0.001',
    options: { testTimeOptimization: { steps: 10, lr: 0.05, anchorWeight: 0.001, offSurfaceDistance: 0.02, offSurfaceWeight: 3 } },
  },
  'tto-5+mise3': {
    label: 'TTO 5 steps (as tto-5) + MISE 32 + 3 steps',
    options: { upsamplingSteps: 3, testTimeOptimization: { steps: 5, lr: 0.1, anchorWeight: 0, offSurfaceDistance: 0.02, offSurfaceWeight: 3 } },
  },
};
for (const t of args.tto) {
  const eq = t.indexOf('=');
  SETTINGS[t.slice(0, eq)] = { label: `TTO ${t.slice(eq + 1)}`, options: { testTimeOptimization: JSON.parse(t.slice(eq + 1)) } };
}
const chosen = args.settings ? args.settings.split(',') : ['base', 'refine30', 'mise3', 'tto-surf', 'tto-5', 'tto-10', 'tto-10-anchor', 'tto-5+mise3'];
for (const s of chosen) if (!SETTINGS[s]) throw new Error(`unknown setting ${s}; known: ${Object.keys(SETTINGS).join(', ')}`);
if (args.pose !== 'given' && args.pose !== 'rotated') throw new Error(`--pose must be given or rotated, got ${args.pose}`);
const SIZES = args.sizes.split(',').map(Number);
const NOISE = 0.005;

// the validation meshes of the members' training (train.ts: loadTrainingShapes)
const modelDir = resolve(args.model);
const memberConfig = JSON.parse(readFileSync(join(modelDir, 'planes', 'config.json'), 'utf8')) as { data: { heldOut: string[]; valMeshes: number } };
const meshDir = dataDir('meshes');
const files = (await import('node:fs')).readdirSync(meshDir).filter((f) => /\.(off|obj|ply|stl)$/i.test(f)).sort();
const held = new Set(memberConfig.data.heldOut);
const mainFiles = files.filter((f) => !held.has(f));
const valFiles = validationMeshIndices(mainFiles.length, memberConfig.data.valMeshes).map((i) => mainFiles[i]).slice(0, Number(args.meshes));
for (const f of valFiles) if (held.has(f)) throw new Error(`${f} is held out`);

const backend = await selectBackend('wasm');
await ensureNodeGradients(); // test-time optimisation differentiates the decoder
registerFastMatMulGradient(); // same maths, faster on wasm (as in training)
const { model, message } = await loadModel(modelDir);
console.log(`${message}; backend ${backend} (one thread); validation meshes: ${valFiles.join(', ')}`);

interface Row extends ReconstructionMetrics {
  mesh: string;
  inputPoints: number;
  setting: string;
  cpuS: number;
  volumeRatio: number;
  surfaceLossBefore?: number;
  surfaceLossAfter?: number;
}
const rows: Row[] = [];
let warm = false;
for (const [i, name] of valFiles.entries()) {
  const raw = parseMesh(new Uint8Array(readFileSync(join(meshDir, name))), { source: name });
  const gt = normalizeMesh(args.pose === 'rotated' ? transformMesh(raw, randomAffine(createRng(4000 + i), { rotate: true })) : raw).mesh;
  const gtVolume = Math.abs(signedVolume(gt));
  const surface = sampleSurface(gt, 100_000, { seed: 4100 + i }).points;
  for (const n of SIZES) {
    const input = subsamplePointCloud(surface, n, { noiseStd: NOISE, seed: 4200 + i });
    if (!warm) {
      await reconstruct(model, input, { inputPoints: 0, testTimeOptimization: false });
      warm = true;
    }
    const line: string[] = [];
    for (const s of chosen) {
      const c0 = process.cpuUsage();
      const r = await reconstruct(model, input, { inputPoints: 0, ...SETTINGS[s].options });
      const c = process.cpuUsage(c0);
      const m = evaluateMeshes(r.mesh, gt, { frame: 'as-is', points: 100_000, seed: 4300 + i });
      const row: Row = { mesh: name.replace(/\.\w+$/, ''), inputPoints: n, setting: s, ...m, cpuS: (c.user + c.system) / 1e6, volumeRatio: Math.abs(signedVolume(r.mesh)) / gtVolume };
      if (r.testTimeOptimization) {
        row.surfaceLossBefore = r.testTimeOptimization.surfaceLossBefore;
        row.surfaceLossAfter = r.testTimeOptimization.surfaceLossAfter;
      }
      rows.push(row);
      const loss = row.surfaceLossBefore !== undefined ? ` L ${row.surfaceLossBefore.toFixed(2)}→${row.surfaceLossAfter!.toFixed(2)}` : '';
      line.push(`${s} ${m.iou.toFixed(3)}/${m.fscore.toFixed(3)} v${row.volumeRatio.toFixed(2)} ${row.cpuS.toFixed(1)}s${loss}`);
    }
    console.log(`${name} ${String(n).padStart(4)}: ${line.join(' | ')}`);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const md: string[] = [`Run ${new Date().toISOString().slice(0, 10)}: ${message.replace(/^model: /, '')}; validation meshes ${valFiles.map((f) => f.replace(/\.\w+$/, '')).join(', ')} (${args.pose === 'rotated' ? 'one seeded random rotation each' : 'as given'}, normalised); noise σ ${NOISE}; tfjs ${backend}, one thread.`];
for (const n of SIZES) {
  md.push('', `**From ${n} points** (mean over ${valFiles.length} validation meshes)`, '');
  md.push('| setting | IoU | F-score@0.01 | Chamfer-L1 | normal consistency | volume / GT | CPU s |', '|---|---|---|---|---|---|---|');
  for (const s of chosen) {
    const rs = rows.filter((r) => r.inputPoints === n && r.setting === s);
    const m = (k: keyof Row) => mean(rs.map((r) => r[k] as number));
    md.push(`| ${SETTINGS[s].label} | ${m('iou').toFixed(3)} | ${m('fscore').toFixed(3)} | ${m('chamferL1').toFixed(4)} | ${m('normalConsistency').toFixed(3)} | ${m('volumeRatio').toFixed(2)} | ${m('cpuS').toFixed(1)} |`);
  }
  md.push('', `IoU / F-score@0.01 per mesh from ${n} points:`, '', `| setting | ${valFiles.join(' | ')} |`, `|---|${valFiles.map(() => '---').join('|')}|`);
  for (const s of chosen) {
    const cells = valFiles.map((f) => {
      const r = rows.find((x) => x.inputPoints === n && x.setting === s && x.mesh === f.replace(/\.\w+$/, ''))!;
      return `${r.iou.toFixed(3)} / ${r.fscore.toFixed(3)}`;
    });
    md.push(`| ${s} | ${cells.join(' | ')} |`);
  }
}
const text = md.join('\n');
console.log(`\n${text}`);
mkdirSync(args.out, { recursive: true });
for (const [f, body] of [
  ['study.md', `${text}\n`],
  ['study.json', `${JSON.stringify({ date: new Date().toISOString(), model: message, meshes: valFiles, sizes: SIZES, noise: NOISE, settings: Object.fromEntries(chosen.map((s) => [s, SETTINGS[s]])), rows }, null, 1)}\n`],
] as const) {
  writeFileSync(join(args.out, `${f}.tmp`), body);
  renameSync(join(args.out, `${f}.tmp`), join(args.out, f));
}
console.log(`\nwrote ${join(args.out, 'study.md')}`);
