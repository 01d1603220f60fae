import { MarchingCubesNaNError, MarchingCubesRangeError, MarchingCubesTypeError } from './errors.js';
import { TRI_COUNT, TRI_EDGES, TRI_OFFSET } from './tables.js';
import type { IsoSurfaceMesh } from './types.js';

/** Options of {@link marchingCubes}. */
export interface MarchingCubesOptions {
  /** Iso level: nodes with value ≥ level are inside, the surface passes where the field crosses it. */
  level?: number;
  /** World position `[x, y, z]` of node (0, 0, 0). */
  origin?: readonly number[];
  /** Node spacing `[sx, sy, sz]` (> 0): node (i, j, k) sits at origin + (i·sx, j·sy, k·sz). */
  spacing?: readonly number[];
  /** Treat everything outside the grid as below level, closing the surface with caps on the grid's faces. */
  closeBoundary?: boolean;
  /** Also return unit vertex normals, −∇value interpolated along each edge (central differences). */
  computeNormals?: boolean;
  /** NaN values: 'error' throws {@link MarchingCubesNaNError} naming the first one, 'outside' treats them as below level. */
  nan?: 'error' | 'outside';
}

/** Defaults of {@link MarchingCubesOptions}. */
export const MARCHING_CUBES_DEFAULTS: Readonly<Required<MarchingCubesOptions>> = Object.freeze({
  level: 0,
  origin: Object.freeze([0, 0, 0]) as readonly number[],
  spacing: Object.freeze([1, 1, 1]) as readonly number[],
  closeBoundary: false,
  computeNormals: false,
  nan: 'error',
});

const UINT32_MAX = 0xffffffff;

/**
 * Extract the iso-surface `value = level` of a dense scalar grid as a welded triangle mesh.
 *
 * The grid is `values[(i·ny + j)·nz + k]` (C order, i along x, k fastest), node (i, j, k) at
 * `origin + (i, j, k)·spacing` (no half-voxel shift). Nodes with value ≥ level are inside; every
 * triangle is counter-clockwise seen from outside, i.e. its normal points from high to low values.
 * Each crossed grid edge gets exactly one vertex, placed by linear interpolation. Ambiguous faces and
 * values equal to the level follow one rule (the tables in `tables.ts`), so the mesh is manifold and
 * consistently oriented, and with `closeBoundary` also watertight (every edge in exactly two triangles).
 *
 * A constant grid, or a level outside the data range, gives an empty mesh (with `closeBoundary`, a grid
 * entirely inside gives the closed box of the grid).
 *
 * Algorithm (Flying-Edges style, Schroeder et al. 2015): pass 1 classifies nodes row by row (rows along
 * k) and records where each row changes class; pass 2 counts crossed edges and triangles per row, skipping
 * the constant ends of rows; prefix sums then size the output exactly; pass 3 writes vertices per edge row
 * and triangles per cell row, computing vertex ids from running counters (integers, exact at any size).
 *
 * Reference: Lorensen & Cline 1987; the reference's libmcubes (REFERENCE.md §3.4) with its −1e6 padding is
 * `closeBoundary: true` with the grid's boundary nodes as the cap.
 *
 * @example
 * ```ts
 * const n = 32, values = new Float32Array(n ** 3);
 * for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++)
 *   values[(i * n + j) * n + k] = 10 - Math.hypot(i - 15.5, j - 15.5, k - 15.5); // sphere, radius 10
 * const { positions, indices } = marchingCubes(values, [n, n, n]);
 * ```
 *
 * @param values - scalar grid `[nx·ny·nz]`, C order.
 * @param dims - `[nx, ny, nz]`, positive integers.
 * @returns `{ positions [V·3], indices [F·3], normals? [V·3] }`.
 * @throws {@link MarchingCubesRangeError} (a `RangeError`, before any large allocation) for bad dims, a
 *   length mismatch, a grid with more edges than Uint32 vertex ids can address, or a bad option.
 * @throws {@link MarchingCubesNaNError} for a NaN value with `nan: 'error'`.
 * @throws {@link MarchingCubesTypeError} when `values` is not a Float32Array or Float64Array.
 * @category Extraction
 */
