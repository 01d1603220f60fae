import { OnetIOError, asIOError } from './errors.js';
import type { TriangleMesh } from './types.js';
import { LineReader, decodeText, parseNumber, type ReadOptions } from './text.js';
import { F32Builder, U32Builder, assertHasFaces } from './buffers.js';

/** Options of {@link parseObj}. */
export interface ParseObjOptions extends ReadOptions {}

/**
 * Parse a Wavefront OBJ file into a {@link TriangleMesh} (geometry only).
 *
 * Reads `v x y z [w] [r g b]` and `f` faces of any arity with `v`, `v/vt`, `v//vn` or `v/vt/vn` corners,
 * 1-based or negative (relative) indices, and `\` line continuations. Polygons are fan-triangulated
 * (v0, vi, vi+1). Groups, objects, materials, texture coordinates, normals (`vn`: per corner in OBJ, so not
 * mapped to per-vertex `normals`), lines and points are ignored. Positions `[V·3]`, indices `[F·3]`, the
 * face orientation of the file is kept.
 *
 * ```ts
 * const mesh = parseObj(new TextEncoder().encode('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n'));
 * ```
 * @throws {@link OnetIOError} `EMPTY` (no vertices or no faces), `PARSE_ERROR` (bad number, face with fewer
 *   than 3 corners, index 0, UTF-16), `NON_FINITE`, `INDEX_OUT_OF_RANGE`, each naming `source` and the line.
 * @category Mesh I/O
 */
export function parseObj(bytes: Uint8Array, options: ParseObjOptions = {}): TriangleMesh {
  const source = options.source ?? '<buffer>';
  try {
    return readObj(bytes, source, true);
  } catch (e) {
    throw asIOError(e, source);
  }
}

/** OBJ reader; with `requireFaces` false a vertex-only file is accepted (for point clouds). @internal */
export function readObj(bytes: Uint8Array, source: string, requireFaces: boolean): TriangleMesh {
  const text = decodeText(bytes, source);
  const r = new LineReader(text, '#');
  const pos = new F32Builder(Math.min(1 << 20, bytes.length >> 2));
  const idx = new U32Builder(Math.min(1 << 20, bytes.length >> 2));
  let maxIndex = -1;
  let maxIndexLine = 0;
  const poly: number[] = [];
  for (let t = r.next(); t !== null; t = r.next()) {
    if (t[t.length - 1] === '\\') {
      // Continuations append to one array (concatenating copies per line was quadratic in their number).
      const joined = t.slice(0, -1); // copy: next() reuses its array
      for (let more = r.next(); more !== null; more = r.next()) {
        for (let k = 0; k < more.length; k++) joined.push(more[k]);
        if (joined[joined.length - 1] !== '\\') break;
        joined.pop();
      }
      t = joined;
    }
    const key = t[0];
    if (key === 'v') {
      const w = r.where();
      if (t.length < 4) throw new OnetIOError('PARSE_ERROR', `a vertex needs 3 coordinates, found ${t.length - 1}`, source, w);
      const x = parseNumber(t[1], source, w);
      const y = parseNumber(t[2], source, w);
      const z = parseNumber(t[3], source, w);
      const base = pos.length;
      pos.push3(x, y, z);
      for (let k = 0; k < 3; k++) {
        if (!Number.isFinite(pos.data[base + k])) throw new OnetIOError('NON_FINITE', `coordinate ${t[k + 1]} overflows float32`, source, w);
      }
    } else if (key === 'f' || key === 'fo') {
      const w = r.where();
      const n = t.length - 1;
      if (n < 3) throw new OnetIOError('PARSE_ERROR', `a face needs at least 3 corners, found ${n}`, source, w);
      const nv = pos.length / 3;
      poly.length = 0;
      for (let k = 1; k <= n; k++) {
        const c = t[k];
        const slash = c.indexOf('/');
        const s = slash < 0 ? c : c.slice(0, slash);
        if (!/^[+-]?\d+$/.test(s)) throw new OnetIOError('PARSE_ERROR', `bad face corner ${JSON.stringify(c.slice(0, 40))}`, source, w);
        const i = Number(s);
        let v: number;
        if (i > 0) v = i - 1;
        else if (i < 0) v = nv + i;
        else throw new OnetIOError('INDEX_OUT_OF_RANGE', 'vertex index 0 (OBJ indices start at 1)', source, w);
        if (v < 0) {
          throw new OnetIOError('INDEX_OUT_OF_RANGE', `relative index ${i} points before the first vertex (${nv} defined so far)`, source, w);
        }
        if (v > maxIndex) {
          maxIndex = v;
          maxIndexLine = r.line;
        }
        poly.push(v);
      }
      idx.pushFan(poly, n);
    }
    // Everything else (vt, vn, vp, g, o, s, usemtl, mtllib, l, p, curves, unknown keywords) is ignored.
  }
  const positions = pos.finish();
  const indices = idx.finish();
  const nv = positions.length / 3;
  if (maxIndex >= nv) {
    throw new OnetIOError('INDEX_OUT_OF_RANGE', `a face refers to vertex ${maxIndex + 1}, but the file has ${nv} vertices`, source, `line ${maxIndexLine}`);
  }
  if (requireFaces) assertHasFaces(positions, indices, source);
  return { positions, indices };
}
