import { unzipSync, zipSync } from 'fflate';
import { OnetIOError, asIOError, ownLookup } from './errors.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';

/** A typed array that an .npy file can hold. */
export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array;

/** One array from an .npy file. `data` is C order; float16 is widened to float32 (`dtype` keeps '<f2'). */
export interface NpyArray {
  data: NpyData;
  shape: number[];
  /** numpy dtype string as stored, e.g. `<f4`, `|u1`, `<f2`. */
  dtype: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Bytes per element of each supported dtype kind (looked up as own keys only). */
const DTYPE_SIZES: Readonly<Record<string, number>> = { f2: 2, f4: 4, f8: 8, i1: 1, u1: 1, b1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8 };

/**
 * Parse one `.npy` file (format versions 1–3, little- or big-endian, C or Fortran order is refused).
 * The data size the header declares (product of the shape × item size) must equal the bytes after the header,
 * checked before anything is allocated: the result always has exactly `product(shape)` values.
 * @throws {@link OnetIOError} `PARSE_ERROR` / `TRUNCATED` / `TOO_LARGE` / `UNSUPPORTED_DTYPE` naming `source` (never
 *   another type); `PARSE_ERROR` also when data bytes follow the declared array (numpy would ignore them).
 */
export function parseNpy(bytes: Uint8Array, source = '<buffer>'): NpyArray {
  try {
    return readNpy(bytes, source);
  } catch (e) {
    throw asIOError(e, source);
  }
}

function readNpy(bytes: Uint8Array, source: string): NpyArray {
  if (!(bytes instanceof Uint8Array)) throw new OnetIOError('PARSE_ERROR', 'expected the file contents as a Uint8Array', source);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new OnetIOError('PARSE_ERROR', 'not an .npy file (bad magic)', source, 'byte 0');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new OnetIOError('TRUNCATED', 'header truncated', source, 'byte 8');
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else {
    throw new OnetIOError('PARSE_ERROR', `unsupported .npy version ${major}`, source, 'byte 6');
  }
  if (offset + headerLen > bytes.length) throw new OnetIOError('TRUNCATED', 'header truncated', source, `byte ${offset}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(offset, offset + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeStr = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeStr === undefined) {
    throw new OnetIOError('PARSE_ERROR', `malformed header ${JSON.stringify(header)}`, source, `byte ${offset}`);
  }
  if (fortran === 'True') throw new OnetIOError('UNSUPPORTED_DTYPE', 'Fortran-order arrays are not supported', source);
  const shape = shapeStr
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s));
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new OnetIOError('PARSE_ERROR', `bad shape (${shapeStr})`, source);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = offset + headerLen;
  const order = descr[0];
  const kind = descr.slice(1);
  const size = ownLookup(DTYPE_SIZES, kind);
  if (size === undefined || !'<>|='.includes(order)) throw new OnetIOError('UNSUPPORTED_DTYPE', `dtype ${descr} is not supported`, source);
  const nbytes = count * size;
  if (dataStart + nbytes > bytes.length) {
    throw new OnetIOError(nbytes > 4 * bytes.length ? 'TOO_LARGE' : 'TRUNCATED', `expected ${nbytes} data bytes, found ${bytes.length - dataStart}`, source, `byte ${dataStart}`);
  }
  if (dataStart + nbytes < bytes.length) {
    // numpy would read the first `count` values and ignore the rest: a shape edited smaller, or several arrays
    // saved to one file, would come back as a silently different array
    throw new OnetIOError(
      'PARSE_ERROR',
      `the header's shape (${shape.join(', ')}) of ${descr} declares ${nbytes} data bytes but ${bytes.length - dataStart} follow it; header and data disagree (one array per .npy file: keep several in an .npz)`,
      source,
      `byte ${dataStart + nbytes}`,
    );
  }
  const little = order !== '>';
  // Copy into an aligned buffer, swapping bytes if big-endian.
  const raw = bytes.slice(dataStart, dataStart + nbytes);
  if (!little && size > 1) {
    for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  }
  const buf = raw.buffer;
  let data: NpyData;
  switch (kind) {
    case 'f2':
      data = float16ToFloat32(new Uint16Array(buf));
      break;
    case 'f4':
      data = new Float32Array(buf);
      break;
    case 'f8':
      data = new Float64Array(buf);
      break;
    case 'i1':
      data = new Int8Array(buf);
      break;
    case 'u1':
    case 'b1':
      data = new Uint8Array(buf);
      break;
    case 'i2':
      data = new Int16Array(buf);
      break;
    case 'u2':
      data = new Uint16Array(buf);
      break;
    case 'i4':
      data = new Int32Array(buf);
      break;
    case 'u4':
      data = new Uint32Array(buf);
      break;
    default:
      data = new BigInt64Array(buf);
  }
  return { data, shape, dtype: descr };
}

