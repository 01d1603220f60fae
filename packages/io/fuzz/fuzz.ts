/**
 * Seeded, bounded fuzzer of every `@onet/io` reader: real files (shared/data meshes cut small, and small files
 * written in every format) mutated by byte flips, truncations, huge counts, prototype names, deep nesting and
 * NaN/Inf, each run through its format's readers. `fuzzOne` classifies one input; `runFuzz` runs a range
 * in-process (the CLI runs it in a worker it can stop when an input hangs). Deterministic for a given seed.
 * @internal
 */
import { readFileSync, existsSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import {
  OnetIOError,
  parseBinvox,
  parseGlb,
  parseMesh,
  parseNpy,
  parseNpz,
  parsePointCloud,
  writeBinvox,
  writeGlb,
  writeNpy,
  writeNpz,
  writeObj,
  writeOff,
  writePly,
  writePointCloudPly,
  writeStl,
  writeXyz,
  type TriangleMesh,
} from '../src/index.js';

/** Readers an input of a given kind is run through. */
export type SeedKind = 'off' | 'obj' | 'ply' | 'stl' | 'glb' | 'xyz' | 'npz' | 'npy' | 'binvox';

/** One seed file. */
export interface Seed {
  name: string;
  kind: SeedKind;
  bytes: Uint8Array;
}

/** What one reader did with one input. */
export type Outcome = 'ok' | 'typed' | 'wrapped' | 'untyped' | 'silentNonFinite' | 'silentEmpty' | 'silentMismatch';

/** Counts over a fuzz run; `examples` keeps the first few defects (reader, input index, message). */
export interface FuzzReport {
  inputs: number;
  runs: number;
  outcomes: Record<Outcome, number>;
  /** Inputs whose readers took longer than the hang bound (counted by the CLI, which can stop them). */
  hangs: number;
  /** Slowest single input, ms (informational). */
  slowestMs: number;
  examples: string[];
}

/** mulberry32: small, seeded, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = (s: string) => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const fromLatin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** The first `maxFaces` triangles of an OFF file as a compact mesh (small seeds keep inputs fast). */
function cutOff(text: string, maxFaces: number): TriangleMesh {
  const m = parseMesh(enc(text), { format: 'off' });
  const nf = Math.min(maxFaces, m.indices.length / 3);
  const remap = new Map<number, number>();
  const pos: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i < nf * 3; i++) {
    const v = m.indices[i];
    if (!remap.has(v)) {
      remap.set(v, remap.size);
      pos.push(m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]);
    }
    idx.push(remap.get(v)!);
  }
  return { positions: Float32Array.from(pos), indices: Uint32Array.from(idx) };
}

/**
 * Seeds: four CGAL meshes (cut to 40 faces, and the small ones whole) written in every format. They are committed
 * under `<repo>/fixtures/` (CGAL's NOTICE beside them), so the corpus is the same on every machine.
 */
