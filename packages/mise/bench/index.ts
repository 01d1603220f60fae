/**
 * MISE benchmark: for each analytic function of fixtures/mise/mise_reference.json, evaluations and
 * wall time of MISE (reference and safe mode) vs a dense grid at the same resolution, plus scaling to
 * resolutions 256 and 512. Run: `npm run bench -w @onet/mise` (tsx bench/index.ts; `--quick`: R 64, two cases).
 * Summary rows: MISE against the dense grid + marching cubes, alternately (`@onet/test-utils/peers`, min CPU and
 * wall time). The reference's Cython libmise has no Debian package: "peer missing" unless a Python imports
 * `im2mesh.utils.libmise`.
 */
import { readFileSync } from 'node:fs';
import { marchingCubes } from '@onet/marching-cubes';
import { extractIsosurface, gridAxes } from '../src/index.js';
import { MISE_CASE_FUNCTIONS as CASE_FUNCTIONS, batched } from '@onet/test-utils/analytic';
import { fixturePath } from '@onet/test-utils/data';
import { benchQuick, createBench, findPython, jsPeer, named } from '@onet/test-utils/peers';

const fixture = JSON.parse(
  readFileSync(fixturePath('mise/mise_reference.json'), 'utf8'),
) as { threshold_logit: number; cases: Record<string, { function: string; evaluations_total: number }> };
const T = fixture.threshold_logit;
const quick = benchQuick();
/** Quick mode: R 64 (one upsampling step) and two cases; else the fixture's R 128. */
const STEPS = quick ? 1 : 2;
const R = 32 * 2 ** STEPS;
const opts = { threshold: T, upsamplingSteps: STEPS };

/** Dense baseline: evaluate every node of the (R+1)³ grid (in 100k batches), then marching cubes. */
function dense(f: (p: Float32Array) => ArrayLike<number>, R: number) {
  const t0 = performance.now();
  const [ax, ay, az] = gridAxes(R);
  const n = R + 1;
  const grid = new Float32Array(n ** 3);
  const batch = 100_000;
  for (let s = 0; s < grid.length; s += batch) {
    const m = Math.min(batch, grid.length - s);
    const pts = new Float32Array(3 * m);
    for (let q = 0; q < m; q++) {
      const idx = s + q;
      const k = idx % n;
      const j = Math.floor(idx / n) % n;
      const i = Math.floor(idx / (n * n));
      pts[3 * q] = ax[i];
      pts[3 * q + 1] = ay[j];
      pts[3 * q + 2] = az[k];
    }
    grid.set(f(pts) as Float32Array, s);
  }
  const t1 = performance.now();
  const mesh = marchingCubes(grid, [n, n, n], { level: T, origin: [-0.55, -0.55, -0.55], spacing: [1.1 / R, 1.1 / R, 1.1 / R], closeBoundary: true });
  return { evals: grid.length, ms: performance.now() - t0, evalMs: t1 - t0, faces: mesh.indices.length / 3 };
}

const pad = (s: string | number, w: number) => String(s).padStart(w);
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main() {
  console.log('@onet/mise benchmark — threshold logit(0.2), box [-0.55, 0.55]³, values via a JS closed form');
  const bench = createBench('mise');
  const libmise = findPython(['im2mesh.utils.libmise'], {
    install: 'build the reference Occupancy Networks repo (python setup.py build_ext --inplace) and put it on PYTHONPATH',
  });
  if (libmise.missing === undefined) console.log(`peer: reference libmise importable in ${libmise.python} (not timed: the reference drives it with its network)`);
  else await bench.compare({ what: `MISE sphere_r0.35 R${R}`, ours: () => extractIsosurface(batched(CASE_FUNCTIONS['sphere_r0.35']), opts), peer: named('reference libmise', libmise), runs: 1 });

  console.log(`\nR = ${R} (resolution0 32, upsamplingSteps ${STEPS}): evaluations and wall time (evaluation + MISE + marching cubes)`);
  console.log(
    `${'case'.padEnd(32)}${pad('ref evals', 10)}${pad('ref time', 10)}${pad('safe evals', 11)}${pad('safe/ref', 9)}${pad('safe time', 10)}${pad('dense evals', 12)}${pad('dense time', 11)}${pad('dense/ref evals', 16)}${pad('faces ref/dense', 17)}`,
  );
  const cases = Object.entries(fixture.cases).slice(0, quick ? 2 : undefined);
  for (const [name, c] of cases) {
    const f = batched(CASE_FUNCTIONS[name]);
    const ref = await extractIsosurface(f, opts);
    const safe = await extractIsosurface(f, { ...opts, mode: 'safe' });
    const d = dense(f, R);
    if (!quick && ref.stats.evaluations !== c.evaluations_total) throw new Error(`${name}: evaluations differ from the fixture`);
    console.log(
      `${name.padEnd(32)}${pad(ref.stats.evaluations, 10)}${pad(fmt(ref.stats.timeMs.total), 10)}${pad(safe.stats.evaluations, 11)}${pad((safe.stats.evaluations / ref.stats.evaluations).toFixed(2) + '×', 9)}${pad(fmt(safe.stats.timeMs.total), 10)}${pad(d.evals, 12)}${pad(fmt(d.ms), 11)}${pad((d.evals / ref.stats.evaluations).toFixed(1) + '×', 16)}${pad(`${ref.mesh.indices.length / 3}/${d.faces}`, 17)}`,
    );
  }
  console.log('\nMISE (reference mode) against the dense grid + marching cubes it replaces, alternately, same closed form:');
  for (const [name] of cases) {
    const f = batched(CASE_FUNCTIONS[name]);
    await bench.compare({
      what: `MISE ${name} R${R}`,
      ours: async () => (await extractIsosurface(f, opts)).mesh.indices.length / 3,
      peer: jsPeer(`dense ${R + 1}³ grid + marching cubes`, () => dense(f, R).faces),
      runs: quick ? 2 : 3,
      check: (a, b) => `faces ${a} / ${b}`,
    });
  }

  console.log('\nScaling (sphere r 0.35, reference mode): where the time goes');
  const f = batched(CASE_FUNCTIONS['sphere_r0.35']);
  console.log(`${'R'.padEnd(6)}${pad('evals', 10)}${pad('dense evals', 13)}${pad('ratio', 8)}${pad('evaluate', 10)}${pad('MISE', 9)}${pad('densify', 9)}${pad('MC', 9)}${pad('total', 10)}${pad('dense total', 13)}`);
  for (const steps of quick ? [1] : [2, 3, 4]) {
    const R = 32 * 2 ** steps;
    const r = await extractIsosurface(f, { threshold: T, upsamplingSteps: steps });
    const tm = r.stats.timeMs;
    const d = R <= 256 ? dense(f, R) : undefined;
    console.log(
      `${String(R).padEnd(6)}${pad(r.stats.evaluations, 10)}${pad(r.stats.denseEvaluations, 13)}${pad((r.stats.denseEvaluations / r.stats.evaluations).toFixed(1) + '×', 8)}${pad(fmt(tm.evaluate), 10)}${pad(fmt(tm.mise), 9)}${pad(fmt(tm.densify), 9)}${pad(fmt(tm.marchingCubes), 9)}${pad(fmt(tm.total), 10)}${pad(d ? fmt(d.ms) : 'skipped', 13)}`,
    );
  }
  console.log('\nWith a network the evaluation column dominates (see the decoder benches for points/s), so the');
  console.log('dense/ref evaluation ratio is the speed-up that matters.');
  bench.finish();
}

await main();