/** Options of {@link parseNpz}. */
export interface ParseNpzOptions {
  /**
   * Largest total size in bytes of the `.npy` members once inflated, checked against the sizes the zip
   * declares before inflating (deflate bombs, members declaring 4 GiB); an inflated member must also have
   * exactly its declared size.
   */
  maxInflatedBytes?: number;
}

/** Defaults of {@link ParseNpzOptions}: 1 GiB inflated at most. */
export const PARSE_NPZ_DEFAULTS: Required<ParseNpzOptions> = { maxInflatedBytes: 2 ** 30 };

/**
 * Read a `.npz` archive (zip of `.npy` files, stored or deflated) into a map from array name (without
 * `.npy`) to {@link NpyArray}. Members that are not `.npy` are skipped without being inflated.
 *
 * ```ts
 * const arrays = parseNpz(bytes, 'points.npz', { maxInflatedBytes: 2 ** 28 });
 * ```
 * @throws {@link OnetIOError} `PARSE_ERROR` when the zip or any member is corrupt, `TOO_LARGE` when the members
 *   declare more than `maxInflatedBytes`, `TRUNCATED` when a member inflates to another size than declared;
 *   never another type.
 * @category npy
 */
export function parseNpz(bytes: Uint8Array, source = '<buffer>', options: ParseNpzOptions = {}): Map<string, NpyArray> {
  const opts = { ...PARSE_NPZ_DEFAULTS, ...options };
  try {
    if (!(bytes instanceof Uint8Array)) throw new OnetIOError('PARSE_ERROR', 'expected the file contents as a Uint8Array', source);
    if (!(opts.maxInflatedBytes >= 0)) throw new OnetIOError('PARSE_ERROR', `maxInflatedBytes must be ≥ 0, got ${opts.maxInflatedBytes}`, source);
    const declared = new Map<string, number>();
    let total = 0;
    let entries = 0;
    let tooLarge: OnetIOError | undefined;
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(bytes, {
        // Called with the central directory's sizes before anything is inflated.
        filter: (f) => {
          // A central-directory entry takes at least 46 bytes: a larger declared count is a lie (and would loop ~2^32 times).
          if (++entries * 46 > bytes.length) {
            throw new OnetIOError('TRUNCATED', `the zip directory declares more entries than its ${bytes.length} bytes can hold`, source);
          }
          if (!f.name.endsWith('.npy') || tooLarge) return false;
          total += f.originalSize;
          if (!(Number.isSafeInteger(f.originalSize) && f.originalSize >= 0) || total > opts.maxInflatedBytes) {
            tooLarge = new OnetIOError(
              'TOO_LARGE',
              `member ${JSON.stringify(f.name.slice(0, 80))} declares ${f.originalSize} inflated bytes; the members would exceed maxInflatedBytes = ${opts.maxInflatedBytes}`,
              source,
            );
            return false;
          }
          declared.set(f.name, f.originalSize);
          return true;
        },
      });
    } catch (e) {
      if (e instanceof OnetIOError) throw e;
      throw new OnetIOError('PARSE_ERROR', `not a valid .npz (zip) archive: ${(e as Error)?.message ?? String(e)}`, source);
    }
    if (tooLarge) throw tooLarge;
    const out = new Map<string, NpyArray>();
    for (const [name, data] of Object.entries(files)) {
      if (!name.endsWith('.npy')) continue;
      if (data.length !== declared.get(name)) {
        throw new OnetIOError('TRUNCATED', `member ${JSON.stringify(name.slice(0, 80))} inflates to ${data.length} bytes but declares ${declared.get(name)}`, source);
      }
      out.set(name.slice(0, -4), parseNpy(data, `${source}:${name}`));
    }
    return out;
  } catch (e) {
    throw asIOError(e, source);
  }
}

