/**
 * Benchmarks of @onet/sampling. Run: `npm run bench -w packages/sampling` (or `npx tsx bench/index.ts`).
 * Prints throughput, and the ratio against VTK's vtkSelectEnclosedPoints (one thread) on the same mesh and
 * points, run alternately with ours by `@onet/test-utils/peers` (min CPU and wall time; "peer missing: …" when
 * no Python imports vtk). `--quick`: a 40×40 torus and 2k points.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '@onet/io';
import { benchQuick, createBench, pythonPeer } from '@onet/test-utils/peers';
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

// Open3D's RaycastingScene.compute_occupancy returns all zeros on closed meshes here (TOOLCHAIN.md): VTK's
// vtkSelectEnclosedPoints is the inside-test peer, on one thread (Sequential SMP backend).
const VTK_PEER = `
import sys, numpy as np, vtk
from vtk.util import numpy_support as ns
d = sys.argv[1]
v = np.load(d + '/v.npy').astype(np.float64); f = np.load(d + '/f.npy').astype(np.int64); p = np.load(d + '/p.npy').astype(np.float64)
vtk.vtkSMPTools.SetBackend('Sequential'); vtk.vtkSMPTools.Initialize(1)
pts = vtk.vtkPoints(); pts.SetData(ns.numpy_to_vtk(v, deep=1))
cells = vtk.vtkCellArray(); cells.SetCells(len(f), ns.numpy_to_vtkIdTypeArray(np.hstack([np.full((len(f), 1), 3), f]).ravel(), deep=1))
surface = vtk.vtkPolyData(); surface.SetPoints(pts); surface.SetPolys(cells)
qp = vtk.vtkPoints(); qp.SetData(ns.numpy_to_vtk(p, deep=1))
query = vtk.vtkPolyData(); query.SetPoints(qp)
sel = vtk.vtkSelectEnclosedPoints(); sel.SetSurfaceData(surface); sel.SetInputData(query); sel.CheckSurfaceOff()
def run():
    sel.Modified(); sel.Update()
    return ns.vtk_to_numpy(sel.GetOutput().GetPointData().GetArray('SelectedPoints')).astype(np.uint8)
`;

const quick = benchQuick();
const R = 0.35, r = 0.12;
const mesh = quick ? torus(R, r, 40, 40) : torus(R, r, 160, 160);
const nFaces = mesh.indices.length / 3;
const points = sampleUniformPoints(quick ? 2_000 : 100_000, { seed: 0 });
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

const bench = createBench('sampling');
const dir = mkdtempSync(join(tmpdir(), 'onet-bench-'));
try {
  writeFileSync(join(dir, 'v.npy'), writeNpy(mesh.positions, [mesh.positions.length / 3, 3]));
  writeFileSync(join(dir, 'f.npy'), writeNpy(mesh.indices, [mesh.indices.length / 3, 3]));
  writeFileSync(join(dir, 'p.npy'), writeNpy(points, [points.length / 3, 3]));
  const peer = await pythonPeer({ name: 'VTK vtkSelectEnclosedPoints', modules: ['numpy', 'vtk'], code: VTK_PEER, args: [dir] });
  await bench.compare({
    what: `contains (default) torus ${nFaces} faces, ${n} points`,
    ours: () => contains(mesh, points),
    peer,
    runs: quick ? 2 : 3,
    check: (_o, p) => `peer ${accuracy(Uint8Array.from(p as number[]))}; ours ${accuracy(occ.out)}`,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
bench.finish();

const surf = time(() => sampleSurface(mesh, n, { seed: 1 }));
console.log(`sampleSurface ${n}: ${surf.ms.toFixed(1)} ms`);
const uni = time(() => sampleUniformPoints(100_000, { seed: 1 }));
console.log(`sampleUniformPoints 100k: ${uni.ms.toFixed(1)} ms`);
const vox = time(() => voxelize(mesh, { resolution: 32 }));
console.log(`voxelize 32³: ${vox.ms.toFixed(0)} ms`);
