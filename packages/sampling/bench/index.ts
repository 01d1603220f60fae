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

function peerOpen3d(mesh: TriangleMesh, points: Float32Array): { ms: number; occ: Uint8Array } | null {
  try {
    execFileSync('python3', ['-c', 'import open3d'], { stdio: 'ignore' });
  } catch {
    return null;
  }
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
print(best * 1000)
`;
    const ms = Number(execFileSync('python3', ['-c', script, dir], { encoding: 'utf8' }).trim().split('\n').pop());
    const occ = parseNpy(new Uint8Array(readFileSync(join(dir, 'occ.npy'))), 'occ.npy').data as Uint8Array;
    return { ms, occ };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mesh = torus(0.35, 0.12, 160, 160);
const nFaces = mesh.indices.length / 3;
const points = sampleUniformPoints(100_000, { seed: 0 });
console.log(`@onet/sampling bench — torus with ${nFaces} faces, ${points.length / 3} uniform points in [−0.55, 0.55]³`);

const wn = time(() => windingNumbers(mesh, points));
console.log(`windingNumbers (β=2, incl. BVH build): ${wn.ms.toFixed(0)} ms  (${((points.length / 3 / wn.ms) * 1000).toFixed(0)} points/s)`);
const occ = time(() => contains(mesh, points));
console.log(`contains winding:                      ${occ.ms.toFixed(0)} ms`);
const rp = time(() => contains(mesh, points, { method: 'ray-parity' }));
console.log(`contains ray-parity (reference rule):  ${rp.ms.toFixed(0)} ms`);
let agree = 0;
for (let i = 0; i < occ.out.length; i++) agree += occ.out[i] === rp.out[i] ? 1 : 0;
console.log(`winding vs ray parity agreement: ${((100 * agree) / occ.out.length).toFixed(3)} %`);

const peer = peerOpen3d(mesh, points);
if (!peer) console.log('Open3D RaycastingScene.compute_occupancy: peer not installed (python3 -c "import open3d" failed)');
else {
  let same = 0;
  for (let i = 0; i < peer.occ.length; i++) same += peer.occ[i] === occ.out[i] ? 1 : 0;
  console.log(
    `Open3D compute_occupancy: ${peer.ms.toFixed(0)} ms; ours/Open3D time ratio ${(occ.ms / peer.ms).toFixed(2)}× ` +
      `(<1 = faster); label agreement ${((100 * same) / peer.occ.length).toFixed(3)} %`,
  );
}

const surf = time(() => sampleSurface(mesh, 100_000, { seed: 1 }));
console.log(`sampleSurface 100k: ${surf.ms.toFixed(1)} ms`);
const uni = time(() => sampleUniformPoints(100_000, { seed: 1 }));
console.log(`sampleUniformPoints 100k: ${uni.ms.toFixed(1)} ms`);
const vox = time(() => voxelize(mesh, { resolution: 32 }), 1);
console.log(`voxelize 32³: ${vox.ms.toFixed(0)} ms`);
