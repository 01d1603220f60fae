import { OnetIOError } from './errors.js';
import type { PointCloud } from './types.js';
import { LineReader, decodeText, parseNumber } from './text.js';
import { F32Builder, assertFinite } from './buffers.js';
import { readPly } from './ply.js';
import { interleave3 } from './parsePly.js';
import { parseNpz } from './npy.js';
import { asIOError } from './parseMesh.js';
import { readObj } from './parseObj.js';
import { readOff } from './parseOff.js';

/** Point-cloud file formats {@link parsePointCloud} reads. */
export type PointCloudFormat = 'ply' | 'xyz' | 'npz' | 'obj' | 'off';

/** Options of {@link parsePointCloud}. */
export interface ParsePointCloudOptions {
  /** Format of the bytes; by default from the extension of `source` (`.ply`, `.xyz`/`.txt`/`.pts`/`.csv`, `.npz`, `.obj`, `.off`), else from the content (PLY, npz, else XYZ). */
  format?: PointCloudFormat;
  /** File name or URL used in error messages and for format detection. */
  source?: string;
}

/** Defaults of {@link ParsePointCloudOptions}. */
export const PARSE_POINT_CLOUD_DEFAULTS: Required<Pick<ParsePointCloudOptions, 'source'>> = { source: '<buffer>' };

function formatOf(bytes: Uint8Array, source: string): PointCloudFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(source)?.[1].toLowerCase();
  if (ext === 'ply' || ext === 'npz' || ext === 'obj' || ext === 'off') return ext;
  if (ext === 'xyz' || ext === 'txt' || ext === 'pts' || ext === 'csv') return 'xyz';
  if (bytes[0] === 0x70 && bytes[1] === 0x6c && bytes[2] === 0x79) return 'ply';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'npz';
  return 'xyz';
}

/**
 * Parse a point cloud: `points` `[N·3]` and, when the file has them, unit `normals` `[N·3]`.
 *
 * - **PLY** (ASCII or binary): the `vertex` element's `x y z` and `nx ny nz`; faces are ignored.
 * - **XYZ** text: one point per line, `x y z` or `x y z nx ny nz` (whitespace or comma separated,
 *   `#` comments), the same column count on every line.
 * - **OBJ** / **OFF**: the vertices (`v` lines; OFF vertices with `NOFF` normals); faces, if any, are ignored.
 * - **npz**: arrays `points` `[N, 3]` and optional `normals` `[N, 3]` (float16/32/64), as in the reference's
 *   `pointcloud.npz` (float16 is widened to float32).
 *
 * ```ts
 * const { points, normals } = parsePointCloud(bytes, { source: 'pointcloud.npz' });
 * ```
 * @throws {@link OnetIOError} `EMPTY`, `PARSE_ERROR` (bad line or column count, missing `points`, bad shape),
 *   `TRUNCATED`, `TOO_LARGE`, `NON_FINITE`, naming `source` and the line or byte.
 * @category Point-cloud I/O
 */
export function parsePointCloud(bytes: Uint8Array, options: ParsePointCloudOptions = {}): PointCloud {
  const source = options.source ?? PARSE_POINT_CLOUD_DEFAULTS.source;
  try {
    if (!(bytes instanceof Uint8Array)) throw new OnetIOError('PARSE_ERROR', 'expected the file contents as a Uint8Array', source);
    if (bytes.length === 0) throw new OnetIOError('EMPTY', 'the file is empty', source, 'byte 0');
    const format = options.format ?? formatOf(bytes, source);
    let pc: PointCloud;
    if (format === 'ply') pc = fromPly(bytes, source);
    else if (format === 'npz') pc = fromNpz(bytes, source);
    else if (format === 'obj') pc = { points: readObj(bytes, source, false).positions };
    else if (format === 'off') {
      const m = readOff(bytes, source, false);
      pc = m.normals ? { points: m.positions, normals: m.normals } : { points: m.positions };
    } else pc = fromXyz(bytes, source);
    if (pc.points.length === 0) throw new OnetIOError('EMPTY', 'the file has no points', source);
    assertFinite(pc.points, 'point', source, () => undefined);
    if (pc.normals) assertFinite(pc.normals, 'normal of point', source, () => undefined);
    return pc;
  } catch (e) {
    throw asIOError(e, source);
  }
}