export function marchingCubes(
  values: Float32Array | Float64Array,
  dims: readonly number[],
  options: MarchingCubesOptions = {},
): IsoSurfaceMesh {
  const level = options.level ?? MARCHING_CUBES_DEFAULTS.level;
  const origin = options.origin ?? MARCHING_CUBES_DEFAULTS.origin;
  const spacing = options.spacing ?? MARCHING_CUBES_DEFAULTS.spacing;
  const closeBoundary = options.closeBoundary ?? MARCHING_CUBES_DEFAULTS.closeBoundary;
  const computeNormals = options.computeNormals ?? MARCHING_CUBES_DEFAULTS.computeNormals;
  const nanMode = options.nan ?? MARCHING_CUBES_DEFAULTS.nan;

  if (!(values instanceof Float32Array) && !(values instanceof Float64Array)) {
    throw new MarchingCubesTypeError(
      'marchingCubes: values must be a Float32Array or Float64Array; convert with Float32Array.from(values).',
    );
  }
  if (!Array.isArray(dims) || dims.length !== 3 || !dims.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new MarchingCubesRangeError(
      'INVALID_DIMS',
      `marchingCubes: dims must be three positive integers [nx, ny, nz], got ${JSON.stringify(dims)}.`,
    );
  }
  const nx = dims[0]!;
  const ny = dims[1]!;
  const nz = dims[2]!;
  const pad = closeBoundary ? 1 : 0;
  const Fx = nx + 2 * pad;
  const Fy = ny + 2 * pad;
  const Fz = nz + 2 * pad;
  const edgeCount = (Fx - 1) * Fy * Fz + Fx * (Fy - 1) * Fz + Fx * Fy * (Fz - 1);
  if (edgeCount > UINT32_MAX) {
    throw new MarchingCubesRangeError(
      'GRID_TOO_LARGE',
      `marchingCubes: a ${nx}×${ny}×${nz} grid has ${edgeCount} edges, more than Uint32 vertex ids can ` +
        `address (${UINT32_MAX}); extract it in blocks of at most ~1100³ nodes.`,
    );
  }
  if (values.length !== nx * ny * nz) {
    throw new MarchingCubesRangeError(
      'LENGTH_MISMATCH',
      `marchingCubes: dims ${nx}×${ny}×${nz} need ${nx * ny * nz} values, got ${values.length}. ` +
        `The layout is C order, index = (i·ny + j)·nz + k.`,
    );
  }
  if (typeof level !== 'number' || Number.isNaN(level)) {
    throw new MarchingCubesRangeError('INVALID_OPTION', `marchingCubes: level must be a number, got ${level}.`);
  }
  if (!isTriple(origin, (v) => Number.isFinite(v))) {
    throw new MarchingCubesRangeError(
      'INVALID_OPTION',
      `marchingCubes: origin must be three finite numbers, got ${JSON.stringify(origin)}.`,
    );
  }
  if (!isTriple(spacing, (v) => Number.isFinite(v) && v > 0)) {
    throw new MarchingCubesRangeError(
      'INVALID_OPTION',
      `marchingCubes: spacing must be three finite numbers > 0, got ${JSON.stringify(spacing)}.`,
    );
  }
  if (nanMode !== 'error' && nanMode !== 'outside') {
    throw new MarchingCubesRangeError(
      'INVALID_OPTION',
      `marchingCubes: nan must be 'error' or 'outside', got ${JSON.stringify(nanMode)}.`,
    );
  }

  const R = Fx * Fy; // rows (along k) of the (possibly padded) classification grid
  const flags = new Uint8Array(R * Fz); // 1 = inside; padding stays 0 (outside)
  const lo = new Int32Array(R).fill(Fz); // first k where the row's class differs from its class at k = 0
  const hi = new Int32Array(R).fill(-1); // last k where the row's class differs from its class at k = Fz−1
  const ends = new Uint8Array(R); // bit 0: class at k = 0, bit 1: class at k = Fz−1
  const zc = new Int32Array(R); // crossed z-edges per row
  classify(values, nx, ny, nz, level, nanMode === 'error', pad, Fy, Fz, flags, lo, hi, ends, zc);
  if (Fx < 2 || Fy < 2 || Fz < 2) {
    // a flat grid has no cells: crossed edges there belong to no triangle
    const empty = new Float32Array(0);
    return computeNormals ? { positions: empty, indices: new Uint32Array(0), normals: new Float32Array(0) } : { positions: empty, indices: new Uint32Array(0) };
  }

  const xc = new Int32Array(R); // crossed x-edges between rows (I, J) and (I+1, J), stored at (I, J)
  const yc = new Int32Array(R); // crossed y-edges between rows (I, J) and (I, J+1), stored at (I, J)
  let triangles = 0;
  for (let I = 0; I < Fx; I++) {
    for (let J = 0; J < Fy; J++) {
      const r = I * Fy + J;
      if (I + 1 < Fx) xc[r] = countEdgeRow(flags, lo, hi, ends, Fz, r, r + Fy);
      if (J + 1 < Fy) yc[r] = countEdgeRow(flags, lo, hi, ends, Fz, r, r + 1);
      if (I + 1 < Fx && J + 1 < Fy) triangles += countCellRow(flags, lo, hi, ends, Fy, Fz, r);
    }
  }

  const vBase = new Float64Array(R + 1);
  for (let r = 0; r < R; r++) vBase[r + 1] = vBase[r]! + zc[r]! + xc[r]! + yc[r]!;
  const vertexCount = vBase[R]!;
  if (triangles * 3 > UINT32_MAX) {
    throw new MarchingCubesRangeError(
      'GRID_TOO_LARGE',
      `marchingCubes: the mesh would have ${triangles} triangles, more than a Uint32Array index buffer ` +
        `holds; extract the grid in blocks.`,
    );
  }

  const positions = new Float32Array(vertexCount * 3);
  const normals = computeNormals ? new Float32Array(vertexCount * 3) : undefined;
  const indices = new Uint32Array(triangles * 3);
  if (vertexCount === 0) return computeNormals ? { positions, indices, normals } : { positions, indices };

  writeVertices(
    values,
    nx,
    ny,
    nz,
    level,
    pad,
    Fx,
    Fy,
    Fz,
    flags,
    lo,
    hi,
    ends,
    vBase,
    zc,
    xc,
    origin,
    spacing,
    positions,
    normals,
  );
  writeTriangles(flags, lo, hi, ends, Fx, Fy, Fz, vBase, zc, xc, indices);
  return normals ? { positions, indices, normals } : { positions, indices };
}

