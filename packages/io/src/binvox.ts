import { OnetIOError, asIOError } from './errors.js';

/**
 * A dense voxel grid as read from / written to a `.binvox` file.
 *
 * - `data`: `[D0·D1·D2]` 0/1 occupancy in C order with **x-major, z fastest** (`data[(x·D1 + y)·D2 + z]`),
 *   i.e. after the reference's xzy→xyz transpose (`fix_coords=True`).
 * - `dims`: `[D0, D1, D2]`, the shape of `data` in that order (for the usual cubic grids, the header dims).
 * - `translate`, `scale`: the binvox header's placement: voxel centre i maps to `translate + scale·(i + 0.5)/D`.
 */
export interface BinvoxGrid {
  data: Uint8Array;
  dims: [number, number, number];
  translate: [number, number, number];
  scale: number;
}

/** Options of {@link parseBinvox}. */
export interface ParseBinvoxOptions {
  /** File name used in error messages. */
  source?: string;
  /** Largest voxel count accepted (checked before allocating). */
  maxVoxels?: number;
}

/** Defaults of {@link ParseBinvoxOptions}. */
export const PARSE_BINVOX_DEFAULTS: Required<ParseBinvoxOptions> = { source: '<buffer>', maxVoxels: 1024 ** 3 };

/**
 * Parse a `.binvox` file (Min's run-length encoded voxel format, as in ShapeNetVox32 `model.binvox`).
 *
 * Follows ON:im2mesh/utils/binvox_rw.py `read_as_3d_array(fp, fix_coords=True)`: the voxels are stored
 * xzy (y fastest); they are transposed to x-major, z-fastest C order, so
 * `data[(x·D1 + y)·D2 + z]` is the reference's `voxels.data[x, y, z]`. Runs with count 0 (written by the
 * reference's writer at 255-boundaries) are accepted.
 *
 * ```ts
 * const { data, dims } = parseBinvox(bytes, { source: 'model.binvox' }); // dims [32, 32, 32]
 * ```
 * @throws {@link OnetIOError} `PARSE_ERROR` (no `#binvox` magic, bad header, odd-length or overlong data),
 *   `TRUNCATED` (runs cover fewer voxels than `dim` says), `TOO_LARGE` (more than `maxVoxels`, or more than
 *   the run-length data could ever hold), `EMPTY`.
 * @category Voxel I/O
 */
export function parseBinvox(bytes: Uint8Array, options: ParseBinvoxOptions = {}): BinvoxGrid {
  const opts = { ...PARSE_BINVOX_DEFAULTS, ...options };
  try {
    return readBinvox(bytes, opts);
  } catch (e) {
    throw asIOError(e, opts.source);
  }
}