export async function makeSeeds(dataDir = new URL('../../../fixtures/', import.meta.url)): Promise<Seed[]> {
  const seeds: Seed[] = [];
  const meshes: [string, TriangleMesh][] = [];
  for (const f of ['meshes/ellipsoid.off', 'meshes/eight.off', 'meshes-open/open_cube.off', 'meshes/cube-meshed.off']) {
    const url = new URL(f, dataDir);
    if (!existsSync(url)) continue;
    const text = readFileSync(url, 'utf8');
    if (text.length < 20_000) seeds.push({ name: f, kind: 'off', bytes: enc(text) });
    meshes.push([f, cutOff(text, 40)]);
  }
  if (meshes.length === 0) {
    meshes.push(['tetra', { positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]), indices: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]) }]);
  }
  for (const [name, mesh] of meshes.slice(0, 2)) {
    const normals = new Float32Array(mesh.positions.length).map((_, i) => (i % 3 === 2 ? 1 : 0));
    const withN = { ...mesh, normals };
    const pts = { points: mesh.positions, normals };
    seeds.push(
      { name: `${name}.off`, kind: 'off', bytes: writeOff(mesh) },
      { name: `${name}.noff`, kind: 'off', bytes: enc(`NOFF\n${mesh.positions.length / 3} 1 0\n${Array.from({ length: mesh.positions.length / 3 }, (_, v) => `${mesh.positions[3 * v]} ${mesh.positions[3 * v + 1]} ${mesh.positions[3 * v + 2]} 0 0 1`).join('\n')}\n3 0 1 2\n`) },
      { name: `${name}.obj`, kind: 'obj', bytes: writeObj(mesh) },
      { name: `${name}.ascii.ply`, kind: 'ply', bytes: writePly(withN, { binary: false }) },
      { name: `${name}.ply`, kind: 'ply', bytes: writePly(withN) },
      { name: `${name}.stl`, kind: 'stl', bytes: writeStl(mesh) },
      { name: `${name}.ascii.stl`, kind: 'stl', bytes: enc(asciiStl(mesh)) },
      { name: `${name}.glb`, kind: 'glb', bytes: await writeGlb(withN) },
      { name: `${name}.xyz`, kind: 'xyz', bytes: writeXyz(pts) },
      { name: `${name}.pc.ply`, kind: 'ply', bytes: writePointCloudPly(pts, { binary: false }) },
      { name: `${name}.npz`, kind: 'npz', bytes: writeNpz({ points: { data: mesh.positions, shape: [mesh.positions.length / 3, 3], float16: true }, normals: { data: normals, shape: [normals.length / 3, 3] } }) },
      { name: `${name}.stored.npz`, kind: 'npz', bytes: writeNpz({ points: { data: mesh.positions, shape: [mesh.positions.length / 3, 3] } }, false) },
      { name: `${name}.npy`, kind: 'npy', bytes: writeNpy(mesh.positions, [mesh.positions.length / 3, 3]) },
    );
  }
  const vox = new Uint8Array(8 * 8 * 8).map((_, i) => ((i * 7) % 5 === 0 ? 1 : 0));
  seeds.push({ name: 'grid.binvox', kind: 'binvox', bytes: writeBinvox({ data: vox, dims: [8, 8, 8], translate: [-0.5, -0.5, -0.5], scale: 1 }) });
  seeds.push({ name: 'obj-continuations.obj', kind: 'obj', bytes: enc('v 0 0 0\nv 1 0 0 \\\n\nv 0 1 0\nf 1 \\\n 2 \\\n 3\n') });
  return seeds;
}

function asciiStl(m: TriangleMesh): string {
  const out = ['solid s'];
  for (let t = 0; t < m.indices.length; t += 3) {
    out.push(' facet normal 0 0 1', '  outer loop');
    for (let k = 0; k < 3; k++) {
      const v = m.indices[t + k];
      out.push(`   vertex ${m.positions[3 * v]} ${m.positions[3 * v + 1]} ${m.positions[3 * v + 2]}`);
    }
    out.push('  endloop', ' endfacet');
  }
  out.push('endsolid s', '');
  return out.join('\n');
}

const HUGE = ['4294967295', '4294967296', '2147483647', '1000000000', '-1', '99999999999999999999', '1e39', '-1e39', 'nan', 'NaN', 'inf', '-Infinity', '1e308', '0', '1e-45'];
const PROTO = ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype', '__defineGetter__', 'isPrototypeOf'];

/** One mutation of `b` (a seed or an earlier mutant). */
function mutate(b: Uint8Array, kind: SeedKind, r: () => number): Uint8Array {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const n = b.length;
  switch (Math.floor(r() * 9)) {
    case 0: {
      // Flip a few bytes.
      const out = b.slice();
      const flips = 1 + Math.floor(r() * 4);
      for (let i = 0; i < flips && n > 0; i++) out[Math.floor(r() * n)] = r() < 0.5 ? Math.floor(r() * 256) : out[Math.floor(r() * n)] ^ (1 << Math.floor(r() * 8));
      return out;
    }
    case 1:
      return b.slice(0, Math.floor(r() * n)); // truncate
    case 2: {
      // A number token → a huge, negative or non-finite one.
      const s = latin1(b);
      const re = /[-+]?\d+(\.\d+)?([eE][-+]?\d+)?/g;
      const all = firstMatches(s, re);
      if (all.length === 0) return binaryHuge(b, r);
      const m = pick(all);
      return fromLatin1(s.slice(0, m.index) + pick(HUGE) + s.slice(m.index! + m[0].length));
    }
    case 3: {
      // A word → the name of an Object.prototype member.
      const s = latin1(b);
      const all = firstMatches(s, /[A-Za-z_][A-Za-z0-9_]*/g);
      if (all.length === 0) return b;
      const m = pick(all);
      return fromLatin1(s.slice(0, m.index) + pick(PROTO) + s.slice(m.index! + m[0].length));
    }
    case 4:
      return binaryHuge(b, r);
    case 5:
      return deepen(b, kind, r);
    case 6: {
      // Duplicate or delete a slice.
      const i = Math.floor(r() * n);
      const j = Math.min(n, i + Math.floor(r() * 256));
      if (r() < 0.5) return concat(b.subarray(0, j), b.subarray(i, j), b.subarray(j));
      return concat(b.subarray(0, i), b.subarray(j));
    }
    case 7: {
      // Insert a NaN/Inf float32 or float64 at an aligned offset.
      const out = b.slice();
      const v = new DataView(out.buffer);
      const at = Math.floor((r() * Math.max(0, n - 8)) / 4) * 4;
      const x = pick([NaN, Infinity, -Infinity, 3.5e38, 1e39]);
      if (n >= 8) (r() < 0.5 ? v.setFloat32(at, x, true) : v.setFloat64(at, x, true));
      return out;
    }
    default:
      return kind === 'glb' ? glbJsonMutation(b, r) : kind === 'npz' ? zipMutation(b, r) : binaryHuge(b, r);
  }
}