function isTriple(a: unknown, ok: (v: number) => boolean): boolean {
  return (
    Array.isArray(a) &&
    a.length === 3 &&
    a.every((v) => typeof v === 'number' && ok(v))
  );
}

/** Pass 1: classify nodes and summarise each row (first/last change, end classes, crossed z-edges). */
function classify(
  values: Float32Array | Float64Array,
  nx: number,
  ny: number,
  nz: number,
  level: number,
  nanError: boolean,
  pad: number,
  Fy: number,
  Fz: number,
  flags: Uint8Array,
  lo: Int32Array,
  hi: Int32Array,
  ends: Uint8Array,
  zc: Int32Array,
): void {
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const src = (i * ny + j) * nz;
      const row = (i + pad) * Fy + (j + pad);
      const fb = row * Fz + pad;
      let prev = 0;
      let first = -1;
      let last = -1;
      let count = 0;
      let k0 = 0;
      if (pad === 0) {
        const v = values[src]!;
        let f = 0;
        if (v >= level) f = 1;
        else if (v !== v && nanError) throwNaN(src, ny, nz);
        flags[fb] = f;
        prev = f;
        k0 = 1;
      }
      for (let k = k0; k < nz; k++) {
        const v = values[src + k]!;
        let f = 0;
        if (v >= level) f = 1;
        else if (v !== v && nanError) throwNaN(src + k, ny, nz);
        flags[fb + k] = f;
        if (f !== prev) {
          count++;
          if (first < 0) first = k + pad;
          last = k + pad;
          prev = f;
        }
      }
      if (pad === 1 && prev === 1) {
        count++;
        if (first < 0) first = Fz - 1;
        last = Fz - 1;
        prev = 0;
      }
      if (first >= 0) {
        lo[row] = first;
        hi[row] = last - 1;
      }
      ends[row] = flags[row * Fz]! | (prev << 1);
      zc[row] = count;
    }
  }
}

