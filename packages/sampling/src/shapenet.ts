import { parseNpz, writeNpz, type NpyArray, type NpyData, type PointCloud, type WriteNpyOptions } from '@onet/io';
import { SamplingError } from './errors.js';
import { checkPoints } from './validate.js';

/**
 * Pack 0/1 values into bytes like `numpy.packbits` (big-endian bit order: element 0 is the most significant
 * bit of byte 0; the last byte is zero-padded). Any non-zero value counts as 1.
 * @returns `Uint8Array [ceil(N/8)]`.
 * @category Dataset
 */
export function packBits(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) if (values[i]) out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

/**
 * Inverse of {@link packBits} (`numpy.unpackbits(packed)[:n]`).
 * @returns `Uint8Array [n]` of 0/1.
 * @throws {@link SamplingError} `SHAPE_MISMATCH` when `packed` holds fewer than `n` bits.
 * @category Dataset
 */
export function unpackBits(packed: Uint8Array, n: number): Uint8Array {
  if (packed.length * 8 < n) {
    throw new SamplingError('SHAPE_MISMATCH', `packed bits hold ${packed.length * 8} values, ${n} are needed`);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (packed[i >> 3] >> (7 - (i & 7))) & 1;
  return out;
}

/** Options of {@link encodePointsNpz} and {@link encodePointcloudNpz}. */
export interface EncodeNpzOptions {
  /** Store points (and normals) as float16, as the released dataset does (`--float16`). */
  float16?: boolean;
  /** Store occupancies bit-packed (`--packbits`). */
  packbits?: boolean;
  /** Deflate the zip members (numpy's `savez` stores them uncompressed; both load with `np.load`). */
  compress?: boolean;
}

/** Defaults of {@link EncodeNpzOptions}: the reference dataset's choices. */
export const ENCODE_NPZ_DEFAULTS: Required<EncodeNpzOptions> = { float16: true, packbits: true, compress: false };

/** Normalisation stored next to the samples: normalised = (original − loc) / scale. */
export interface NpzTransform {
  /** Bounding-box centre `[x, y, z]` of the original mesh. */
  loc?: ArrayLike<number>;
  /** Divisor applied after subtracting `loc`. */
  scale?: number;
}

type NpzMembers = Record<string, { data: NpyData; shape: number[] } & WriteNpyOptions>;

function transformMembers(t: NpzTransform, members: NpzMembers): void {
  if (t.loc) members.loc = { data: Float64Array.from(t.loc), shape: [3] };
  if (t.scale !== undefined) members.scale = { data: Float64Array.of(t.scale), shape: [] };
}

/**
 * Encode the reference's `points.npz` (ON:scripts/sample_mesh.py `export_points`): `points` `[N, 3]`
 * (float16 by default), `occupancies` (`packbits`, big-endian bit order, or `|u1 [N]`), `loc`, `scale`.
 * @throws {@link SamplingError} `SHAPE_MISMATCH` when occupancies and points disagree in length.
 * @category Dataset
 */
export function encodePointsNpz(
  data: { points: Float32Array; occupancies: Uint8Array } & NpzTransform,
  options: EncodeNpzOptions = {},
): Uint8Array {
  const opts = { ...ENCODE_NPZ_DEFAULTS, ...options };
  checkPoints(data.points);
  const n = data.points.length / 3;
  if (data.occupancies.length !== n) {
    throw new SamplingError('SHAPE_MISMATCH', `occupancies has ${data.occupancies.length} values for ${n} points`);
  }
  const occ = opts.packbits ? packBits(data.occupancies) : Uint8Array.from(data.occupancies, (v) => (v ? 1 : 0));
  const members: NpzMembers = {
    points: { data: data.points, shape: [n, 3], float16: opts.float16 },
    occupancies: { data: occ, shape: [occ.length], bool: !opts.packbits },
  };
  transformMembers(data, members);
  return writeNpz(members, opts.compress);
}

/**
 * Encode the reference's `pointcloud.npz`: `points`, `normals` `[N, 3]` (float16 by default), `loc`, `scale`.
 * @throws {@link SamplingError} `SHAPE_MISMATCH` when normals are missing or of another length.
 * @category Dataset
 */
export function encodePointcloudNpz(data: PointCloud & NpzTransform, options: EncodeNpzOptions = {}): Uint8Array {
  const opts = { ...ENCODE_NPZ_DEFAULTS, ...options };
  checkPoints(data.points);
  const n = data.points.length / 3;
  if (!data.normals || data.normals.length !== data.points.length) {
    throw new SamplingError('SHAPE_MISMATCH', 'pointcloud.npz needs normals [N·3] of the same length as points');
  }
  const members: NpzMembers = {
    points: { data: data.points, shape: [n, 3], float16: opts.float16 },
    normals: { data: data.normals, shape: [n, 3], float16: opts.float16 },
  };
  transformMembers(data, members);
  return writeNpz(members, opts.compress);
}

function member(arrays: Map<string, NpyArray>, name: string, source: string): NpyArray {
  const a = arrays.get(name);
  if (!a) throw new SamplingError('DATASET_ERROR', `${source}: no '${name}' array (found: ${[...arrays.keys()].join(', ') || 'none'})`);
  return a;
}

function xyz(a: NpyArray, name: string, source: string): Float32Array {
  if (a.shape.length !== 2 || a.shape[1] !== 3) {
    throw new SamplingError('DATASET_ERROR', `${source}: '${name}' has shape [${a.shape}], expected [N, 3]`);
  }
  return a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as ArrayLike<number>);
}