function fromPly(bytes: Uint8Array, source: string): PointCloud {
  const d = readPly(bytes, source, ['x', 'y', 'z', 'nx', 'ny', 'nz'], false);
  const c = (n: string) => d.columns.get(n);
  if (d.vertexCount === 0) throw new OnetIOError('EMPTY', 'the file has no vertices', source);
  if (!c('x') || !c('y') || !c('z')) throw new OnetIOError('PARSE_ERROR', 'the vertex element lacks an x, y or z property', source);
  const points = interleave3(c('x')!, c('y')!, c('z')!);
  if (c('nx') && c('ny') && c('nz')) return { points, normals: interleave3(c('nx')!, c('ny')!, c('nz')!) };
  return { points };
}

function fromXyz(bytes: Uint8Array, source: string): PointCloud {
  const text = decodeText(bytes, source);
  const r = new LineReader(text.indexOf(',') >= 0 ? text.replace(/,/g, ' ') : text, '#');
  let cols = 0;
  const cap = Math.min(1 << 20, bytes.length >> 2);
  const pts = new F32Builder(cap);
  let nrm: F32Builder | undefined;
  for (let t = r.next(); t !== null; t = r.next()) {
    const w = r.where();
    if (cols === 0) {
      if (t.length !== 3 && t.length !== 6) {
        throw new OnetIOError('PARSE_ERROR', `an XYZ line needs 3 (x y z) or 6 (x y z nx ny nz) numbers, found ${t.length}`, source, w);
      }
      cols = t.length;
      if (cols === 6) nrm = new F32Builder(cap);
    } else if (t.length !== cols) {
      throw new OnetIOError('PARSE_ERROR', `this line has ${t.length} numbers, the first had ${cols}`, source, w);
    }
    pts.push3(parseNumber(t[0], source, w), parseNumber(t[1], source, w), parseNumber(t[2], source, w));
    if (nrm) nrm.push3(parseNumber(t[3], source, w), parseNumber(t[4], source, w), parseNumber(t[5], source, w));
  }
  const points = pts.finish();
  return nrm ? { points, normals: nrm.finish() } : { points };
}

function toFloat32(a: { data: ArrayLike<number> | BigInt64Array; shape: number[]; dtype: string }, name: string, source: string): Float32Array {
  if (a.shape.length !== 2 || a.shape[1] !== 3) {
    throw new OnetIOError('PARSE_ERROR', `array "${name}" has shape [${a.shape}], expected [N, 3]`, source);
  }
  if (a.data instanceof Float32Array) return a.data;
  if (a.data instanceof Float64Array) return Float32Array.from(a.data);
  throw new OnetIOError('UNSUPPORTED_DTYPE', `array "${name}" has dtype ${a.dtype}, expected float16, float32 or float64`, source);
}

function fromNpz(bytes: Uint8Array, source: string): PointCloud {
  const npz = parseNpz(bytes, source);
  const p = npz.get('points');
  if (!p) throw new OnetIOError('PARSE_ERROR', `the npz has no "points" array (it has: ${[...npz.keys()].join(', ') || 'none'})`, source);
  const points = toFloat32(p, 'points', source);
  const n = npz.get('normals');
  if (!n) return { points };
  const normals = toFloat32(n, 'normals', source);
  if (normals.length !== points.length) {
    throw new OnetIOError('PARSE_ERROR', `"normals" has ${normals.length / 3} rows, "points" ${points.length / 3}`, source);
  }
  return { points, normals };
}
