/**
 * @onet/metrics benchmark: Chamfer-L1 on 100k × 100k surface points — build a k-d tree on each cloud and
 * query both ways (what evaluation does per object) — against scipy's cKDTree doing the same on the same
 * points, run alternately with ours in the same process group (`@onet/test-utils/peers`: the Python that
 * imports scipy, else "peer missing"). Rows: minimum CPU and wall time of each, ratio scipy / ours by both
 * (> 1 means we are faster). Run: `npm run bench -w @onet/metrics` (`--quick`: 2k points).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '@onet/io';
import { icosphere, sampleSurface, torus } from '@onet/sampling';
import { benchQuick, createBench, pythonPeer } from '@onet/test-utils/peers';
import { evaluatePointClouds, KdTree } from '../src/index.js';

const N = benchQuick() ? 2_000 : 100_000;
const REPEATS = benchQuick() ? 2 : 5;

function chamferL1Ours(a: Float32Array, b: Float32Array): number {
  const ta = KdTree.build(a);
  const tb = KdTree.build(b);
  const d1 = tb.nearest(ta).distances; // queries visited in ta's tree order
  const d2 = ta.nearest(tb).distances;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < d1.length; i++) s1 += d1[i];
  for (let i = 0; i < d2.length; i++) s2 += d2[i];
  return 0.5 * (s1 / d1.length + s2 / d2.length);
}

interface Timing {
  median: number;
  best: number;
  /** Best CPU time (user + system) of one repeat: less sensitive to other processes on a shared machine. */
  cpuBest: number;
}

function timeIt<T>(f: () => T, repeats: number): Timing & { value: T } {
  let value = f(); // warm-up (JIT)
  value = f();
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    value = f();
    ms.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  ms.sort((x, y) => x - y);
  return { value, median: ms[Math.floor(ms.length / 2)], best: ms[0], cpuBest: Math.min(...cpu) };
}

const PY = `
import sys, numpy as np
from scipy.spatial import cKDTree
a = np.load(sys.argv[1]); b = np.load(sys.argv[2])
def run():
    ta = cKDTree(a); tb = cKDTree(b)
    d1, _ = tb.query(a); d2, _ = ta.query(b)
    return float(0.5 * (d1.mean() + d2.mean()))
`;

const cases: [string, Float32Array, Float32Array][] = [
  ['sphere r=0.4 (two independent samplings)', sampleSurface(icosphere(5, 0.4), N, { seed: 1 }).points, sampleSurface(icosphere(5, 0.4), N, { seed: 2 }).points],
  ['torus vs sphere (different shapes)', sampleSurface(torus(0.3, 0.1), N, { seed: 3 }).points, sampleSurface(icosphere(5, 0.35), N, { seed: 4 }).points],
];
(() => {
  // uniform in the unit cube: the volume case
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  cases.push(['uniform in the unit cube', new Float32Array(3 * N).map(next), new Float32Array(3 * N).map(next)]);
})();

const bench = createBench('metrics');
const dir = mkdtempSync(join(tmpdir(), 'onet-metrics-bench-'));
console.log(`@onet/metrics benchmark — Chamfer-L1, ${N / 1000}k × ${N / 1000}k points: build both trees, query both ways; scipy cKDTree alternately with ours, min CPU and wall time`);
try {
  for (const [name, a, b] of cases) {
    const fa = join(dir, 'a.npy');
    const fb = join(dir, 'b.npy');
    writeFileSync(fa, writeNpy(a, [a.length / 3, 3]));
    writeFileSync(fb, writeNpy(b, [b.length / 3, 3]));
    const peer = await pythonPeer({ name: 'scipy cKDTree', modules: ['numpy', 'scipy.spatial'], code: PY, args: [fa, fb] });
    await bench.compare({
      what: `Chamfer-L1 ${N / 1000}k × ${N / 1000}k, ${name}`,
      ours: () => chamferL1Ours(a, b),
      peer,
      runs: REPEATS,
      check: (o, p) => `|ΔCD| ${Math.abs((o as number) - (p as number)).toExponential(1)}`,
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// phases, and the all-in-one evaluation (trees once, every metric)
{
  const [, a, b] = cases[0];
  const build = timeIt(() => KdTree.build(a), REPEATS);
  const tree = KdTree.build(b);
  const query = timeIt(() => tree.nearest(a), REPEATS);
  const treeA = KdTree.build(a);
  const queryTree = timeIt(() => tree.nearest(treeA), REPEATS);
  const eva = timeIt(() => evaluatePointClouds({ points: a }, { points: b }, { thresholds: Array.from({ length: 1000 }, (_, i) => 0.001 + i * 0.001) }), REPEATS);
  console.log(
    `phases (sphere): build ${build.median.toFixed(1)} ms (${(N / build.median / 1000).toFixed(2)} M points/s), ` +
      `query ${query.median.toFixed(1)} ms (${(N / query.median / 1000).toFixed(2)} M queries/s; ` +
      `${queryTree.median.toFixed(1)} ms from a tree); ` +
      `evaluatePointClouds with 1000 F-score thresholds ${eva.median.toFixed(1)} ms`,
  );
}
bench.finish();