function throwNaN(index: number, ny: number, nz: number): never {
  const k = index % nz;
  const ij = (index - k) / nz;
  const j = ij % ny;
  const i = (ij - j) / ny;
  throw new MarchingCubesNaNError(index, i, j, k);
}

/** Crossed edges between rows a and b (same k, neighbouring I or J). */
function countEdgeRow(
  flags: Uint8Array,
  lo: Int32Array,
  hi: Int32Array,
  ends: Uint8Array,
  Fz: number,
  a: number,
  b: number,
): number {
  const ea = ends[a]!;
  const eb = ends[b]!;
  const la = lo[a]!;
  const lb = lo[b]!;
  if (la === Fz && lb === Fz) return (ea & 1) !== (eb & 1) ? Fz : 0;
  const kL = la < lb ? la : lb;
  const ha = hi[a]!;
  const hb = hi[b]!;
  const kH = ha > hb ? ha : hb;
  let c = 0;
  if ((ea & 1) !== (eb & 1)) c += kL;
  if (ea >> 1 !== eb >> 1) c += Fz - 1 - kH;
  const oa = a * Fz;
  const ob = b * Fz;
  for (let k = kL; k <= kH; k++) c += flags[oa + k]! ^ flags[ob + k]!;
  return c;
}

/** First and last cell (k) of cell row r that can hold surface; start > end when none. */
function cellRange(
  lo: Int32Array,
  hi: Int32Array,
  ends: Uint8Array,
  Fy: number,
  Fz: number,
  r: number,
  out: Int32Array,
): void {
  const a = r;
  const b = r + Fy;
  const c = r + 1;
  const d = r + Fy + 1;
  const ea = ends[a]!;
  const eb = ends[b]!;
  const ec = ends[c]!;
  const ed = ends[d]!;
  let kL = Math.min(lo[a]!, lo[b]!, lo[c]!, lo[d]!);
  let kH = Math.max(hi[a]!, hi[b]!, hi[c]!, hi[d]!);
  const firsts = (ea & 1) + (eb & 1) + (ec & 1) + (ed & 1);
  const lasts = (ea >> 1) + (eb >> 1) + (ec >> 1) + (ed >> 1);
  if (firsts !== 0 && firsts !== 4) kL = 0;
  if (lasts !== 0 && lasts !== 4) kH = Fz - 1;
  out[0] = kL > 0 ? kL - 1 : 0;
  out[1] = kH < Fz - 2 ? kH : Fz - 2;
}

const RANGE = new Int32Array(2);

/** Triangles of cell row r (cells (I..I+1, J..J+1, k..k+1)). */
function countCellRow(
  flags: Uint8Array,
  lo: Int32Array,
  hi: Int32Array,
  ends: Uint8Array,
  Fy: number,
  Fz: number,
  r: number,
): number {
  cellRange(lo, hi, ends, Fy, Fz, r, RANGE);
  const start = RANGE[0]!;
  const end = RANGE[1]!;
  if (start > end) return 0;
  const oa = r * Fz;
  const ob = (r + Fy) * Fz;
  const oc = oa + Fz;
  const od = ob + Fz;
  let n0 = flags[oa + start]! | (flags[ob + start]! << 1) | (flags[oc + start]! << 2) | (flags[od + start]! << 3);
  let t = 0;
  for (let k = start; k <= end; k++) {
    const k1 = k + 1;
    const n1 = flags[oa + k1]! | (flags[ob + k1]! << 1) | (flags[oc + k1]! << 2) | (flags[od + k1]! << 3);
    t += TRI_COUNT[n0 | (n1 << 4)]!;
    n0 = n1;
  }
  return t;
}

/** Interpolation parameter along an edge from value v0 (t = 0) to v1 (t = 1), robust to ±∞ and NaN. */
function fixT(v0: number, v1: number, t: number): number {
  const f0 = Number.isFinite(v0);
  const f1 = Number.isFinite(v1);
  if (!f0 && !f1) return 0.5;
  if (!f0) return 1;
  if (!f1) return 0;
  return t > 1 ? 1 : t >= 0 ? t : 0;
}

