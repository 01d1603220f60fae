import { OnetIOError, asIOError } from './errors.js';
import type { TriangleMesh } from './types.js';
import { LineReader, decodeText, parseInteger, parseNumber, type ReadOptions } from './text.js';
import { U32Builder, assertHasFaces } from './buffers.js';

/** Options of {@link parseOff}. */
export interface ParseOffOptions extends ReadOptions {}

const HEADER = /^(ST)?(C)?(N)?(4)?(n)?OFF$/;

/**
 * Parse an ASCII OFF file (Geomview Object File Format) into a {@link TriangleMesh}.
 *
 * Accepts the header variants `OFF`, `COFF`, `NOFF`, `CNOFF`, `STOFF`, `4OFF` (homogeneous, divided by w),
 * `nOFF` (dimension 3 only), a header without keyword, counts on the keyword line (`OFF 8 6 12`),
 * `#` comments and blank lines, extra vertex columns (colours, texture coordinates) and face colours.
 * Polygons are fan-triangulated (v0, vi, vi+1), so a quad gives 2 triangles. With `N` in the header the
 * per-vertex normals are returned in `normals` `[V·3]`. Positions are `[V·3]`, indices `[F·3]`; the face
 * orientation of the file is kept.
 *
 * ```ts
 * const mesh = parseOff(new TextEncoder().encode('OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n'));
 * ```
 * @throws {@link OnetIOError} `EMPTY` (no bytes, vertices or faces), `TOO_LARGE` (header counts the file
 *   cannot hold; checked before allocating), `TRUNCATED`, `PARSE_ERROR` (malformed line, face with fewer than
 *   3 vertices, binary OFF, UTF-16), `NON_FINITE`, `INDEX_OUT_OF_RANGE`, each naming `source` and the line.
 * @category Mesh I/O
 */
export function parseOff(bytes: Uint8Array, options: ParseOffOptions = {}): TriangleMesh {
  const source = options.source ?? '<buffer>';
  try {
    return readOff(bytes, source, true);
  } catch (e) {
    throw asIOError(e, source);
  }
}