/** Matches of `re` (global) in the first 64 KiB of `s`, at most 2000: scanning whole mutants dominated the run. */
function firstMatches(s: string, re: RegExp): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null && out.length < 2000 && m.index < 65536; m = re.exec(s)) out.push(m);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Overwrite an aligned uint32 with a huge or boundary value (binary counts: STL, PLY, GLB, zip). */
function binaryHuge(b: Uint8Array, r: () => number): Uint8Array {
  if (b.length < 4) return b;
  const out = b.slice();
  const v = new DataView(out.buffer);
  const at = Math.floor(r() * (b.length - 3));
  v.setUint32(at, [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0, 1, 0xfffffffe][Math.floor(r() * 7)], true);
  return out;
}

/** Deep nesting / repetition for the format: OBJ continuations, many PLY elements, GLB node chains. */
function deepen(b: Uint8Array, kind: SeedKind, r: () => number): Uint8Array {
  const reps = 500 + Math.floor(r() * 2500);
  if (kind === 'glb') {
    const depth = 200 + Math.floor(r() * 1500); // glTF-Transform reads ~20 000 nodes/s: deeper only slows the run (hostile.test.ts reads 20 000)
    return glbEdit(b, (j) => {
      const start = Array.isArray(j.nodes) ? j.nodes.length : 0;
      j.nodes = Array.isArray(j.nodes) ? j.nodes : [];
      for (let i = 0; i < depth; i++) j.nodes.push(i < depth - 1 ? { children: [start + i + 1] } : { mesh: 0 });
      j.scenes = [{ nodes: [start] }];
      j.scene = 0;
    });
  }
  if (kind === 'obj') return concat(b, enc('f 1 \\\n' + '2 \\\n'.repeat(reps) + '3\n'));
  if (kind === 'ply') {
    const s = latin1(b);
    const i = s.indexOf('end_header');
    if (i < 0) return b;
    return fromLatin1(s.slice(0, i) + 'element e 0\nproperty float a\n'.repeat(reps >> 2) + s.slice(i));
  }
  if (kind === 'off' || kind === 'xyz') return concat(b, enc('#\n'.repeat(reps)));
  return binaryHuge(b, r);
}

/** `b` (a GLB) with its JSON chunk passed through `edit`, re-padded, binary chunk kept; `b` itself when it is not one. */
export function glbEdit(b: Uint8Array, edit: (j: Record<string, any>) => void): Uint8Array {
  if (b.length < 20) return b;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const jl = v.getUint32(12, true);
  if (20 + jl > b.length) return b;
  let json: Record<string, any>;
  try {
    json = JSON.parse(new TextDecoder().decode(b.subarray(20, 20 + jl)));
    if (typeof json !== 'object' || json === null) return b;
  } catch {
    return b;
  }
  edit(json);
  let s = JSON.stringify(json);
  while (s.length % 4) s += ' ';
  const js = enc(s);
  const bin = b.subarray(20 + jl);
  const out = new Uint8Array(20 + js.length + bin.length);
  const w = new DataView(out.buffer);
  out.set(b.subarray(0, 12));
  w.setUint32(8, out.length, true);
  w.setUint32(12, js.length, true);
  w.setUint32(16, 0x4e4f534a, true);
  out.set(js, 20);
  out.set(bin, 20 + js.length);
  return out;
}

/** Set a random numeric field of the glTF JSON to a huge, negative, fractional or non-number value. */
function glbJsonMutation(b: Uint8Array, r: () => number): Uint8Array {
  return glbEdit(b, (j) => {
    const slots: [Record<string, any>, string][] = [];
    const walk = (o: unknown) => {
      if (Array.isArray(o)) o.forEach((x, i) => (typeof x === 'object' ? walk(x) : slots.push([o as any, String(i)])));
      else if (o && typeof o === 'object') for (const [k, x] of Object.entries(o)) (typeof x === 'object' && x !== null ? walk(x) : slots.push([o as any, k]));
    };
    walk(j);
    if (slots.length === 0) return;
    const [o, k] = slots[Math.floor(r() * slots.length)];
    o[k] = [1e9, 4294967295, -1, 0.5, 1e308, 'valueOf', null, [0], { __proto__: 1 }, 2 ** 31][Math.floor(r() * 10)];
    if (r() < 0.2) (j.nodes ??= []).push({ children: [0], mesh: 0 });
  });
}

