/**
 * Parse/write throughput of @onet/io against peers run alternately with ours (`@onet/test-utils/peers`: min
 * CPU and wall time of each, ratio peer / ours by both): three.js loaders (PLYLoader, OBJLoader, STLLoader)
 * and Python Open3D / trimesh from the Python that imports them ("peer missing: …" otherwise).
 * Run: `npm run bench -w @onet/io` (`--quick`: the mesh without subdivision).
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@onet/test-utils/data';
import { benchQuick, createBench, jsPeer, named, pythonPeer } from '@onet/test-utils/peers';
import { parseMesh, parseStl, writeObj, writeOff, writePly, writeStl, type TriangleMesh } from '../src/index.js';

// three.js is a peer, not a dependency of @onet/io: without it the bench says "peer missing".
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
const mesh = benchQuick() ? base : subdivide(subdivide(base));
const F = mesh.indices.length / 3;
console.log(`mesh: bear_bis.off${benchQuick() ? ' (quick: as is)' : ' subdivided twice'}, ${mesh.positions.length / 3} vertices, ${F} triangles\n`);

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
const bench = createBench('io');
const PY_PEERS = [
  { name: 'open3d read_triangle_mesh', modules: ['open3d'], code: 'import sys, open3d\ndef run():\n    return len(open3d.io.read_triangle_mesh(sys.argv[1]).triangles)\n' },
  { name: 'trimesh.load', modules: ['trimesh'], code: 'import sys, trimesh\ndef run():\n    return len(trimesh.load(sys.argv[1], process=False).faces)\n' },
];

console.log('parse: ours and each peer alternately, min CPU / wall time; × = peer time / ours (> 1: ours faster)');
for (const [name, bytes] of Object.entries(files)) {
  const what = `parse ${name} ${(bytes.length / 1e6).toFixed(1)} MB, ${F} triangles`;
  const ours = () => parseMesh(bytes, { format: fmt[name] as 'ply' }).indices.length / 3;
  const t = three[name];
  if (t) await bench.compare({ what, ours, peer: jsPeer('three.js loader', () => t(bytes)) });
  else if (!L) await bench.compare({ what, ours, peer: named('three.js loader', { missing: 'peer missing: npm install three' }) });
  else console.log(`${what}: three.js has no loader for this format`);
  const path = join(dir, `m.${fmt[name]}`);
  writeFileSync(path, bytes);
  for (const py of PY_PEERS) await bench.compare({ what, ours, peer: await pythonPeer({ ...py, args: [path] }) });
}
rmSync(dir, { recursive: true, force: true });
{
  const stl = files['STL binary'];
  const ours = time(() => parseStl(stl, { mergeVertices: false }));
  const peer = L ? time(() => new L.STLLoader().parse(ab(stl))) : undefined;
  const tail = peer === undefined ? 'three.js: peer missing: npm install three' : `three.js ${peer.toFixed(1)} ms (×${(peer / ours).toFixed(2)})`;
  console.log(`STL binary without merging vertices (three.js does not merge): @onet/io ${ours.toFixed(1)} ms | ${tail}`);
}
bench.finish();

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
