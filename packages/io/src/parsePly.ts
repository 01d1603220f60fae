import { OnetIOError, asIOError } from './errors.js';
import type { TriangleMesh } from './types.js';
import type { ReadOptions } from './text.js';
import { assertFinite, assertHasFaces, assertIndices } from './buffers.js';
import { readPly } from './ply.js';

/** Options of {@link parsePly}. */
export interface ParsePlyOptions extends ReadOptions {}

/** Interleave float32 columns `[V]` x3 into `[V·3]`. @internal */
export function interleave3(a: Float32Array, b: Float32Array, c: Float32Array): Float32Array {
  const out = new Float32Array(a.length * 3);
  for (let i = 0; i < a.length; i++) {
    out[i * 3] = a[i];
    out[i * 3 + 1] = b[i];
    out[i * 3 + 2] = c[i];
  }
  return out;
}

/**
 * Parse a PLY file (Stanford polygon format: ASCII, binary little- or big-endian) into a {@link TriangleMesh}.
 *
 * Reads `x y z` (any scalar type) and, when all three are present, `nx ny nz` of the `vertex` element into
 * `positions` / `normals` `[V·3]`, and the `vertex_indices` (or `vertex_index`) list of the `face` element,
 * fan-triangulated (v0, vi, vi+1) into `indices` `[F·3]`. Extra properties (colours, texture coordinates,
 * quality), extra list properties and other elements are skipped. Element counts are checked against the
 * file size before allocating.
 *
 * ```ts
 * const mesh = parsePly(bytes, { source: 'bunny.ply' });
 * ```
 * @throws {@link OnetIOError} `EMPTY` (no vertices or no faces), `TOO_LARGE` (counts the file cannot hold),
 *   `TRUNCATED`, `PARSE_ERROR` (missing x/y/z, malformed header or value, face with fewer than 3 vertices),
 *   `UNSUPPORTED_FORMAT`, `NON_FINITE`, `INDEX_OUT_OF_RANGE`, naming `source` and the line or byte.
 * @category Mesh I/O
 */
export function parsePly(bytes: Uint8Array, options: ParsePlyOptions = {}): TriangleMesh {
  const source = options.source ?? '<buffer>';
  try {
    return readPlyMesh(bytes, source);
  } catch (e) {
    throw asIOError(e, source);
  }
}

function readPlyMesh(bytes: Uint8Array, source: string): TriangleMesh {
  const d = readPly(bytes, source, ['x', 'y', 'z', 'nx', 'ny', 'nz'], true);
  const x = d.columns.get('x');
  const y = d.columns.get('y');
  const z = d.columns.get('z');
  if (d.vertexCount === 0) throw new OnetIOError('EMPTY', 'the file has no vertices', source);
  if (!x || !y || !z) throw new OnetIOError('PARSE_ERROR', 'the vertex element lacks an x, y or z property', source);
  const positions = interleave3(x, y, z);
  assertFinite(positions, 'vertex', source, () => undefined);
  assertHasFaces(positions, d.indices, source);
  assertIndices(d.indices, d.vertexCount, source);
  const nx = d.columns.get('nx');
  const ny = d.columns.get('ny');
  const nz = d.columns.get('nz');
  if (nx && ny && nz) {
    const normals = interleave3(nx, ny, nz);
    assertFinite(normals, 'normal of vertex', source, () => undefined);
    return { positions, indices: d.indices, normals };
  }
  return { positions, indices: d.indices };
}