/** Zip-level mutation: a member re-stored under a prototype name, or a central-directory size set huge. */
function zipMutation(b: Uint8Array, r: () => number): Uint8Array {
  if (r() < 0.3) {
    return zipSync({ [`${['__proto__', 'constructor', 'valueOf'][Math.floor(r() * 3)]}.npy`]: writeNpy(new Float32Array(6), [2, 3]), 'points.npy': writeNpy(new Float32Array([1, 2, 3]), [1, 3]) });
  }
  const out = b.slice();
  const v = new DataView(out.buffer);
  const field = [20, 24, 10, 28][Math.floor(r() * 4)];
  const value = [0xffffffff, 0xfffffffe, 0x40000000, 1, 0][Math.floor(r() * 5)];
  for (let i = 0; i + 46 <= out.length; i++) if (v.getUint32(i, true) === 0x02014b50 && r() < 0.7) v.setUint32(i + field, value, true);
  return out;
}

/** Readers for each seed kind (the format's own, plus `parseMesh`/`parsePointCloud` where they apply). */
export function readersFor(kind: SeedKind): [string, (b: Uint8Array) => unknown][] {
  switch (kind) {
    case 'off':
    case 'obj':
    case 'ply':
    case 'stl':
      return [
        [`parseMesh:${kind}`, (b) => parseMesh(b, { format: kind })],
        ['parseMesh:detect', (b) => parseMesh(b)],
        ...(kind === 'stl' ? [] : [[`parsePointCloud:${kind}`, (b: Uint8Array) => parsePointCloud(b, { format: kind })] as [string, (b: Uint8Array) => unknown]]),
      ];
    case 'glb':
      return [['parseGlb', (b) => parseGlb(b)]];
    case 'xyz':
      return [['parsePointCloud:xyz', (b) => parsePointCloud(b, { format: 'xyz' })]];
    case 'npz':
      return [['parseNpz', (b) => parseNpz(b)], ['parsePointCloud:npz', (b) => parsePointCloud(b, { format: 'npz' })]];
    case 'npy':
      return [['parseNpy', (b) => parseNpy(b)]];
    default:
      return [['parseBinvox', (b) => parseBinvox(b)]];
  }
}

/** Input number `i` of the run with `seed`: a seed mutated 1–3 times (deterministic). */
export function makeInput(seeds: Seed[], seed: number, i: number): Seed {
  const r = rng((seed * 0x9e3779b1) ^ (i * 0x85ebca6b));
  const s = seeds[Math.floor(r() * seeds.length)];
  let bytes = s.bytes;
  const rounds = 1 + Math.floor(r() * 3);
  for (let k = 0; k < rounds && bytes.length < 1 << 18; k++) bytes = mutate(bytes, s.kind, r);
  return { name: s.name, kind: s.kind, bytes };
}

const finite = (a: ArrayLike<number>) => {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
};

/** Bytes after the header of an .npy file (v1: 10 + uint16 at 8; v2/v3: 12 + uint32 at 8); undefined if too short. */
function npyDataBytes(b: Uint8Array): number | undefined {
  if (b.length < 12) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const start = b[6] === 1 ? 10 + v.getUint16(8, true) : 12 + v.getUint32(8, true);
  return b.length - start;
}

/**
 * Why a decoded npy array disagrees with its header, or undefined: its value count must be the shape's product and,
 * given the member's raw bytes, the bytes after the header must be exactly product(shape) × item size (a reader that
 * ignored extra bytes would return a silently different array).
 */
function npyMismatch(name: string, a: { data: ArrayLike<unknown>; shape: number[]; dtype: string }, raw: Uint8Array | undefined): string | undefined {
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (a.data.length !== count) return `${name}: ${a.data.length} values decoded, shape (${a.shape}) holds ${count}`;
  if (raw === undefined) return undefined;
  const item = Number(a.dtype.slice(2)); // '<f4' → 4
  const after = npyDataBytes(raw);
  return after === count * item ? undefined : `${name}: ${after} data bytes after the header, shape (${a.shape}) of ${a.dtype} declares ${count * item}`;
}

