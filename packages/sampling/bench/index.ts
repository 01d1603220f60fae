/**
 * Benchmarks of @onet/sampling. Run: `npm run bench -w packages/sampling` (or `npx tsx bench/index.ts`).
 * Prints throughput, and the ratio against Open3D's RaycastingScene.compute_occupancy on the same mesh and
 * points when python3 can import open3d ("peer not installed" otherwise).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNpy, writeNpy } from '@onet/io';
import type { TriangleMesh } from '@onet/io';
import { contains, sampleSurface, sampleUniformPoints, torus, voxelize, windingNumbers } from '../src/index.js';

function time<T>(fn: () => T, reps = 3): { ms: number; out: T } {
  let best = Infinity;
  let out!: T;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    out = fn();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, out };
}

function peerOpen3d(mesh: TriangleMesh, points: Float32Array): { ms: number; occ: Uint8Array; version: string } | null {
  // the first interpreter on PATH may be a pyenv one without the Debian dist-packages
  const python = ['python3', '/usr/bin/python3'].find((py) => {
    try {
      execFileSync(py, ['-c', 'import open3d; open3d.t.geometry.RaycastingScene.compute_occupancy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) return null;
  const dir = mkdtempSync(join(tmpdir(), 'onet-bench-'));
  try {
    writeFileSync(join(dir, 'v.npy'), writeNpy(mesh.positions, [mesh.positions.length / 3, 3]));
    writeFileSync(join(dir, 'f.npy'), writeNpy(mesh.indices, [mesh.indices.length / 3, 3]));
    writeFileSync(join(dir, 'p.npy'), writeNpy(points, [points.length / 3, 3]));
    const script = `
import numpy as np, open3d as o3d, time, sys
d = sys.argv[1]
v = np.load(d + '/v.npy'); f = np.load(d + '/f.npy').astype(np.uint32); p = np.load(d + '/p.npy')
best = 1e9
for _ in range(3):
    t = time.perf_counter()
    scene = o3d.t.geometry.RaycastingScene()
    scene.add_triangles(o3d.core.Tensor(v), o3d.core.Tensor(f))
    occ = scene.compute_occupancy(o3d.core.Tensor(p)).numpy()
    best = min(best, time.perf_counter() - t)
np.save(d + '/occ.npy', (occ > 0.5).astype(np.uint8))
print(o3d.__version__)
print(best * 1000)
`;
    const lines = execFileSync(python, ['-c', script, dir], { encoding: 'utf8' }).trim().split('\n');
    const ms = Number(lines.pop());
    const version = lines.pop() ?? '?';
    const occ = parseNpy(new Uint8Array(readFileSync(join(dir, 'occ.npy'))), 'occ.npy').data as Uint8Array;
    return { ms, occ, version };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const R = 0.35, r = 0.12;
const mesh = torus(R, r, 160, 160);
const nFaces = mesh.indices.length / 3;
const points = sampleUniformPoints(100_000, { seed: 0 });
console.log(`@onet/sampling bench — torus with ${nFaces} faces, ${points.length / 3} uniform points in [−0.55, 0.55]³`);

// analytic labels away from the surface, to validate every method (and the peer)
const n = points.length / 3;
const truth = new Int8Array(n);
for (let i = 0; i < n; i++) {
  const d = Math.hypot(Math.hypot(points[3 * i], points[3 * i + 1]) - R, points[3 * i + 2]);
  truth[i] = Math.abs(d - r) < 0.003 ? -1 : d < r ? 1 : 0;
}
const accuracy = (occ: Uint8Array): string => {
  let ok = 0, total = 0;
  for (let i = 0; i < n; i++) if (truth[i] >= 0) {
    total++;
    ok += occ[i] === truth[i] ? 1 : 0;
  }
  return `${((100 * ok) / total).toFixed(3)} % correct vs analytic`;
};
const pps = (ms: number): string => `${((n / ms) * 1000 / 1e6).toFixed(2)} M points/s`;

const wn = time(() => windingNumbers(mesh, points, { rayCastClosed: false }));
console.log(`windingNumbers, fast-winding tree (β=2, incl. build): ${wn.ms.toFixed(0)} ms  (${pps(wn.ms)})`);
const tree = time(() => contains(mesh, points, { rayCastClosed: false }));
console.log(`contains, tree only:                  ${tree.ms.toFixed(0)} ms  (${pps(tree.ms)}; ${accuracy(tree.out)})`);
const occ = time(() => contains(mesh, points));
console.log(`contains, default (closed → exact ray crossings): ${occ.ms.toFixed(0)} ms  (${pps(occ.ms)}; ${accuracy(occ.out)})`);
const rp = time(() => contains(mesh, points, { method: 'ray-parity' }));
console.log(`contains ray-parity (reference rule):  ${rp.ms.toFixed(0)} ms  (${accuracy(rp.out)})`);
let agree = 0;
for (let i = 0; i < occ.out.length; i++) agree += occ.out[i] === rp.out[i] ? 1 : 0;
console.log(`winding vs ray parity agreement: ${((100 * agree) / occ.out.length).toFixed(3)} %`);

const peer = peerOpen3d(mesh, points);
if (!peer) console.log('Open3D RaycastingScene.compute_occupancy: peer not installed (python3 -c "import open3d" failed)');
else {
  console.log(`Open3D ${peer.version} compute_occupancy: ${peer.ms.toFixed(0)} ms (${accuracy(peer.occ)})`);
  console.log(`ratio ours/Open3D: default ${(occ.ms / peer.ms).toFixed(2)}×, tree only ${(tree.ms / peer.ms).toFixed(2)}× (<1 = ours faster)`);
}

const surf = time(() => sampleSurface(mesh, 100_000, { seed: 1 }));
console.log(`sampleSurface 100k: ${surf.ms.toFixed(1)} ms`);
const uni = time(() => sampleUniformPoints(100_000, { seed: 1 }));
console.log(`sampleUniformPoints 100k: ${uni.ms.toFixed(1)} ms`);
const vox = time(() => voxelize(mesh, { resolution: 32 }));
console.log(`voxelize 32³: ${vox.ms.toFixed(0)} ms`);