/** OFF reader; with `requireFaces` false a vertex-only file is accepted (for point clouds). @internal */
export function readOff(bytes: Uint8Array, source: string, requireFaces: boolean): TriangleMesh {
  const text = decodeText(bytes, source);
  const r = new LineReader(text, '#');
  const tok = r.next();
  if (tok === null) throw new OnetIOError('EMPTY', 'the file has no content (only blanks or comments)', source);

  let homogeneous = false;
  let hasNormals = false;
  let rest: string[];
  const m = HEADER.exec(tok[0]) ?? (tok[0].toUpperCase() === 'OFF' ? HEADER.exec('OFF') : null);
  if (m) {
    if (tok[1] !== undefined && tok[1].toUpperCase() === 'BINARY') {
      throw new OnetIOError('UNSUPPORTED_FORMAT', 'binary OFF is not supported; convert it to ASCII OFF or PLY', source, r.where());
    }
    hasNormals = m[3] !== undefined;
    homogeneous = m[4] !== undefined;
    rest = tok.slice(1);
    if (m[5] !== undefined) {
      // nOFF: the dimension comes next.
      if (rest.length === 0) rest = (r.next() ?? []).slice();
      const dim = rest.length ? parseInteger(rest[0], source, r.where()) : NaN;
      if (dim !== 3) throw new OnetIOError('UNSUPPORTED_FORMAT', `nOFF of dimension ${rest[0]} is not supported (only 3)`, source, r.where());
      rest = rest.slice(1);
    }
  } else if (/^[+-]?\d+$/.test(tok[0])) {
    rest = tok.slice(); // header without keyword: counts come first
  } else {
    throw new OnetIOError('PARSE_ERROR', `not an OFF file: the first line starts with ${JSON.stringify(tok[0].slice(0, 40))}`, source, r.where());
  }
  while (rest.length < 2) {
    const more = r.next();
    if (more === null) throw new OnetIOError('TRUNCATED', 'the header has no vertex and face counts', source, r.where());
    rest = rest.concat(more);
  }
  const nv = parseInteger(rest[0], source, r.where());
  const nf = parseInteger(rest[1], source, r.where());
  if (nv < 0 || nf < 0) throw new OnetIOError('PARSE_ERROR', `negative counts ${nv} ${nf} in the header`, source, r.where());
  if (nv === 0) throw new OnetIOError('EMPTY', 'the header declares 0 vertices', source, r.where());
  if (nf === 0 && requireFaces) throw new OnetIOError('EMPTY', 'the header declares 0 faces; read vertex-only files with parsePointCloud', source, r.where());
  // Cheapest possible vertex line is "0 0 0\n" (6 bytes), face line "3 0 1 2\n" (8 bytes).
  const need = nv * 6 + nf * 8;
  if (need > bytes.length) {
    throw new OnetIOError(
      need > 4 * bytes.length ? 'TOO_LARGE' : 'TRUNCATED',
      `the header declares ${nv} vertices and ${nf} faces, which needs at least ${need} bytes, but the file has ${bytes.length}: the counts are wrong or the file is truncated`,
      source,
      r.where(),
    );
  }

  const dims = homogeneous ? 4 : 3;
  const positions = new Float32Array(nv * 3);
  const normals = hasNormals ? new Float32Array(nv * 3) : undefined;
  for (let i = 0; i < nv; i++) {
    const t = r.next();
    if (t === null) throw new OnetIOError('TRUNCATED', `the file ends after ${i} of ${nv} vertices`, source, r.where());
    const w = r.where();
    const need = dims + (hasNormals ? 3 : 0);
    if (t.length < need) throw new OnetIOError('PARSE_ERROR', `vertex ${i} has ${t.length} values, expected at least ${need}`, source, w);
    const x = parseNumber(t[0], source, w);
    const y = parseNumber(t[1], source, w);
    const z = parseNumber(t[2], source, w);
    const h = homogeneous ? parseNumber(t[3], source, w) : 1;
    if (h === 0) throw new OnetIOError('NON_FINITE', `vertex ${i} has homogeneous coordinate 0`, source, w);
    positions[i * 3] = x / h;
    positions[i * 3 + 1] = y / h;
    positions[i * 3 + 2] = z / h;
    for (let k = 0; k < 3; k++) {
      if (!Number.isFinite(positions[i * 3 + k])) {
        throw new OnetIOError('NON_FINITE', `vertex ${i} overflows float32 (${t[k]})`, source, w);
      }
    }
    if (normals) {
      for (let k = 0; k < 3; k++) {
        normals[i * 3 + k] = parseNumber(t[dims + k], source, w);
        // parseNumber accepts 1e39 (a finite double) that is Infinity as float32.
        if (!Number.isFinite(normals[i * 3 + k])) throw new OnetIOError('NON_FINITE', `normal of vertex ${i} overflows float32 (${t[dims + k]})`, source, w);
      }
    }
  }

  const indices = new U32Builder(nf * 3);
  const poly: number[] = [];
  for (let f = 0; f < nf; f++) {
    const t = r.next();
    if (t === null) throw new OnetIOError('TRUNCATED', `the file ends after ${f} of ${nf} faces`, source, r.where());
    const w = r.where();
    const n = parseInteger(t[0], source, w);
    if (n < 3) throw new OnetIOError('PARSE_ERROR', `face ${f} has ${n} vertices; a face needs at least 3`, source, w);
    if (t.length < n + 1) throw new OnetIOError('PARSE_ERROR', `face ${f} declares ${n} vertices but lists ${t.length - 1}`, source, w);
    poly.length = 0;
    for (let k = 1; k <= n; k++) {
      const v = parseInteger(t[k], source, w);
      if (v < 0 || v >= nv) {
        throw new OnetIOError('INDEX_OUT_OF_RANGE', `face ${f} refers to vertex ${v}, but there are ${nv} vertices (0-based)`, source, w);
      }
      poly.push(v);
    }
    indices.pushFan(poly, n);
  }
  const idx = indices.finish();
  if (requireFaces) assertHasFaces(positions, idx, source);
  return normals ? { positions, indices: idx, normals } : { positions, indices: idx };
}