/** The `.npy` members of a zip that a reader accepted, by name without `.npy` (empty when it does not unzip). */
function npzMembers(b: Uint8Array): Map<string, Uint8Array> {
  try {
    const files = unzipSync(b, { filter: (f) => f.name.endsWith('.npy') });
    return new Map(Object.entries(files).map(([k, v]) => [k.slice(0, -4), v]));
  } catch {
    return new Map();
  }
}

const isNpyArray = (o: unknown): o is { data: ArrayLike<unknown>; shape: number[]; dtype: string } =>
  !!o && typeof o === 'object' && 'data' in o && Array.isArray((o as { shape?: unknown }).shape) && typeof (o as { dtype?: unknown }).dtype === 'string';

/** Classify what `read` did with `bytes`. */
export async function fuzzOne(read: (b: Uint8Array) => unknown, bytes: Uint8Array): Promise<{ outcome: Outcome; message: string }> {
  let res: unknown;
  try {
    res = await read(bytes);
  } catch (e) {
    if (e instanceof OnetIOError) {
      const cause = (e as { cause?: unknown }).cause;
      return cause !== undefined ? { outcome: 'wrapped', message: `${e.message} ← ${(cause as Error)?.stack?.split('\n').slice(0, 3).join(' ')}` } : { outcome: 'typed', message: e.code };
    }
    return { outcome: 'untyped', message: `${(e as Error)?.name}: ${(e as Error)?.message} ${(e as Error)?.stack?.split('\n')[1] ?? ''}` };
  }
  // npy / npz: every array must agree with its header (value count and data bytes)
  if (isNpyArray(res)) {
    const why = npyMismatch('array', res, bytes);
    if (why) return { outcome: 'silentMismatch', message: why };
  } else if (res instanceof Map && [...res.values()].every(isNpyArray)) {
    const raw = npzMembers(bytes);
    for (const [k, a] of res as Map<string, { data: ArrayLike<unknown>; shape: number[]; dtype: string }>) {
      const why = npyMismatch(k, a, raw.get(k));
      if (why) return { outcome: 'silentMismatch', message: why };
    }
  }
  const arrays: [string, ArrayLike<number> | undefined, boolean][] = [];
  if (res instanceof Map) {
    for (const [k, a] of res as Map<string, { data: ArrayLike<number> | BigInt64Array }>) {
      if (!(a.data instanceof BigInt64Array)) arrays.push([k, a.data as ArrayLike<number>, false]);
    }
  } else if (res && typeof res === 'object') {
    const o = res as Record<string, unknown>;
    for (const k of ['positions', 'points', 'normals']) if (k in o) arrays.push([k, o[k] as ArrayLike<number>, k !== 'normals']);
    if ('indices' in o) arrays.push(['indices', o.indices as ArrayLike<number>, true]);
    if ('data' in o && 'dims' in o) arrays.push(['data', o.data as ArrayLike<number>, true]);
  }
  for (const [k, a, mustHave] of arrays) {
    if (!a) continue;
    if (mustHave && a.length === 0) return { outcome: 'silentEmpty', message: `${k} is empty` };
    // npy arrays may legitimately hold NaN (data, not geometry): only geometry is checked.
    if (!(res instanceof Map) && !finite(a)) return { outcome: 'silentNonFinite', message: `${k} has a non-finite value` };
  }
  return { outcome: 'ok', message: '' };
}

/** An empty report. */
export function emptyReport(): FuzzReport {
  return { inputs: 0, runs: 0, outcomes: { ok: 0, typed: 0, wrapped: 0, untyped: 0, silentNonFinite: 0, silentEmpty: 0, silentMismatch: 0 }, hangs: 0, slowestMs: 0, examples: [] };
}

/**
 * Run inputs `[from, to)` of the run with `seed` in-process, adding to `report`. `onInput(i)` is called before
 * each input (the CLI's worker uses it as a heartbeat).
 */
export async function runFuzz(seeds: Seed[], seed: number, from: number, to: number, report = emptyReport(), onInput?: (i: number) => void): Promise<FuzzReport> {
  for (let i = from; i < to; i++) {
    onInput?.(i);
    const input = makeInput(seeds, seed, i);
    const t0 = performance.now();
    for (const [name, read] of readersFor(input.kind)) {
      const { outcome, message } = await fuzzOne(read, input.bytes);
      report.runs++;
      report.outcomes[outcome]++;
      if (outcome !== 'ok' && outcome !== 'typed' && report.examples.length < 20) report.examples.push(`#${i} ${name} (${input.name}, ${input.bytes.length} B): ${outcome}: ${message}`);
    }
    report.slowestMs = Math.max(report.slowestMs, performance.now() - t0);
    report.inputs++;
  }
  return report;
}
