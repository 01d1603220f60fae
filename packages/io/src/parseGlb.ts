import { WebIO, type Node as GltfNode } from '@gltf-transform/core';
import { OnetIOError, asIOError, ownLookup } from './errors.js';
import type { TriangleMesh } from './types.js';
import type { ReadOptions } from './text.js';
import { F32Builder, U32Builder, assertFinite, assertHasFaces, assertIndices } from './buffers.js';

/** Options of {@link parseGlb}. */
export interface ParseGlbOptions extends ReadOptions {}

const TRIANGLES = 4;
const TRIANGLE_STRIP = 5;
const TRIANGLE_FAN = 6;

/**
 * Read a binary glTF 2.0 file (GLB, self-contained) into one {@link TriangleMesh}, with glTF-Transform.
 *
 * All triangle primitives (`TRIANGLES`, `TRIANGLE_STRIP`, `TRIANGLE_FAN`) of the meshes reachable from the
 * default scene (else all nodes) are merged, each transformed by its node's world matrix (winding reversed
 * under mirroring transforms, as glTF requires). `normals` `[V·3]` are returned when every primitive has
 * `NORMAL` (transformed by the inverse-transpose and renormalised). Points and lines are ignored.
 *
 * ```ts
 * const mesh = await parseGlb(await writeGlb(mesh0)); // same positions and indices
 * ```
 * @throws {@link OnetIOError} `EMPTY`, `PARSE_ERROR` (not GLB, corrupt, external resources),
 *   `NON_FINITE`, `INDEX_OUT_OF_RANGE`, naming `source`.
 * @category Mesh I/O
 */
export async function parseGlb(bytes: Uint8Array, options: ParseGlbOptions = {}): Promise<TriangleMesh> {
  const source = options.source ?? '<buffer>';
  try {
    return await readGlb(bytes, source);
  } catch (e) {
    throw asIOError(e, source);
  }
}

const COMPONENT_BYTES: Readonly<Record<string, number>> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const TYPE_COMPONENTS: Readonly<Record<string, number>> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isObject = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);

/**
 * Check the GLB container and the sizes its JSON declares before glTF-Transform allocates anything: chunks
 * inside the file, every accessor inside its buffer view and buffer (or, without a buffer view, zero-filled
 * data at most 4× the file size), node children that form a forest (no node with two parents, no cycle).
 */