function dtypeOf(data: NpyData): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint32Array) return '<u4';
  return '<i8';
}

/** Options of {@link writeNpy} (and of each array given to {@link writeNpz}). */
export interface WriteNpyOptions {
  /** Store a float array as IEEE half `'<f2'` (nearest even, like numpy's `astype(np.float16)`), as the ShapeNet layout stores points. */
  float16?: boolean;
  /** Store a `Uint8Array` of 0/1 as numpy bool `'|b1'` (what `np.savez` writes for a boolean array). */
  bool?: boolean;
}

/** Defaults of {@link WriteNpyOptions}: the dtype follows the typed array. */
export const WRITE_NPY_DEFAULTS: Required<WriteNpyOptions> = { float16: false, bool: false };

/**
 * Serialise one array as `.npy` version 1.0 (little-endian, C order). The dtype follows the typed array
 * (`Float32Array` → `'<f4'`, `Uint8Array` → `'|u1'`, …) unless `float16` or `bool` asks for `'<f2'` / `'|b1'`.
 * @param data - the values, C order.
 * @param shape - numpy shape; its product must equal `data.length` (`[]` for a scalar).
 * @throws RangeError when `shape` does not hold `data.length` values; TypeError when `float16` is asked of a
 * non-float array or `bool` of anything but a `Uint8Array` of 0/1.
 * @example
 * ```ts
 * writeNpy(points, [points.length / 3, 3], { float16: true }); // '<f2' [N, 3]
 * ```
 * @category npy
 */
export function writeNpy(data: NpyData, shape: number[], options: WriteNpyOptions = {}): Uint8Array {
  const opts = { ...WRITE_NPY_DEFAULTS, ...options };
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape [${shape}] holds ${count} values, data has ${data.length}`);
  let descr = dtypeOf(data);
  let body: ArrayBufferView = data;
  if (opts.float16) {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new TypeError(`float16 needs a Float32Array or Float64Array, got ${data.constructor.name}`);
    }
    descr = '<f2';
    body = float32ToFloat16(data);
  } else if (opts.bool) {
    if (!(data instanceof Uint8Array) || data.some((v) => v > 1)) {
      throw new TypeError('bool needs a Uint8Array of 0/1 values');
    }
    descr = '|b1';
  }
  const shapeStr = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shapeStr}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + body.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), 10 + header.length);
  return out;
}

/** Fixed member timestamp (local 1980-01-01, the DOS epoch): the same arrays always give the same bytes. */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Serialise named arrays as a `.npz` (a zip of `.npy` members, in the object's key order; deflated unless
 * `compress` is false — `np.savez` stores, `np.savez_compressed` deflates, `np.load` reads both). Members
 * carry a fixed timestamp, so identical arrays give identical bytes.
 * @param arrays - name (without `.npy`) → `{ data, shape }`, plus {@link WriteNpyOptions} per array.
 * @throws as {@link writeNpy}.
 * @example
 * ```ts
 * writeNpz({ points: { data: points, shape: [n, 3], float16: true }, occupancies: { data: occ, shape: [n] } }, false);
 * ```
 * @category npy
 */
export function writeNpz(
  arrays: Record<string, { data: NpyData; shape: number[] } & WriteNpyOptions>,
  compress = true,
): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, a] of Object.entries(arrays)) files[`${name}.npy`] = writeNpy(a.data, a.shape, a);
  return zipSync(files, { level: compress ? 6 : 0, mtime: ZIP_MTIME });
}
