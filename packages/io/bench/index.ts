/**
 * Parse/write throughput of @onet/io against peers measured in the same run: three.js loaders (PLYLoader,
 * OBJLoader, STLLoader) and, when importable, Python trimesh / Open3D. Run: `npm run bench -w @onet/io`.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { dataPath } from '@onet/test-utils/data';
import { parseMesh, parseStl, writeObj, writeOff, writePly, writeStl, type TriangleMesh } from '../src/index.js';

// three.js is a peer, not a dependency of @onet/io: without it the bench says "peer not installed".
type Loader = new () => { parse(data: ArrayBuffer | string): unknown };
let loaders: { PLYLoader: Loader; OBJLoader: Loader; STLLoader: Loader } | undefined;
try {
  const [ply, obj, stl] = await Promise.all([
    import('three/examples/jsm/loaders/PLYLoader.js'),
    import('three/examples/jsm/loaders/OBJLoader.js'),
    import('three/examples/jsm/loaders/STLLoader.js'),
  ]);
  loaders = { PLYLoader: ply.PLYLoader, OBJLoader: obj.OBJLoader, STLLoader: stl.STLLoader };
} catch {
  loaders = undefined;
}

/** Midpoint-subdivide every triangle into 4 (vertices not shared across edges: fine for I/O timing). */
function subdivide(m: TriangleMesh): TriangleMesh {
  const p = m.positions, idx = m.indices;
  const pos: number[] = Array.from(p);
  const out: number[] = [];
  const mid = (a: number, b: number) => {
    pos.push((p[a * 3] + p[b * 3]) / 2, (p[a * 3 + 1] + p[b * 3 + 1]) / 2, (p[a * 3 + 2] + p[b * 3 + 2]) / 2);
    return pos.length / 3 - 1;
  };
  for (let t = 0; t < idx.length; t += 3) {
    const [a, b, c] = [idx[t], idx[t + 1], idx[t + 2]];
    const ab = mid(a, b), bc = mid(b, c), ca = mid(c, a);
    out.push(a, ab, ca, ab, b, bc, ca, bc, c, ab, bc, ca);
  }
  return { positions: Float32Array.from(pos), indices: Uint32Array.from(out) };
}

function time(fn: () => unknown, minMs = 300): number {
  fn(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs || n < 3) {
    fn();
    n++;
    t = performance.now();
  }
  return (t - t0) / n;
}

const base = parseMesh(readFileSync(dataPath('meshes/bear_bis.off')), { source: 'bear_bis.off' });
const mesh = subdivide(subdivide(base));
const F = mesh.indices.length / 3;
console.log(`mesh: bear_bis.off subdivided twice, ${mesh.positions.length / 3} vertices, ${F} triangles\n`);

const files: Record<string, Uint8Array> = {
  'PLY binary': writePly(mesh),
  'PLY ASCII': writePly(mesh, { binary: false }),
  OBJ: writeObj(mesh),
  OFF: writeOff(mesh),
  'STL binary': writeStl(mesh),
};
const ab = (u: Uint8Array) => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
const text = (u: Uint8Array) => new TextDecoder().decode(u);
const L = loaders;
const three: Record<string, ((u: Uint8Array) => unknown) | undefined> = L
  ? {
      'PLY binary': (u) => new L.PLYLoader().parse(ab(u)),
      'PLY ASCII': (u) => new L.PLYLoader().parse(ab(u)),
      OBJ: (u) => new L.OBJLoader().parse(text(u)),
      OFF: undefined,
      'STL binary': (u) => new L.STLLoader().parse(ab(u)),
    }
  : {};
const fmt: Record<string, string> = { 'PLY binary': 'ply', 'PLY ASCII': 'ply', OBJ: 'obj', OFF: 'off', 'STL binary': 'stl' };

const dir = mkdtempSync(join(tmpdir(), 'onet-io-bench-'));
function python(module: string, call: (path: string) => string, path: string): number | undefined {
  try {
    execFileSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const code = `import time, ${module}\n${call(path)}\nt=time.perf_counter()\nfor _ in range(3): ${call(path)}\nprint((time.perf_counter()-t)/3*1000)`;
  return Number(execFileSync('python3', ['-c', code]).toString().trim());
}

console.log('parse (ms, lower is better; ratio = peer time / ours)');
for (const [name, bytes] of Object.entries(files)) {
  const ours = time(() => parseMesh(bytes, { format: fmt[name] as 'ply' }));
  const mb = bytes.length / 1e6;
  let line = `${name.padEnd(11)} ${mb.toFixed(1).padStart(5)} MB  @onet/io ${ours.toFixed(1).padStart(7)} ms (${(F / ours / 1e3).toFixed(2)} Mtri/s)`;
  const t = three[name];
  if (t) {
    const ms = time(() => t(bytes));
    line += ` | three.js ${ms.toFixed(1)} ms (×${(ms / ours).toFixed(2)})`;
  } else line += L ? ' | three.js: no loader' : ' | three.js: peer not installed';
  const path = join(dir, `m.${fmt[name]}`);
  writeFileSync(path, bytes);
  const tm = python('trimesh', (p) => `trimesh.load(${JSON.stringify(p)}, process=False)`, path);
  line += tm === undefined ? ' | trimesh: peer not installed' : ` | trimesh ${tm.toFixed(1)} ms (×${(tm / ours).toFixed(2)})`;
  const o3 = python('open3d', (p) => `open3d.io.read_triangle_mesh(${JSON.stringify(p)})`, path);
  line += o3 === undefined ? ' | open3d: peer not installed' : ` | open3d ${o3.toFixed(1)} ms (×${(o3 / ours).toFixed(2)})`;
  console.log(line);
}
{
  const stl = files['STL binary'];
  const ours = time(() => parseStl(stl, { mergeVertices: false }));
  const peer = L ? time(() => new L.STLLoader().parse(ab(stl))) : undefined;
  const tail = peer === undefined ? 'three.js: peer not installed' : `three.js ${peer.toFixed(1)} ms (×${(peer / ours).toFixed(2)})`;
  console.log(`STL binary without merging vertices (three.js does not merge): @onet/io ${ours.toFixed(1)} ms | ${tail}`);
}

console.log('\nwrite (ms)');
for (const [name, fn] of [
  ['PLY binary', () => writePly(mesh)],
  ['PLY ASCII', () => writePly(mesh, { binary: false })],
  ['OBJ', () => writeObj(mesh)],
  ['OFF', () => writeOff(mesh)],
  ['STL binary', () => writeStl(mesh)],
] as const) {
  const ms = time(fn);
  console.log(`${name.padEnd(11)} ${ms.toFixed(1).padStart(7)} ms (${(F / ms / 1e3).toFixed(2)} Mtri/s)`);
}