/** Pass 3a: one vertex per crossed edge, rows in order, within a row z-, then x-, then y-edges by k. */
function writeVertices(
  values: Float32Array | Float64Array,
  nx: number,
  ny: number,
  nz: number,
  level: number,
  pad: number,
  Fx: number,
  Fy: number,
  Fz: number,
  flags: Uint8Array,
  lo: Int32Array,
  hi: Int32Array,
  ends: Uint8Array,
  vBase: Float64Array,
  zc: Int32Array,
  xc: Int32Array,
  origin: readonly number[],
  spacing: readonly number[],
  P: Float32Array,
  N: Float32Array | undefined,
): void {
  const ox = origin[0]!;
  const oy = origin[1]!;
  const oz = origin[2]!;
  const sx = spacing[0]!;
  const sy = spacing[1]!;
  const sz = spacing[2]!;
  const sI = ny * nz; // value strides
  const sJ = nz;
  const grad = N ? new Float64Array(6) : undefined;
  for (let I = 0; I < Fx; I++) {
    for (let J = 0; J < Fy; J++) {
      const r = I * Fy + J;
      const i = I - pad;
      const j = J - pad;
      // ---- z-edges of row r: between nodes (I, J, K) and (I, J, K+1)
      if (zc[r]! > 0) {
        let w = vBase[r]!;
        const of = r * Fz;
        const x = ox + i * sx;
        const y = oy + j * sy;
        const src = (i * ny + j) * nz;
        for (let K = lo[r]! - 1, end = hi[r]!; K <= end; K++) {
          if (flags[of + K] === flags[of + K + 1]) continue;
          const k = K - pad;
          let t: number;
          if (k < 0) t = 1;
          else if (k + 1 >= nz) t = 0;
          else {
            const v0 = values[src + k]!;
            const v1 = values[src + k + 1]!;
            t = (level - v0) / (v1 - v0);
            if (!(t >= 0 && t <= 1)) t = fixT(v0, v1, t);
          }
          const p = w * 3;
          P[p] = x;
          P[p + 1] = y;
          P[p + 2] = oz + (k + t) * sz;
          if (N) edgeNormal(values, nx, ny, nz, i, j, k, 2, t, sx, sy, sz, grad!, N, p);
          w++;
        }
      }
      // ---- x-edges between rows (I, J) and (I+1, J)
      if (I + 1 < Fx && xc[r]! > 0) {
        let w = vBase[r]! + zc[r]!;
        const y = oy + j * sy;
        const src = (i * ny + j) * nz;
        const oa = r * Fz;
        const ob = (r + Fy) * Fz;
        const K1 = edgeRowEnd(lo, hi, ends, Fz, r, r + Fy);
        for (let K = edgeRowStart(lo, ends, Fz, r, r + Fy); K <= K1; K++) {
          if (flags[oa + K] === flags[ob + K]) continue;
          const k = K - pad;
          let t: number;
          if (i < 0) t = 1;
          else if (i + 1 >= nx) t = 0;
          else {
            const v0 = values[src + k]!;
            const v1 = values[src + sI + k]!;
            t = (level - v0) / (v1 - v0);
            if (!(t >= 0 && t <= 1)) t = fixT(v0, v1, t);
          }
          const p = w * 3;
          P[p] = ox + (i + t) * sx;
          P[p + 1] = y;
          P[p + 2] = oz + k * sz;
          if (N) edgeNormal(values, nx, ny, nz, i, j, k, 0, t, sx, sy, sz, grad!, N, p);
          w++;
        }
      }
      // ---- y-edges between rows (I, J) and (I, J+1)
      if (J + 1 < Fy && vBase[r + 1]! - vBase[r]! - zc[r]! - xc[r]! > 0) {
        let w = vBase[r]! + zc[r]! + xc[r]!;
        const x = ox + i * sx;
        const src = (i * ny + j) * nz;
        const oa = r * Fz;
        const ob = (r + 1) * Fz;
        const K1 = edgeRowEnd(lo, hi, ends, Fz, r, r + 1);
        for (let K = edgeRowStart(lo, ends, Fz, r, r + 1); K <= K1; K++) {
          if (flags[oa + K] === flags[ob + K]) continue;
          const k = K - pad;
          let t: number;
          if (j < 0) t = 1;
          else if (j + 1 >= ny) t = 0;
          else {
            const v0 = values[src + k]!;
            const v1 = values[src + sJ + k]!;
            t = (level - v0) / (v1 - v0);
            if (!(t >= 0 && t <= 1)) t = fixT(v0, v1, t);
          }
          const p = w * 3;
          P[p] = x;
          P[p + 1] = oy + (j + t) * sy;
          P[p + 2] = oz + k * sz;
          if (N) edgeNormal(values, nx, ny, nz, i, j, k, 1, t, sx, sy, sz, grad!, N, p);
          w++;
        }
      }
    }
  }
}

