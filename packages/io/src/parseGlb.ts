import { WebIO, type Node as GltfNode } from '@gltf-transform/core';
import { OnetIOError } from './errors.js';
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
  if (bytes.length === 0) throw new OnetIOError('EMPTY', 'the file is empty', source, 'byte 0');
  if (bytes.length < 12 || new TextDecoder('latin1').decode(bytes.subarray(0, 4)) !== 'glTF') {
    throw new OnetIOError('PARSE_ERROR', 'not a GLB file (no "glTF" magic); .gltf JSON with external files is not supported', source, 'byte 0');
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (declared > bytes.length) throw new OnetIOError('TRUNCATED', `the header declares ${declared} bytes, the file has ${bytes.length}`, source, 'byte 8');
  let doc;
  try {
    doc = await new WebIO().readBinary(bytes);
  } catch (e) {
    throw new OnetIOError('PARSE_ERROR', `invalid GLB: ${(e as Error)?.message ?? String(e)}`, source);
  }
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const nodes: GltfNode[] = [];
  if (scene) scene.traverse((n) => void nodes.push(n));
  else nodes.push(...root.listNodes());

  const pos = new F32Builder(1024);
  const nrm = new F32Builder(1024);
  let allNormals = true;
  const idx = new U32Builder(1024);
  const p = [0, 0, 0];
  const q = [0, 0, 0];
  for (const node of nodes) {
    const mesh = node.getMesh();
    if (!mesh) continue;
    const m = node.getWorldMatrix();
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
  if (allNormals && nrm.length === positions.length) return { positions, indices, normals: nrm.finish() };
  return { positions, indices };
}