function readBinvox(bytes: Uint8Array, opts: Required<ParseBinvoxOptions>): BinvoxGrid {
  const source = opts.source;
  if (bytes.length === 0) throw new OnetIOError('EMPTY', 'the file is empty', source, 'byte 0');
  let pos = 0;
  let lineNo = 0;
  const readLine = (): string | null => {
    if (pos >= bytes.length) return null;
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 1024) end = Math.min(bytes.length, pos + 1024);
    const s = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
    pos = end + 1;
    lineNo++;
    return s.trim();
  };
  const magic = readLine();
  if (magic === null || !magic.startsWith('#binvox')) throw new OnetIOError('PARSE_ERROR', 'not a binvox file (no "#binvox" magic)', source, 'line 1');
  let dims: number[] | undefined;
  let translate: number[] = [0, 0, 0];
  let scale = 1;
  for (;;) {
    const line = readLine();
    if (line === null) throw new OnetIOError('TRUNCATED', 'the header has no "data" line', source, `line ${lineNo}`);
    const t = line.split(/\s+/);
    const where = `line ${lineNo}`;
    const nums = (n: number) => {
      const v = t.slice(1, 1 + n).map(Number);
      if (v.length !== n || !v.every(Number.isFinite)) throw new OnetIOError('PARSE_ERROR', `bad header line ${JSON.stringify(line.slice(0, 60))}`, source, where);
      return v;
    };
    if (t[0] === 'data') break;
    if (t[0] === 'dim') {
      dims = nums(3);
      if (!dims.every((d) => Number.isInteger(d) && d > 0)) throw new OnetIOError('PARSE_ERROR', `bad dims ${dims}`, source, where);
    } else if (t[0] === 'translate') translate = nums(3);
    else if (t[0] === 'scale') scale = nums(1)[0];
  }
  if (!dims) throw new OnetIOError('PARSE_ERROR', 'the header has no "dim" line', source);
  const total = dims[0] * dims[1] * dims[2];
  const rle = bytes.subarray(pos);
  if (total > opts.maxVoxels) throw new OnetIOError('TOO_LARGE', `${dims.join('×')} voxels exceed maxVoxels = ${opts.maxVoxels}`, source, `line ${lineNo}`);
  if (total > (rle.length / 2) * 255) {
    throw new OnetIOError('TRUNCATED', `${dims.join('×')} voxels need more run-length data than the ${rle.length} bytes left`, source, `byte ${pos}`);
  }
  if (rle.length % 2 !== 0) throw new OnetIOError('PARSE_ERROR', 'the run-length data has an odd number of bytes', source, `byte ${pos + rle.length - 1}`);
  const raw = new Uint8Array(total);
  let n = 0;
  for (let i = 0; i < rle.length; i += 2) {
    const value = rle[i] ? 1 : 0;
    const count = rle[i + 1];
    if (n + count > total) throw new OnetIOError('PARSE_ERROR', `runs cover more than the ${total} voxels of the header`, source, `byte ${pos + i}`);
    if (value) raw.fill(1, n, n + count);
    n += count;
  }
  if (n !== total) throw new OnetIOError('TRUNCATED', `runs cover ${n} of ${total} voxels`, source, `byte ${bytes.length}`);
  // raw is [D0, D1(z), D2(y)] in C order; transpose (0, 2, 1).
  const [d0, d1, d2] = dims;
  const data = new Uint8Array(total);
  for (let x = 0; x < d0; x++) {
    for (let z = 0; z < d1; z++) {
      const src = (x * d1 + z) * d2;
      for (let y = 0; y < d2; y++) data[(x * d2 + y) * d1 + z] = raw[src + y];
    }
  }
  return { data, dims: [d0, d2, d1], translate: translate as [number, number, number], scale };
}

/**
 * Serialise a voxel grid as `.binvox` (the inverse of {@link parseBinvox}: `data` is x-major, z fastest,
 * and is stored xzy as binvox expects; any nonzero value counts as occupied). Runs are split at 255.
 *
 * ```ts
 * const bytes = writeBinvox({ data, dims: [32, 32, 32], translate: [-0.5, -0.5, -0.5], scale: 1 });
 * ```
 * @throws {RangeError} when `data.length` is not the product of `dims`.
 * @category Voxel I/O
 */
export function writeBinvox(grid: BinvoxGrid): Uint8Array {
  const [d0, d1, d2] = grid.dims;
  const total = d0 * d1 * d2;
  if (grid.data.length !== total || ![d0, d1, d2].every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`data has ${grid.data.length} values, dims [${grid.dims}] need ${total}`);
  }
  // Header dims are those of the stored (xzy) array: [D0, D2, D1].
  const header = `#binvox 1\ndim ${d0} ${d2} ${d1}\ntranslate ${grid.translate.join(' ')}\nscale ${grid.scale}\ndata\n`;
  const runs: number[] = [];
  let state = -1;
  let count = 0;
  for (let x = 0; x < d0; x++) {
    for (let z = 0; z < d2; z++) {
      for (let y = 0; y < d1; y++) {
        const v = grid.data[(x * d1 + y) * d2 + z] ? 1 : 0;
        if (v === state && count < 255) count++;
        else {
          if (count > 0) runs.push(state, count);
          state = v;
          count = 1;
        }
      }
    }
  }
  if (count > 0) runs.push(state, count);
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(head.length + runs.length);
  out.set(head);
  out.set(runs, head.length);
  return out;
}