function checkGlb(bytes: Uint8Array, source: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (code: 'PARSE_ERROR' | 'TRUNCATED' | 'TOO_LARGE', msg: string, where?: string): never => {
    throw new OnetIOError(code, msg, source, where);
  };
  if (bytes.length < 20) bad('TRUNCATED', `a GLB needs a 12-byte header and a JSON chunk, the file has ${bytes.length} bytes`, 'byte 12');
  const jsonLen = view.getUint32(12, true);
  if (view.getUint32(16, true) !== 0x4e4f534a) bad('PARSE_ERROR', 'the first GLB chunk is not JSON', 'byte 16');
  if (20 + jsonLen > bytes.length) bad('TRUNCATED', `the JSON chunk declares ${jsonLen} bytes, the file has ${bytes.length - 20} after its header`, 'byte 12');
  let binLen = 0;
  const binAt = 20 + jsonLen + ((4 - (jsonLen % 4)) % 4);
  if (binAt + 8 <= bytes.length) {
    binLen = view.getUint32(binAt, true);
    if (binAt + 8 + binLen > bytes.length) bad('TRUNCATED', `the binary chunk declares ${binLen} bytes, the file has ${bytes.length - binAt - 8}`, `byte ${binAt}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8').decode(bytes.subarray(20, 20 + jsonLen)));
  } catch (e) {
    bad('PARSE_ERROR', `the JSON chunk is not valid JSON: ${(e as Error)?.message ?? String(e)}`, 'byte 20');
  }
  if (!isObject(json)) return bad('PARSE_ERROR', 'the JSON chunk is not an object', 'byte 20');
  const list = (key: string): unknown[] => {
    const a = json[key];
    if (a === undefined) return [];
    if (!Array.isArray(a)) return bad('PARSE_ERROR', `"${key}" must be an array`);
    return a;
  };
  const buffers = list('buffers');
  const bufferLen = buffers.map((b, i) => {
    if (!isObject(b) || !isCount(b.byteLength)) return bad('PARSE_ERROR', `buffers[${i}].byteLength must be a non-negative integer`);
    if (b.uri === undefined && b.byteLength > binLen) {
      bad('TRUNCATED', `buffers[${i}] declares ${b.byteLength} bytes, the binary chunk has ${binLen}`);
    }
    return b.byteLength;
  });
  const views = list('bufferViews').map((v, i) => {
    if (!isObject(v) || !isCount(v.buffer) || v.buffer >= buffers.length || !isCount(v.byteLength)) {
      return bad('PARSE_ERROR', `bufferViews[${i}] needs a valid buffer and byteLength`);
    }
    const off = v.byteOffset ?? 0;
    if (!isCount(off) || off + v.byteLength > bufferLen[v.buffer]) bad('TRUNCATED', `bufferViews[${i}] lies outside buffers[${v.buffer}]`);
    if (v.byteStride !== undefined && !isCount(v.byteStride)) bad('PARSE_ERROR', `bufferViews[${i}].byteStride must be a non-negative integer`);
    return { byteLength: v.byteLength, byteStride: v.byteStride as number | undefined };
  });
  list('accessors').forEach((a, i) => {
    if (!isObject(a)) return bad('PARSE_ERROR', `accessors[${i}] is not an object`);
    const comp = ownLookup(COMPONENT_BYTES, String(a.componentType));
    const ncomp = typeof a.type === 'string' ? ownLookup(TYPE_COMPONENTS, a.type) : undefined;
    if (comp === undefined || ncomp === undefined || !isCount(a.count)) {
      return bad('PARSE_ERROR', `accessors[${i}] needs a valid componentType, type and count`);
    }
    const elem = comp * ncomp;
    const off = a.byteOffset ?? 0;
    if (!isCount(off)) return bad('PARSE_ERROR', `accessors[${i}].byteOffset must be a non-negative integer`);
    if (a.bufferView === undefined) {
      // Zero-filled (sparse) data: glTF-Transform allocates count × element bytes from nothing.
      if (a.count * elem > 4 * bytes.length + 4096) {
        bad('TOO_LARGE', `accessors[${i}] declares ${a.count} elements (${a.count * elem} bytes) without a buffer view in a ${bytes.length}-byte file`);
      }
    } else {
      if (!isCount(a.bufferView) || a.bufferView >= views.length) return bad('PARSE_ERROR', `accessors[${i}].bufferView is not a buffer view`);
      const v = views[a.bufferView];
      const stride = v.byteStride ?? elem;
      if (a.count > 0 && off + (a.count - 1) * stride + elem > v.byteLength) {
        bad('TRUNCATED', `accessors[${i}] declares ${a.count} elements, more than bufferViews[${a.bufferView}] (${v.byteLength} bytes) holds`);
      }
    }
    const sparse = a.sparse;
    if (sparse !== undefined && (!isObject(sparse) || !isCount(sparse.count) || sparse.count > a.count)) {
      bad('PARSE_ERROR', `accessors[${i}].sparse.count must be an integer ≤ count`);
    }
  });
  const nodes = list('nodes');
  const parent = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((n, i) => {
    if (!isObject(n)) return bad('PARSE_ERROR', `nodes[${i}] is not an object`);
    if (n.children === undefined) return;
    if (!Array.isArray(n.children)) return bad('PARSE_ERROR', `nodes[${i}].children must be an array`);
    for (const c of n.children as unknown[]) {
      if (!isCount(c) || c >= nodes.length) bad('PARSE_ERROR', `nodes[${i}] has child ${String(c)}, not a node`);
      const child = c as number;
      if (parent[child] >= 0 || child === i) bad('PARSE_ERROR', `nodes[${child}] has more than one parent (or is its own child)`);
      parent[child] = i;
    }
  });
  // With at most one parent each, the nodes form a forest unless a chain of parents loops.
  const state = new Uint8Array(nodes.length); // 0 unvisited, 1 on the current chain, 2 done
  for (let i = 0; i < nodes.length; i++) {
    let n = i;
    while (n >= 0 && state[n] === 0) {
      state[n] = 1;
      n = parent[n];
    }
    if (n >= 0 && state[n] === 1) bad('PARSE_ERROR', `the node hierarchy has a cycle through nodes[${n}]`);
    for (n = i; n >= 0 && state[n] === 1; n = parent[n]) state[n] = 2;
  }
}

async function readGlb(bytes: Uint8Array, source: string): Promise<TriangleMesh> {
  if (!(bytes instanceof Uint8Array)) throw new OnetIOError('PARSE_ERROR', 'expected the file contents as a Uint8Array', source);
  if (bytes.length === 0) throw new OnetIOError('EMPTY', 'the file is empty', source, 'byte 0');
  if (bytes.length < 12 || new TextDecoder('latin1').decode(bytes.subarray(0, 4)) !== 'glTF') {
    throw new OnetIOError('PARSE_ERROR', 'not a GLB file (no "glTF" magic); .gltf JSON with external files is not supported', source, 'byte 0');
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (declared > bytes.length) throw new OnetIOError('TRUNCATED', `the header declares ${declared} bytes, the file has ${bytes.length}`, source, 'byte 8');
  checkGlb(bytes.subarray(0, Math.max(declared, 12)), source);
  let doc;
  try {
    doc = await new WebIO().readBinary(bytes);
  } catch (e) {
    throw new OnetIOError('PARSE_ERROR', `invalid GLB: ${(e as Error)?.message ?? String(e)}`, source);
  }
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  // Iterative depth-first walk with world matrices (recursion overflowed the stack on deep hierarchies).
  const roots = scene ? scene.listChildren() : root.listNodes().filter((n) => n.getParentNode() === null);
  const nodes: { node: GltfNode; world: number[] }[] = [];
  const stack: { node: GltfNode; parent: number[] | null }[] = roots.map((node) => ({ node, parent: null })).reverse();
  const seen = new Set<GltfNode>();
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    const local = node.getMatrix() as unknown as number[];
    const world = parent ? mul4(parent, local) : Array.from(local);
    nodes.push({ node, world });
    const children = node.listChildren();
    for (let c = children.length - 1; c >= 0; c--) stack.push({ node: children[c], parent: world });
  }

  const pos = new F32Builder(1024);
  const nrm = new F32Builder(1024);
  let allNormals = true;
  const idx = new U32Builder(1024);
  const p = [0, 0, 0];
  const q = [0, 0, 0];
  const maxVertices = 16 * bytes.length + (1 << 16);
  for (const { node, world: m } of nodes) {
    const mesh = node.getMesh();
    if (!mesh) continue;
    // Cofactor matrix of the upper 3×3 (column-major): proportional to the inverse-transpose.
    const a = [m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]];
    const cof = [
      a[4] * a[8] - a[5] * a[7], a[5] * a[6] - a[3] * a[8], a[3] * a[7] - a[4] * a[6],
      a[2] * a[7] - a[1] * a[8], a[0] * a[8] - a[2] * a[6], a[1] * a[6] - a[0] * a[7],
      a[1] * a[5] - a[2] * a[4], a[2] * a[3] - a[0] * a[5], a[0] * a[4] - a[1] * a[3],
    ];
    const det = a[0] * cof[0] + a[1] * cof[1] + a[2] * cof[2];
    const flip = det < 0;
    for (const prim of mesh.listPrimitives()) {
      const mode = prim.getMode();
      const position = prim.getAttribute('POSITION');
      if (!position || (mode !== TRIANGLES && mode !== TRIANGLE_STRIP && mode !== TRIANGLE_FAN)) continue;
      const base = pos.length / 3;
      const count = position.getCount();
      const ind0 = prim.getIndices();
      // Instancing one mesh from many nodes multiplies its size: bound the output by the file size.
      if (base + count > maxVertices || idx.length / 3 + (ind0 ? ind0.getCount() : count) > maxVertices) {
        throw new OnetIOError('TOO_LARGE', `the scene instantiates more than ${maxVertices} vertices or triangles (16 per byte of the file)`, source);
      }
      for (let i = 0; i < count; i++) {
        position.getElement(i, p);
        pos.push3(
          m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12],
          m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13],
          m[2] * p[0] + m[6] * p[1] + m[10] * p[2] + m[14],
        );
      }
      const normal = prim.getAttribute('NORMAL');
      if (normal && normal.getCount() === count) {
        for (let i = 0; i < count; i++) {
          normal.getElement(i, q);
          if (!(Number.isFinite(q[0]) && Number.isFinite(q[1]) && Number.isFinite(q[2]))) {
            throw new OnetIOError('NON_FINITE', `normal ${i} of a primitive has a non-finite component (${q.join(', ')}); fix or remove it`, source);
          }
          // n' = cofactorᵀ-free form: (A⁻ᵀ n) ∝ C n with C the cofactor matrix of A (rows as above).
          let x = cof[0] * q[0] + cof[3] * q[1] + cof[6] * q[2];
          let y = cof[1] * q[0] + cof[4] * q[1] + cof[7] * q[2];
          let z = cof[2] * q[0] + cof[5] * q[1] + cof[8] * q[2];
          const len = Math.hypot(x, y, z) * (flip ? -1 : 1) || 1;
          x /= len; y /= len; z /= len;
          nrm.push3(x, y, z);
        }
      } else allNormals = false;
      const ind = prim.getIndices();
      const n = ind ? ind.getCount() : count;
      const at = (k: number) => {
        const v = ind ? ind.getScalar(k) : k;
        if (!Number.isInteger(v) || v < 0 || v >= count) {
          throw new OnetIOError('INDEX_OUT_OF_RANGE', `primitive index ${v} is outside its ${count} vertices`, source);
        }
        return base + v;
      };
      const tri = (i: number, j: number, k: number) => (flip ? idx.push3(at(i), at(k), at(j)) : idx.push3(at(i), at(j), at(k)));
      if (mode === TRIANGLES) for (let t = 0; t + 2 < n; t += 3) tri(t, t + 1, t + 2);
      else if (mode === TRIANGLE_FAN) for (let t = 1; t + 1 < n; t++) tri(0, t, t + 1);
      else for (let t = 0; t + 2 < n; t++) (t % 2 === 0 ? tri(t, t + 1, t + 2) : tri(t + 1, t, t + 2));
    }
  }
  const positions = pos.finish();
  const indices = idx.finish();
  assertHasFaces(positions, indices, source);
  assertFinite(positions, 'vertex', source, () => undefined);
  assertIndices(indices, positions.length / 3, source);
  if (allNormals && nrm.length === positions.length) {
    const normals = nrm.finish();
    assertFinite(normals, 'normal of vertex', source, () => undefined);
    return { positions, indices, normals };
  }
  return { positions, indices };
}

/** Column-major 4×4 product a·b. */
function mul4(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out = new Array<number>(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      out[c * 4 + r] = a[r] * b[c * 4] + a[4 + r] * b[c * 4 + 1] + a[8 + r] * b[c * 4 + 2] + a[12 + r] * b[c * 4 + 3];
    }
  }
  return out;
}