function readTransform(arrays: Map<string, NpyArray>): { loc?: [number, number, number]; scale?: number } {
  const out: { loc?: [number, number, number]; scale?: number } = {};
  const loc = arrays.get('loc');
  if (loc && loc.data.length === 3) out.loc = Array.from(loc.data as ArrayLike<number>, Number) as [number, number, number];
  const scale = arrays.get('scale');
  if (scale && scale.data.length === 1) out.scale = Number((scale.data as ArrayLike<number>)[0]);
  return out;
}

/** Decoded `points.npz`. */
export interface PointsNpz {
  /** `[N·3]` points (float16 widened to float32). */
  points: Float32Array;
  /** `[N]` 0/1 occupancy (unpacked). */
  occupancies: Uint8Array;
  /** Normalisation, when stored. */
  loc?: [number, number, number];
  scale?: number;
}

/**
 * Decode the reference's `points.npz` (ON:im2mesh/data/fields.py `PointsField`): widens float16 points and
 * unpacks bit-packed occupancies (`np.unpackbits(occ)[:N]`); unpacked `|u1`/`|b1` arrays of length N are
 * accepted as they are.
 * @throws {@link SamplingError} `DATASET_ERROR` for missing arrays or wrong shapes; `OnetIOError` for a corrupt zip.
 * @category Dataset
 */
export function decodePointsNpz(bytes: Uint8Array, source = 'points.npz'): PointsNpz {
  const arrays = parseNpz(bytes, source);
  const points = xyz(member(arrays, 'points', source), 'points', source);
  const occ = member(arrays, 'occupancies', source);
  const n = points.length / 3;
  const raw = occ.data instanceof Uint8Array ? occ.data : Uint8Array.from(occ.data as ArrayLike<number>, (v) => (Number(v) ? 1 : 0));
  let occupancies: Uint8Array;
  const packedLen = Math.ceil(n / 8);
  const isPacked = occ.dtype !== '|b1' && raw.length === packedLen && (raw.length !== n || raw.some((v) => v > 1));
  if (isPacked) occupancies = unpackBits(raw, n);
  else if (raw.length === n) occupancies = raw.map((v) => (v ? 1 : 0));
  else throw new SamplingError('DATASET_ERROR', `${source}: ${raw.length} occupancy bytes fit neither ${n} values nor ${packedLen} packed bytes`);
  return { points, occupancies, ...readTransform(arrays) };
}

/**
 * Decode the reference's `pointcloud.npz` (points and face normals, float16 widened to float32).
 * @throws {@link SamplingError} `DATASET_ERROR` for missing arrays or wrong shapes.
 * @category Dataset
 */
export function decodePointcloudNpz(
  bytes: Uint8Array,
  source = 'pointcloud.npz',
): PointCloud & { loc?: [number, number, number]; scale?: number } {
  const arrays = parseNpz(bytes, source);
  const points = xyz(member(arrays, 'points', source), 'points', source);
  const out: PointCloud & { loc?: [number, number, number]; scale?: number } = { points, ...readTransform(arrays) };
  const normals = arrays.get('normals');
  if (normals) {
    out.normals = xyz(normals, 'normals', source);
    if (out.normals.length !== points.length) throw new SamplingError('DATASET_ERROR', `${source}: normals and points differ in length`);
  }
  return out;
}

/** Model ids of a split `.lst` file (one per line; blank lines and surrounding spaces ignored). @category Dataset */
export function parseSplitList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