/**
 * First position of edge row (a, b) that can be crossed: before min(lo) both rows are at their start class,
 * so that block is either all crossed or not crossed at all.
 */
function edgeRowStart(lo: Int32Array, ends: Uint8Array, Fz: number, a: number, b: number): number {
  if ((ends[a]! ^ ends[b]!) & 1) return 0;
  const la = lo[a]!;
  const lb = lo[b]!;
  return la < lb ? la : lb;
}

/** Last position of edge row (a, b) that can be crossed (mirror of {@link edgeRowStart}). */
function edgeRowEnd(lo: Int32Array, hi: Int32Array, ends: Uint8Array, Fz: number, a: number, b: number): number {
  void lo;
  if ((ends[a]! ^ ends[b]!) >> 1) return Fz - 1;
  const ha = hi[a]!;
  const hb = hi[b]!;
  return ha > hb ? ha : hb;
}

/** Gradient (central differences, one-sided at the border) of the field at node (i, j, k), into g[o..o+2]. */
function nodeGradient(
  values: Float32Array | Float64Array,
  nx: number,
  ny: number,
  nz: number,
  i: number,
  j: number,
  k: number,
  sx: number,
  sy: number,
  sz: number,
  g: Float64Array,
  o: number,
): void {
  const sI = ny * nz;
  const idx = (i * ny + j) * nz + k;
  const im = i > 0 ? idx - sI : idx;
  const ip = i + 1 < nx ? idx + sI : idx;
  const jm = j > 0 ? idx - nz : idx;
  const jp = j + 1 < ny ? idx + nz : idx;
  const km = k > 0 ? idx - 1 : idx;
  const kp = k + 1 < nz ? idx + 1 : idx;
  g[o] = ip === im ? 0 : (values[ip]! - values[im]!) / (((ip - im) / sI) * sx);
  g[o + 1] = jp === jm ? 0 : (values[jp]! - values[jm]!) / (((jp - jm) / nz) * sy);
  g[o + 2] = kp === km ? 0 : (values[kp]! - values[km]!) / ((kp - km) * sz);
}

/**
 * Normal of the vertex at parameter t on the edge from node (i, j, k) along `axis`: −∇ interpolated and
 * normalised; a cap vertex (one end outside the grid) gets the cap's outward axis direction; a degenerate
 * gradient falls back to the edge direction from the inside node to the outside node.
 */
