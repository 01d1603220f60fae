/**
 * Marching-cubes throughput (Mvoxel/s = grid nodes / wall time) on analytic grids, with ratios against
 * peers measured in the same run on the same grid:
 *   - npm `isosurface` (Bourke-table marching cubes over a potential function, JS arrays),
 *   - three.js `MarchingCubes` (examples/jsm/objects; a Mesh subclass, runs headless in Node),
 *   - Python (when importable): skimage.measure.marching_cubes (Lewiner), VTK vtkFlyingEdges3D.
 * Run: `npm run bench -w @onet/marching-cubes` (or `npx tsx bench/index.ts [--quick]`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marchingCubes } from '../src/index.js';

const quick = process.argv.includes('--quick');
const sizes = quick ? [128] : [128, 256];

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

/**
 * Best (minimum) process CPU time and wall time (ms) of `reps` runs after `warm` warm-up runs. CPU time is
 * the headline: on a shared machine wall time mostly measures waiting for a core.
 */
function time(fn: () => void, reps: number, warm = 1): { cpu: number; wall: number } {
  for (let r = 0; r < warm; r++) fn();
  let cpu = Infinity;
  let wall = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e3);
  }
  return { cpu, wall };
}

const mvox = (n: number, ms: number) => n ** 3 / 1e6 / (ms / 1e3);
const fmt = (x: number) => x.toFixed(1).padStart(7);

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

/** First python interpreter that can import `module` (PATH's python3, then the system one), or null. */
function pythonWith(module: string): string | null {
  for (const exe of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(exe, ['-c', `import ${module}`], { stdio: 'ignore' });
      return exe;
    } catch {
      // try the next interpreter
    }
  }
  return null;
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

const PY: Record<string, string> = {
  skimage: `
import sys, time, numpy as np
from skimage.measure import marching_cubes
v = np.load(sys.argv[1]); marching_cubes(v, 0.0)
cs, ws = [], []
for _ in range(5):
    c0 = time.process_time(); t0 = time.perf_counter(); verts, faces, _n, _v = marching_cubes(v, 0.0)
    ws.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
print(min(cs) * 1e3, min(ws) * 1e3, len(faces))`,
  vtk: `
import sys, time, numpy as np, vtk
from vtk.util import numpy_support
v = np.load(sys.argv[1]); n = v.shape[0]
img = vtk.vtkImageData(); img.SetDimensions(n, n, n)
img.GetPointData().SetScalars(numpy_support.numpy_to_vtk(v.ravel(), deep=1))
fe = vtk.vtkFlyingEdges3D(); fe.SetInputData(img); fe.SetValue(0, 0.0); fe.ComputeNormalsOff(); fe.ComputeGradientsOff(); fe.ComputeScalarsOff()
vtk.vtkSMPTools.SetBackend('Sequential'); vtk.vtkSMPTools.Initialize(1)  # one thread, like ours
fe.Update(); cs, ws = [], []
for _ in range(5):
    fe.Modified(); c0 = time.process_time(); t0 = time.perf_counter(); fe.Update()
    ws.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
print(min(cs) * 1e3, min(ws) * 1e3, fe.GetOutput().GetNumberOfCells(), vtk.vtkSMPTools.GetBackend())`,
};

async function main(): Promise<void> {
  const Three = await loadThree();
  const iso = await loadIsosurface();
  const py = { skimage: pythonWith('skimage.measure'), vtk: pythonWith('vtk') };
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  console.log(
    `@onet/marching-cubes bench — Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${
      os.cpus().length
    }, load ${os.loadavg()[0]!.toFixed(1)}`
  );
  console.log(
    'Mvoxel/s = grid nodes / best CPU time of several runs (best wall time in brackets); ratio = ours / peer by CPU time'
  );
  const cell = (name: string, ours: { cpu: number; wall: number }, t: { cpu: number; wall: number }, n: number) =>
    `${name} ${fmt(mvox(n, t.cpu))} [${mvox(n, t.wall).toFixed(0)}] (${(t.cpu / ours.cpu).toFixed(2)}×)`;
  try {
    for (const n of sizes) {
      for (const field of fields) {
        const v = makeGrid(n, field.f);
        let tris = 0;
        const ours = time(() => (tris = marchingCubes(v, [n, n, n]).indices.length / 3), n >= 256 ? 7 : 15, 3);
        const peers: string[] = [];
        // three.js MarchingCubes: its field is x-fastest; we hand it our buffer as is (axes relabelled, same surface).
        if (Three) {
          const mc = Three(n, Math.ceil(tris * 1.2) + 1000);
          mc.field.set(v);
          mc.isolation = 0;
          peers.push(
            cell(
              'three.js',
              ours,
              time(() => mc.update(), 5, 1),
              n
            )
          );
        } else peers.push('three.js: peer not installed');
        if (iso) {
          // isosurface samples a potential function (s > 0 inside) at integer points: feed it our grid
          const pot = (x: number, y: number, z: number) => v[(Math.round(x) * n + Math.round(y)) * n + Math.round(z)]!;
          peers.push(
            cell(
              'isosurface',
              ours,
              time(() => iso([n, n, n], pot), 1, 0),
              n
            )
          );
        } else peers.push('isosurface: peer not installed');
        if (py.skimage || py.vtk) writeNpy(join(dir, 'grid.npy'), v, n);
        for (const name of ['skimage', 'vtk'] as const) {
          if (!py[name]) {
            peers.push(`${name}: peer not installed`);
            continue;
          }
          const out = execFileSync(py[name]!, ['-c', PY[name]!, join(dir, 'grid.npy')], { encoding: 'utf8' });
          const [cpu, wall] = out.trim().split(/\s+/).map(Number) as [number, number];
          peers.push(cell(name, ours, { cpu, wall }, n));
        }
        console.log(
          `${`${field.name} ${n}³`.padEnd(12)} ours ${fmt(mvox(n, ours.cpu))} [${mvox(n, ours.wall).toFixed(
            0
          )}] ${String(tris).padStart(8)} tris | ${peers.join(' | ')}`
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
