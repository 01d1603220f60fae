/**
 * Marching-cubes time on analytic grids against peers on the same grid, each peer measured alternately with
 * ours in the same process group by CPU time and wall time (`@onet/test-utils/peers`), minimum over runs:
 *   - npm `isosurface` (Bourke-table marching cubes over a potential function, JS arrays),
 *   - three.js `MarchingCubes` (examples/jsm/objects; a Mesh subclass, runs headless in Node),
 *   - Python (the first of $ONET_PYTHON, /usr/bin/python3, python3 that imports them; else "peer missing"):
 *     skimage.measure.marching_cubes (Lewiner), VTK vtkFlyingEdges3D on one thread (Sequential SMP backend).
 * VTK times only the filter's Update (the grid is converted once, before); both sides output an indexed mesh
 * and the row checks that vertex and triangle counts agree. Memory is measured in the steady state on both
 * sides: the peer's glibc keeps freed blocks up to 32 MiB for reuse (mallopt; by default it would do so only
 * after freeing a block of that size, which at 256³ never happens because the 64 MiB grid is too big to count),
 * and ours runs a full GC before each run, outside the timed region, so its output can reuse freed memory. On
 * this VM a fresh page costs ~3.5 ms per MiB, which otherwise decides the 256³ rows (VTK allocates ~32 MiB per
 * run there). Goal (issue #24): ≥ 1.0× VTK by min CPU time.
 * Run: `npm run bench -w @onet/marching-cubes` (or `npx tsx bench/index.ts [--quick]`: a 32³ grid);
 * `ONET_BENCH_ONLY=vtk` reruns only the VTK rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchQuick, createBench, jsPeer, named, pythonPeer, type Peer } from '@onet/test-utils/peers';
import { marchingCubes } from '../src/index.js';

const sizes = benchQuick() ? [32] : [128, 256];

type Field = { name: string; f: (x: number, y: number, z: number) => number };
const fields: Field[] = [
  // x, y, z in [−1, 1]
  { name: 'sphere', f: (x, y, z) => 0.8 - Math.sqrt(x * x + y * y + z * z) },
  {
    name: 'gyroid',
    f: (x, y, z) => {
      const s = 4 * Math.PI; // four periods across the grid: a dense surface
      return Math.sin(s * x) * Math.cos(s * y) + Math.sin(s * y) * Math.cos(s * z) + Math.sin(s * z) * Math.cos(s * x);
    },
  },
];

function makeGrid(n: number, f: Field['f']): Float32Array {
  const v = new Float32Array(n * n * n);
  const h = 2 / (n - 1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) v[(i * n + j) * n + k] = f(-1 + i * h, -1 + j * h, -1 + k * h);
  return v;
}

type ThreeMC = { field: Float32Array; isolation: number; update(): void; count: number };
async function loadThree(): Promise<null | ((n: number, maxPolyCount: number) => ThreeMC)> {
  try {
    const mod = await import('three/examples/jsm/objects/MarchingCubes.js');
    const three = await import('three');
    const MC = mod.MarchingCubes as unknown as new (
      r: number,
      m: unknown,
      uv: boolean,
      c: boolean,
      max: number
    ) => ThreeMC;
    return (n, max) => new MC(n, new three.MeshBasicMaterial(), false, false, max);
  } catch {
    return null;
  }
}

async function loadIsosurface(): Promise<
  | null
  | ((dims: number[], f: (x: number, y: number, z: number) => number) => { positions: unknown[]; cells: unknown[] })
> {
  try {
    const mod = (await import('isosurface')) as { marchingCubes?: unknown; default?: { marchingCubes: unknown } };
    return (mod.marchingCubes ?? mod.default!.marchingCubes) as never;
  } catch {
    return null;
  }
}

function writeNpy(path: string, v: Float32Array, n: number): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${n}, ${n}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(
    path,
    Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(v.buffer, v.byteOffset, v.byteLength)])
  );
}

const PY: Record<'skimage' | 'vtk', { name: string; modules: string[]; code: string }> = {
  skimage: {
    name: 'skimage marching_cubes (Lewiner)',
    modules: ['numpy', 'skimage.measure'],
    code: `
import sys, numpy as np
from skimage.measure import marching_cubes
v = np.load(sys.argv[1])
def run():
    verts, faces, _n, _v = marching_cubes(v, 0.0)
    return len(faces)`,
  },
  vtk: {
    name: 'VTK vtkFlyingEdges3D',
    modules: ['numpy', 'vtk'],
    code: `
import sys, numpy as np, vtk
from vtk.util import numpy_support
import ctypes
# steady-state memory: keep freed blocks up to 32 MiB for reuse (M_MMAP_THRESHOLD = -3, M_TRIM_THRESHOLD = -1)
_libc = ctypes.CDLL('libc.so.6'); _libc.mallopt(-3, 32 << 20); _libc.mallopt(-1, 64 << 20)
v = np.load(sys.argv[1]); n = v.shape[0]
img = vtk.vtkImageData(); img.SetDimensions(n, n, n)
img.GetPointData().SetScalars(numpy_support.numpy_to_vtk(v.ravel(), deep=1))
fe = vtk.vtkFlyingEdges3D(); fe.SetInputData(img); fe.SetValue(0, 0.0); fe.ComputeNormalsOff(); fe.ComputeGradientsOff(); fe.ComputeScalarsOff()
assert vtk.vtkSMPTools.SetBackend('Sequential'); vtk.vtkSMPTools.Initialize(1)  # one thread, like ours
def run():
    fe.Modified(); fe.Update()
    o = fe.GetOutput()
    return [o.GetNumberOfPoints(), o.GetNumberOfCells(), vtk.vtkSMPTools.GetBackend(), vtk.vtkSMPTools.GetEstimatedNumberOfThreads()]`,
  },
};

async function main(): Promise<void> {
  const bench = createBench('marching-cubes');
  const Three = await loadThree();
  const iso = await loadIsosurface();
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  console.log(
    `@onet/marching-cubes bench — Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${
      os.cpus().length
    }, load ${os.loadavg()[0]!.toFixed(1)}${bench.quick ? ', QUICK mode' : ''}`
  );
  console.log('ours and each peer alternately, minimum CPU and wall time; × = peer time / ours (> 1: ours faster)');
  const sameMesh = (a: unknown, b: unknown) => {
    const [v, f] = a as number[];
    const [pv, pf, backend, threads] = b as [number, number, string, number];
    const counts =
      v === pv && f === pf ? `vertices ${v} / ${pv}, triangles ${f} / ${pf}` : `COUNTS DIFFER: vertices ours ${v} vs ${pv}, triangles ${f} vs ${pf}`;
    return `${counts}; VTK SMP backend ${backend}, ${threads} thread(s)`;
  };
  try {
    for (const n of sizes) {
      for (const field of fields) {
        const v = makeGrid(n, field.f);
        const what = `${field.name} ${n}³`;
        const tris = marchingCubes(v, [n, n, n]).indices.length / 3;
        const ours = () => marchingCubes(v, [n, n, n]).indices.length / 3;
        const oursMesh = () => {
          const m = marchingCubes(v, [n, n, n]);
          return [m.positions.length / 3, m.indices.length / 3];
        };
        console.log(`${what}: ${tris} triangles`);
        const runs = n >= 256 ? 3 : undefined;
        // three.js MarchingCubes: its field is x-fastest; we hand it our buffer as is (axes relabelled, same surface).
        let three: Peer | ReturnType<typeof named> = named('three.js MarchingCubes', { missing: 'peer missing: npm install three' });
        if (Three) {
          const mc = Three(n, Math.ceil(tris * 1.2) + 1000);
          mc.field.set(v);
          mc.isolation = 0;
          three = jsPeer('three.js MarchingCubes', () => mc.update());
        }
        await bench.compare({ what, ours, peer: three, runs });
        // isosurface samples a potential function (s > 0 inside) at integer points: feed it our grid. Slow: one run.
        const pot = (x: number, y: number, z: number) => v[(Math.round(x) * n + Math.round(y)) * n + Math.round(z)]!;
        await bench.compare({
          what,
          ours,
          peer: iso ? jsPeer('npm isosurface', () => iso([n, n, n], pot)) : named('npm isosurface', { missing: 'peer missing: npm install isosurface' }),
          runs: 1,
          warmup: 0,
        });
        writeNpy(join(dir, 'grid.npy'), v, n);
        const args = [join(dir, 'grid.npy')];
        await bench.compare({ what, ours, peer: await pythonPeer({ ...PY.skimage, args }), runs });
        // the goal row: more runs and warm-ups (the JIT settles after a few calls), steady-state memory
        await bench.compare({
          what,
          ours: oursMesh,
          peer: await pythonPeer({ ...PY.vtk, args }),
          runs: bench.quick ? 2 : n >= 256 ? 7 : 9,
          warmup: 3,
          gcBeforeRuns: true,
          check: sameMesh,
          goal: { minRatioCpu: 1 },
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  bench.finish();
}

await main();