function edgeNormal(
  values: Float32Array | Float64Array,
  nx: number,
  ny: number,
  nz: number,
  i: number,
  j: number,
  k: number,
  axis: number,
  t: number,
  sx: number,
  sy: number,
  sz: number,
  g: Float64Array,
  N: Float32Array,
  p: number,
): void {
  const c0 = axis === 0 ? i : axis === 1 ? j : k;
  const n = axis === 0 ? nx : axis === 1 ? ny : nz;
  N[p] = 0;
  N[p + 1] = 0;
  N[p + 2] = 0;
  if (c0 < 0) {
    N[p + axis] = -1;
    return;
  }
  if (c0 + 1 >= n) {
    N[p + axis] = 1;
    return;
  }
  nodeGradient(values, nx, ny, nz, i, j, k, sx, sy, sz, g, 0);
  nodeGradient(
    values,
    nx,
    ny,
    nz,
    axis === 0 ? i + 1 : i,
    axis === 1 ? j + 1 : j,
    axis === 2 ? k + 1 : k,
    sx,
    sy,
    sz,
    g,
    3,
  );
  const gx = 0 - ((1 - t) * g[0]! + t * g[3]!); // 0 − x, not −x: no −0 components
  const gy = 0 - ((1 - t) * g[1]! + t * g[4]!);
  const gz = 0 - ((1 - t) * g[2]! + t * g[5]!);
  const len = Math.sqrt(gx * gx + gy * gy + gz * gz);
  if (len > 0 && Number.isFinite(len)) {
    N[p] = gx / len;
    N[p + 1] = gy / len;
    N[p + 2] = gz / len;
    return;
  }
  // degenerate gradient: point from the inside end to the outside end of the edge
  const idx = (i * ny + j) * nz + k;
  const stride = axis === 0 ? ny * nz : axis === 1 ? nz : 1;
  const v0 = values[idx]!;
  const v1 = values[idx + stride]!;
  N[p + axis] = v0 >= v1 ? 1 : -1;
}

/** Pass 3b: triangles per cell row; vertex ids from running per-edge-row counters. */
function writeTriangles(
  flags: Uint8Array,
  lo: Int32Array,
  hi: Int32Array,
  ends: Uint8Array,
  Fx: number,
  Fy: number,
  Fz: number,
  vBase: Float64Array,
  zc: Int32Array,
  xc: Int32Array,
  out: Uint32Array,
): void {
  const eid = new Float64Array(12);
  const range = new Int32Array(2);
  let w = 0;
  for (let I = 0; I + 1 < Fx; I++) {
    for (let J = 0; J + 1 < Fy; J++) {
      const a = I * Fy + J;
      cellRange(lo, hi, ends, Fy, Fz, a, range);
      const start = range[0]!;
      const end = range[1]!;
      if (start > end) continue;
      const b = a + Fy;
      const c = a + 1;
      const d = b + 1;
      let cz00 = vBase[a]!;
      let cz10 = vBase[b]!;
      let cz01 = vBase[c]!;
      let cz11 = vBase[d]!;
      let cx0 = cz00 + zc[a]!;
      let cx1 = cz01 + zc[c]!;
      let cy0 = cx0 + xc[a]!;
      let cy1 = cz10 + zc[b]! + xc[b]!;
      const oa = a * Fz;
      const ob = b * Fz;
      const oc = c * Fz;
      const od = d * Fz;
      let n0 = flags[oa + start]! | (flags[ob + start]! << 1) | (flags[oc + start]! << 2) | (flags[od + start]! << 3);
      for (let k = start; k <= end; k++) {
        const k1 = k + 1;
        const n1 = flags[oa + k1]! | (flags[ob + k1]! << 1) | (flags[oc + k1]! << 2) | (flags[od + k1]! << 3);
        const cs = n0 | (n1 << 4);
        const xb0 = (n0 ^ (n0 >> 1)) & 1;
        const xb1 = ((n0 >> 2) ^ (n0 >> 3)) & 1;
        const yb0 = (n0 ^ (n0 >> 2)) & 1;
        const yb1 = ((n0 >> 1) ^ (n0 >> 3)) & 1;
        if (TRI_COUNT[cs]! !== 0) {
          eid[0] = cx0;
          eid[1] = cx1;
          eid[2] = cx0 + xb0;
          eid[3] = cx1 + xb1;
          eid[4] = cy0;
          eid[5] = cy1;
          eid[6] = cy0 + yb0;
          eid[7] = cy1 + yb1;
          eid[8] = cz00;
          eid[9] = cz10;
          eid[10] = cz01;
          eid[11] = cz11;
          for (let q = TRI_OFFSET[cs]!, qe = TRI_OFFSET[cs + 1]!; q < qe; q++) out[w++] = eid[TRI_EDGES[q]!]!;
        }
        const zx = n0 ^ n1;
        cx0 += xb0;
        cx1 += xb1;
        cy0 += yb0;
        cy1 += yb1;
        cz00 += zx & 1;
        cz10 += (zx >> 1) & 1;
        cz01 += (zx >> 2) & 1;
        cz11 += zx >> 3;
        n0 = n1;
      }
    }
  }
}
