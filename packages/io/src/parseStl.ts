import { OnetIOError, asIOError } from './errors.js';
import type { TriangleMesh } from './types.js';
import { LineReader, decodeText, parseNumber, type ReadOptions } from './text.js';
import { F32Builder, assertFinite, assertHasFaces } from './buffers.js';
import { weldVertices } from './weld.js';

/** Options of {@link parseStl}. */
export interface ParseStlOptions extends ReadOptions {
  /** Merge vertices with identical coordinates so triangles share them (STL stores every corner). */
  mergeVertices?: boolean;
}

/** Defaults of {@link ParseStlOptions}. */
export const PARSE_STL_DEFAULTS: Required<Omit<ParseStlOptions, 'source'>> = { mergeVertices: true };

/** True when `bytes` has exactly the size of a binary STL with the triangle count in its header. @internal */
export function isBinaryStl(bytes: Uint8Array): boolean {
  if (bytes.length < 84) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
  return 84 + 50 * n === bytes.length;
}

/** True when the first non-blank text is the keyword `solid`. @internal */
export function looksLikeAsciiStl(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && i < 256 && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  const s = String.fromCharCode(...bytes.subarray(i, i + 5)).toLowerCase();
  return s === 'solid';
}

/**
 * Parse an STL file (binary, or ASCII with one or more `solid`s) into a {@link TriangleMesh}.
 *
 * A file whose size is exactly `84 + 50·n` (n from its header) is read as binary even when it starts with
 * `solid` (many exporters do that); otherwise a file starting with `solid` is ASCII. The file's facet
 * normals are ignored (per-vertex `normals` are not set). With `mergeVertices` (default) vertices with
 * bit-identical coordinates are shared, so a closed STL gives a closed indexed mesh. Positions `[V·3]`,
 * indices `[F·3]` in the file's vertex order; ASCII loops with more than 3 vertices are fan-triangulated.
 *
 * ```ts
 * const mesh = parseStl(bytes, { source: 'part.stl' });
 * ```
 * @throws {@link OnetIOError} `EMPTY`, `TRUNCATED` (binary shorter than its count says), `PARSE_ERROR`,
 *   `NON_FINITE`, naming `source` and the line or byte.
 * @category Mesh I/O
 */
export function parseStl(bytes: Uint8Array, options: ParseStlOptions = {}): TriangleMesh {
  const source = options.source ?? '<buffer>';
  try {
    return readStl(bytes, source, { ...PARSE_STL_DEFAULTS, ...options });
  } catch (e) {
    throw asIOError(e, source);
  }
}

function readStl(bytes: Uint8Array, source: string, opts: Required<Omit<ParseStlOptions, 'source'>>): TriangleMesh {
  if (bytes.length === 0) throw new OnetIOError('EMPTY', 'the file is empty', source, 'byte 0');
  let soup: Float32Array;
  // Binary files often start with "solid" too; a NUL byte is a sure sign of binary.
  if (isBinaryStl(bytes) || !looksLikeAsciiStl(bytes) || bytes.indexOf(0) >= 0) soup = readBinary(bytes, source);
  else soup = readAscii(bytes, source);
  const locate = (i: number) => `triangle ${Math.floor(i / 9)}`;
  assertFinite(soup, 'vertex', source, locate);
  let positions: Float32Array;
  let indices: Uint32Array;
  if (opts.mergeVertices) {
    const w = weldVertices(soup);
    positions = w.positions;
    indices = w.remap;
  } else {
    positions = soup;
    indices = new Uint32Array(soup.length / 3).map((_, i) => i);
  }
  assertHasFaces(positions, indices, source);
  return { positions, indices };
}

function readBinary(bytes: Uint8Array, source: string): Float32Array {
  if (bytes.length < 84) {
    throw new OnetIOError('TRUNCATED', `a binary STL needs at least 84 bytes, the file has ${bytes.length} (and does not start with "solid")`, source, `byte ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(80, true);
  if (n === 0) throw new OnetIOError('EMPTY', 'the binary STL header declares 0 triangles', source, 'byte 80');
  if (84 + 50 * n > bytes.length) {
    throw new OnetIOError(
      'TRUNCATED',
      `the binary STL header declares ${n} triangles (${84 + 50 * n} bytes), but the file has ${bytes.length} bytes`,
      source,
      'byte 80',
    );
  }
  const soup = new Float32Array(n * 9);
  for (let t = 0; t < n; t++) {
    const o = 84 + 50 * t + 12;
    for (let k = 0; k < 9; k++) soup[t * 9 + k] = view.getFloat32(o + 4 * k, true);
  }
  return soup;
}

function readAscii(bytes: Uint8Array, source: string): Float32Array {
  const r = new LineReader(decodeText(bytes, source), null);
  const soup = new F32Builder(Math.min(1 << 20, bytes.length >> 3));
  const loop: number[] = [];
  let inLoop = false;
  for (let t = r.next(); t !== null; t = r.next()) {
    const key = t[0].toLowerCase();
    if (key === 'vertex') {
      const w = r.where();
      if (!inLoop) throw new OnetIOError('PARSE_ERROR', '"vertex" outside an "outer loop"', source, w);
      if (t.length < 4) throw new OnetIOError('PARSE_ERROR', `a vertex needs 3 coordinates, found ${t.length - 1}`, source, w);
      loop.push(parseNumber(t[1], source, w), parseNumber(t[2], source, w), parseNumber(t[3], source, w));
    } else if (key === 'outer') {
      if (inLoop) throw new OnetIOError('PARSE_ERROR', '"outer loop" inside another loop', source, r.where());
      inLoop = true;
      loop.length = 0;
    } else if (key === 'endloop') {
      const nv = loop.length / 3;
      if (!inLoop || nv < 3) throw new OnetIOError('PARSE_ERROR', `a facet loop needs at least 3 vertices, found ${nv}`, source, r.where());
      for (let i = 1; i + 1 < nv; i++) {
        soup.push3(loop[0], loop[1], loop[2]);
        soup.push3(loop[i * 3], loop[i * 3 + 1], loop[i * 3 + 2]);
        soup.push3(loop[i * 3 + 3], loop[i * 3 + 4], loop[i * 3 + 5]);
      }
      inLoop = false;
    } else if (key !== 'solid' && key !== 'endsolid' && key !== 'facet' && key !== 'endfacet') {
      throw new OnetIOError('PARSE_ERROR', `unexpected keyword ${JSON.stringify(t[0].slice(0, 40))} in an ASCII STL`, source, r.where());
    }
  }
  if (inLoop) throw new OnetIOError('TRUNCATED', 'the file ends inside a facet loop', source, r.where());
  return soup.finish();
}
