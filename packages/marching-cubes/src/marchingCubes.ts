import { weldBoundaryCaps } from './closeBoundary.js';
import { MarchingCubesRangeError, MarchingCubesTypeError, throwNaNAt } from './errors.js';
import {
  classifyUnpadded,
  countUnpadded,
  emitTrianglesUnpadded,
  emitVerticesUnpadded,
  gatherPositions,
  type UnpaddedScan,
} from './flyingEdges.js';
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
  /** Treat everything outside the grid as below level, closing the surface with caps on the grid's faces (one vertex per inside boundary node). */
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
/** Row offset of a padding row in pass 3; real offsets are ≥ −1 (row (0, 0) with padding is −1). */
const NO_ROW = -2;

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
 * entirely inside gives the closed box of the grid, its boundary nodes as vertices). With `closeBoundary` the
 * caps lie on the grid's boundary planes with one vertex per inside boundary node, so every vertex is inside
 * the grid's extent, and where no value equals the level no two vertices coincide and no triangle has zero
 * area. A grid with a dimension of 1 has no cells and encloses no volume: an empty mesh, closed or not.
 *
 * Algorithm (Flying-Edges style, Schroeder et al. 2015), rows along k: pass 1 packs node classes into
 * 32-bit words per row (and spots NaN); pass 2 finds non-empty cells 32 at a time with word XORs, skipping
 * cell rows whose four node rows are uniform, and counts crossed edges per edge row and triangles; prefix
 * sums then size the output exactly; pass 3 revisits only the surface cells, writing each owned edge's
 * vertex and the triangles, with vertex ids from running per-row counters (integers, exact at any size).
 * Memory besides the output: nx·ny·nz/8 bytes of class bits plus 21 bytes per row (nx·ny rows).
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
  options: MarchingCubesOptions = {}
): IsoSurfaceMesh {
  const level = options.level ?? MARCHING_CUBES_DEFAULTS.level;
  const origin = options.origin ?? MARCHING_CUBES_DEFAULTS.origin;
  const spacing = options.spacing ?? MARCHING_CUBES_DEFAULTS.spacing;
  const closeBoundary = options.closeBoundary ?? MARCHING_CUBES_DEFAULTS.closeBoundary;
  const computeNormals = options.computeNormals ?? MARCHING_CUBES_DEFAULTS.computeNormals;
  const nanMode = options.nan ?? MARCHING_CUBES_DEFAULTS.nan;

  if (!(values instanceof Float32Array) && !(values instanceof Float64Array)) {
    throw new MarchingCubesTypeError(
      'marchingCubes: values must be a Float32Array or Float64Array; convert with Float32Array.from(values).'
    );
  }
  if (!Array.isArray(dims) || dims.length !== 3 || !dims.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new MarchingCubesRangeError(
      'INVALID_DIMS',
      `marchingCubes: dims must be three positive integers [nx, ny, nz], got ${JSON.stringify(dims)}.`
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
        `address (${UINT32_MAX}); extract it in blocks of at most ~1100³ nodes.`
    );
  }
  if (values.length !== nx * ny * nz) {
    throw new MarchingCubesRangeError(
      'LENGTH_MISMATCH',
      `marchingCubes: dims ${nx}×${ny}×${nz} need ${nx * ny * nz} values, got ${values.length}. ` +
        `The layout is C order, index = (i·ny + j)·nz + k.`
    );
  }
  if (typeof level !== 'number' || Number.isNaN(level)) {
    throw new MarchingCubesRangeError('INVALID_OPTION', `marchingCubes: level must be a number, got ${level}.`);
  }
  if (!isTriple(origin, (v) => Number.isFinite(v))) {
    throw new MarchingCubesRangeError(
      'INVALID_OPTION',
      `marchingCubes: origin must be three finite numbers, got ${JSON.stringify(origin)}.`
    );
  }
  if (!isTriple(spacing, (v) => Number.isFinite(v) && v > 0)) {
    throw new MarchingCubesRangeError(
      'INVALID_OPTION',
      `marchingCubes: spacing must be three finite numbers > 0, got ${JSON.stringify(spacing)}.`
    );
  }
  // Vertices are stored as float32: an extent (one node of padding included) that overflows it would give
  // ±Infinity positions silently.
  const dimsOf = [nx, ny, nz];
  for (let a = 0; a < 3; a++) {
    const lo = origin[a]! - spacing[a]!;
    const hi = origin[a]! + spacing[a]! * dimsOf[a]!;
    if (!Number.isFinite(Math.fround(lo)) || !Number.isFinite(Math.fround(hi))) {
      throw new MarchingCubesRangeError(
        'INVALID_OPTION',
        `marchingCubes: origin + spacing·(dims − 1) on axis ${'xyz'[a]} reaches ${Math.abs(lo) > Math.abs(hi) ? lo : hi}, ` +
          `beyond float32 (±3.4e38); rescale the grid.`
      );
    }
  }
  if (nanMode !== 'error' && nanMode !== 'outside') {
    throw new MarchingCubesRangeError(
      'INVALID_OPTION',
      `marchingCubes: nan must be 'error' or 'outside', got ${JSON.stringify(nanMode)}.`
    );
  }

  const R = Fx * Fy; // rows (along k) of the (possibly padded) classification grid
  const W = (Fz + 31) >>> 5; // 32-bit words per row
  const work = scratch(R * W, R);
  const bits = work.bits; // bit K of row r: node (I, J, K) inside; padding stays 0 (outside)
  const rowState = work.rowState; // 0: all outside, 1: all inside, 2: mixed
  // the main path places the vertices in pass 1 (flyingEdges.ts): `placed` holds them, in id order
  const placed =
    pad === 0 ? classifyUnpadded(values, nx, ny, nz, level, nanMode === 'error', W, bits, rowState, work.counts, origin, spacing) : null;
  if (pad !== 0) classify(values, nx, ny, nz, level, nanMode === 'error', pad, Fy, W, bits, rowState);
  if (nx < 2 || ny < 2 || nz < 2) {
    // a flat grid has no cells and encloses no volume: no surface, closed or not
    const empty = new Float32Array(0);
    return computeNormals
      ? { positions: empty, indices: new Uint32Array(0), normals: new Float32Array(0) }
      : { positions: empty, indices: new Uint32Array(0) };
  }

  // closeBoundary (pad 1) takes scanCells + emitSurface; the main path, flyingEdges.ts (same numbering)
  const scan =
    pad === 0
      ? countUnpadded(bits, rowState, nx, ny, nz, W, work.counts, work.cellsPerRow)
      : scanCells(bits, rowState, Fx, Fy, Fz, W, work.counts);
  const { zc, xc, yc, triangles } = scan;
  // first vertex id of each row's block (z-, then x-, then y-edges); the total is ≤ the edge count, which
  // was checked to fit Uint32 above, so Uint32 is exact here
  const vBase = work.vBase;
  vBase[0] = 0;
  for (let r = 0; r < R; r++) vBase[r + 1] = vBase[r]! + zc[r]! + xc[r]! + yc[r]!;
  const vertexCount = vBase[R]!;
  if (triangles * 3 > UINT32_MAX) {
    throw new MarchingCubesRangeError(
      'GRID_TOO_LARGE',
      `marchingCubes: the mesh would have ${triangles} triangles, more than a Uint32Array index buffer ` +
        `holds; extract the grid in blocks.`
    );
  }

  const positions = placed && !computeNormals ? gatherPositions(placed, vertexCount * 3) : new Float32Array(vertexCount * 3);
  const normals = computeNormals ? new Float32Array(vertexCount * 3) : undefined;
  const indices = new Uint32Array(triangles * 3);
  if (triangles > 0) {
    const geo: Geometry = {
      values,
      nx,
      ny,
      nz,
      level,
      pad,
      ox: origin[0]!,
      oy: origin[1]!,
      oz: origin[2]!,
      sx: spacing[0]!,
      sy: spacing[1]!,
      sz: spacing[2]!,
      P: positions,
      N: normals,
      grad: new Float64Array(6),
    };
    if (pad === 0) {
      if (normals) emitVerticesUnpadded(geo, scan, bits, W, vBase); // same positions, and the normals
      emitTrianglesUnpadded(scan as UnpaddedScan, nx, ny, vBase, indices);
    } else emitSurface(geo, scan, bits, rowState, Fx, Fy, Fz, W, vBase, indices);
  }
  const mesh = normals ? { positions, indices, normals } : { positions, indices };
  if (pad === 0 || triangles === 0) return mesh;
  return weldBoundaryCaps(mesh, { nx, ny, nz, origin, spacing, Fy, W, bits, vBase, zc, xc, yc });
}

/** Scratch arrays of one call: zeroed views, reused across calls when small enough (see {@link scratch}). */
interface Scratch {
  bits: Int32Array;
  rowState: Uint8Array;
  /** zc, xc, yc back to back: 3·R counts. */
  counts: Uint32Array;
  vBase: Uint32Array;
  /** Surface cells per cell row (main path; written, not zeroed). */
  cellsPerRow: Uint32Array;
}

/** Largest scratch (bytes) kept between calls; bigger grids allocate and release their own. */
const SCRATCH_KEEP_BYTES = 64 * 1024 * 1024;
let kept: Scratch | null = null;

/**
 * Zeroed scratch for `words` class words and `rows` rows. Fresh memory costs a page fault per 4 KB on first
 * touch, which for small and medium grids costs as much as the extraction itself; so the buffers of the last
 * call are kept (up to {@link SCRATCH_KEEP_BYTES}) and reused. Safe because `marchingCubes` is synchronous.
 */
function scratch(words: number, rows: number): Scratch {
  const bytes = words * 4 + rows * (1 + 12 + 4 + 4) + 4;
  if (kept && kept.bits.length >= words && kept.rowState.length >= rows) {
    const w = {
      bits: kept.bits.subarray(0, words),
      rowState: kept.rowState.subarray(0, rows),
      counts: kept.counts.subarray(0, 3 * rows),
      vBase: kept.vBase.subarray(0, rows + 1),
      cellsPerRow: kept.cellsPerRow.subarray(0, rows),
    };
    w.bits.fill(0);
    w.rowState.fill(0);
    w.counts.fill(0);
    return w;
  }
  const fresh = {
    bits: new Int32Array(words),
    rowState: new Uint8Array(rows),
    counts: new Uint32Array(3 * rows),
    vBase: new Uint32Array(rows + 1),
    cellsPerRow: new Uint32Array(rows),
  };
  if (bytes <= SCRATCH_KEEP_BYTES) {
    // keep the larger of the two shapes so alternating sizes do not thrash
    kept = {
      bits: kept && kept.bits.length > words ? kept.bits : fresh.bits,
      rowState: kept && kept.rowState.length > rows ? kept.rowState : fresh.rowState,
      counts: kept && kept.counts.length > 3 * rows ? kept.counts : fresh.counts,
      vBase: kept && kept.vBase.length > rows + 1 ? kept.vBase : fresh.vBase,
      cellsPerRow: kept && kept.cellsPerRow.length > rows ? kept.cellsPerRow : fresh.cellsPerRow,
    };
  }
  return fresh;
}

function isTriple(a: unknown, ok: (v: number) => boolean): boolean {
  return Array.isArray(a) && a.length === 3 && a.every((v) => typeof v === 'number' && ok(v));
}

/**
 * Pass 1: classify nodes into 32-bit words per row (bit K of the padded row), and mark rows that are
 * entirely outside / inside. A row holding a NaN is rescanned to name its first NaN (rows go in C order).
 */
function classify(
  values: Float32Array | Float64Array,
  nx: number,
  ny: number,
  nz: number,
  level: number,
  nanError: boolean,
  pad: number,
  Fy: number,
  W: number,
  bits: Int32Array,
  rowState: Uint8Array
): void {
  const Kend = nz + pad; // one past the last real node, in padded k
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const src = (i * ny + j) * nz - pad; // values index of padded position K
      const row = (i + pad) * Fy + (j + pad);
      let w = row * W;
      let any = 0;
      let ones = 0;
      let nan = 0;
      for (let K = pad; K < Kend; ) {
        const stop = Math.min((K | 31) + 1, Kend);
        let acc = 0;
        if ((K & 31) === 0 && stop - K === 32) {
          // a whole word: unrolled by four
          for (let b = 0; b < 32; b += 4) {
            const o = src + K + b;
            const v0 = values[o]!;
            const v1 = values[o + 1]!;
            const v2 = values[o + 2]!;
            const v3 = values[o + 3]!;
            nan |= (v0 !== v0 ? 1 : 0) | (v1 !== v1 ? 1 : 0) | (v2 !== v2 ? 1 : 0) | (v3 !== v3 ? 1 : 0);
            acc |=
              ((v0 >= level ? 1 : 0) |
                ((v1 >= level ? 1 : 0) << 1) |
                ((v2 >= level ? 1 : 0) << 2) |
                ((v3 >= level ? 1 : 0) << 3)) <<
              b;
          }
          K = stop;
        } else {
          for (; K < stop; K++) {
            const v = values[src + K]!;
            nan |= v !== v ? 1 : 0;
            acc |= (v >= level ? 1 : 0) << (K & 31);
          }
        }
        bits[w++] = acc;
        any |= acc;
        ones += popcount(acc);
      }
      if (nan !== 0 && nanError) {
        for (let k = 0; k < nz; k++) {
          const v = values[src + pad + k]!;
          if (v !== v) throwNaNAt(src + pad + k, ny, nz);
        }
      }
      rowState[row] = any === 0 ? 0 : ones === nz && pad === 0 ? 1 : 2;
    }
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) | 0;
}

/** Result of pass 2. */
export interface CellScan {
  /** Crossed z-, x-, y-edges per edge row (x/y rows stored at their lower row). */
  zc: Uint32Array;
  xc: Uint32Array;
  yc: Uint32Array;
  triangles: number;
}

/**
 * Pass 2: per cell row, find the non-empty cells 32 at a time (a cell is empty when its eight corners
 * agree: XORs of the four rows' words and of each word with itself shifted by one node) and count crossed
 * edges per edge row and triangles. Nothing per cell is stored: pass 3 finds the same cells the same way,
 * which is cheaper than touching fresh memory for a cell list. Every crossed edge is counted once, by the
 * cell that owns it (the cell at its lower end; the last cell of a row/column also owns the far edges).
 */
function scanCells(
  bits: Int32Array,
  rowState: Uint8Array,
  Fx: number,
  Fy: number,
  Fz: number,
  W: number,
  counts: Uint32Array
): CellScan {
  const R = Fx * Fy;
  const zc = counts.subarray(0, R); // zeroed by scratch()
  const xc = counts.subarray(R, 2 * R);
  const yc = counts.subarray(2 * R, 3 * R);
  let triangles = 0;
  const lastCell = Fz - 2;
  // valid cells in the last word: k ≤ Fz − 2
  const lastBits = Fz - 1 - 32 * (W - 1);
  const lastMask = lastBits >= 32 ? -1 : (1 << lastBits) - 1;
  for (let I = 0; I + 1 < Fx; I++) {
    const lastI = I + 2 === Fx;
    for (let J = 0; J + 1 < Fy; J++) {
      const a = I * Fy + J;
      const b = a + Fy;
      const c = a + 1;
      const d = b + 1;
      const sa = rowState[a]!;
      if (sa !== 2 && sa === rowState[b] && sa === rowState[c] && sa === rowState[d]) continue;
      const lastJ = J + 2 === Fy;
      let za = 0;
      let xa = 0;
      let ya = 0;
      const wa = a * W;
      const wb = b * W;
      const wc = c * W;
      const wd = d * W;
      let A = bits[wa]!;
      let B = bits[wb]!;
      let C = bits[wc]!;
      let D = bits[wd]!;
      for (let w = 0; w < W; w++) {
        const more = w + 1 < W;
        const An = more ? bits[wa + w + 1]! : 0;
        const Bn = more ? bits[wb + w + 1]! : 0;
        const Cn = more ? bits[wc + w + 1]! : 0;
        const Dn = more ? bits[wd + w + 1]! : 0;
        const A1 = (A >>> 1) | (An << 31);
        const B1 = (B >>> 1) | (Bn << 31);
        const C1 = (C >>> 1) | (Cn << 31);
        const D1 = (D >>> 1) | (Dn << 31);
        let M = (A ^ B) | (A ^ C) | (A ^ D) | (A ^ A1) | (A1 ^ B1) | (A1 ^ C1) | (A1 ^ D1);
        if (!more) M &= lastMask;
        while (M !== 0) {
          const low = M & -M;
          M ^= low;
          const bp = 31 - Math.clz32(low);
          const n0 = ((A >>> bp) & 1) | (((B >>> bp) & 1) << 1) | (((C >>> bp) & 1) << 2) | (((D >>> bp) & 1) << 3);
          const n1 = ((A1 >>> bp) & 1) | (((B1 >>> bp) & 1) << 1) | (((C1 >>> bp) & 1) << 2) | (((D1 >>> bp) & 1) << 3);
          const cs = n0 | (n1 << 4);
          const k = (w << 5) | bp;
          triangles += TRI_COUNT[cs]!;
          const zx = n0 ^ n1;
          za += zx & 1;
          xa += (n0 ^ (n0 >> 1)) & 1;
          ya += (n0 ^ (n0 >> 2)) & 1;
          if (lastI) {
            yc[b] += ((n0 >> 1) ^ (n0 >> 3)) & 1;
            zc[b] += (zx >> 1) & 1;
          }
          if (lastJ) {
            xc[c] += ((n0 >> 2) ^ (n0 >> 3)) & 1;
            zc[c] += (zx >> 2) & 1;
            if (lastI) zc[d] += zx >> 3;
          }
          if (k === lastCell) {
            // the row's last node: its x- and y-edges belong to this cell too
            xa += (n1 ^ (n1 >> 1)) & 1;
            ya += (n1 ^ (n1 >> 2)) & 1;
            if (lastI) yc[b] += ((n1 >> 1) ^ (n1 >> 3)) & 1;
            if (lastJ) xc[c] += ((n1 >> 2) ^ (n1 >> 3)) & 1;
          }
        }
        A = An;
        B = Bn;
        C = Cn;
        D = Dn;
      }
      zc[a] += za;
      xc[a] += xa;
      yc[a] += ya;
    }
  }
  return { zc, xc, yc, triangles };
}

/** What vertex emission needs to know about the grid and output. */
export interface Geometry {
  values: Float32Array | Float64Array;
  nx: number;
  ny: number;
  nz: number;
  level: number;
  pad: number;
  ox: number;
  oy: number;
  oz: number;
  sx: number;
  sy: number;
  sz: number;
  P: Float32Array;
  N: Float32Array | undefined;
  grad: Float64Array;
}

/** Edge parameter t ∈ [0, 1] where the field crosses `level` between v0 (t = 0) and v1 (t = 1). */
export function crossing(v0: number, v1: number, level: number): number {
  const t = (level - v0) / (v1 - v0);
  return t >= 0 && t <= 1 ? t : fixT(v0, v1, t);
}

/**
 * Pass 3: visit only the surface cells (found again from the bit words as in pass 2). Vertex ids come from running counters per edge row (base from the
 * prefix sums + crossed edges before k; empty cells cross nothing, so skipping them keeps the counters
 * exact). Each cell writes the vertices of the edges it owns (at its lower corner; the last cell of a
 * row/column also the far ones), then its triangles. An edge with one end in the padding (closeBoundary)
 * gets its vertex on the other end.
 */
function emitSurface(
  g: Geometry,
  scan: CellScan,
  bits: Int32Array,
  rowState: Uint8Array,
  Fx: number,
  Fy: number,
  Fz: number,
  W: number,
  vBase: Uint32Array,
  out: Uint32Array
): void {
  const { zc, xc } = scan;
  const { values, nx, ny, nz, level, pad, ox, oy, oz, sx, sy, sz, P, N } = g;
  const eid = new Uint32Array(12);
  const lastCell = Fz - 2;
  const kMax = nz - 1 + pad; // last real node in padded k
  const lastBits = Fz - 1 - 32 * (W - 1);
  const lastMask = lastBits >= 32 ? -1 : (1 << lastBits) - 1;
  let w = 0;
  for (let I = 0; I + 1 < Fx; I++) {
    const lastI = I + 2 === Fx;
    const i0 = I - pad;
    const i1 = i0 + 1;
    const x0 = ox + i0 * sx;
    const x1 = ox + i1 * sx;
    for (let J = 0; J + 1 < Fy; J++) {
      const a = I * Fy + J;
      const b = a + Fy;
      const c = a + 1;
      const d = b + 1;
      const sta = rowState[a]!;
      if (sta !== 2 && sta === rowState[b] && sta === rowState[c] && sta === rowState[d]) continue;
      const lastJ = J + 2 === Fy;
      const j0 = J - pad;
      const j1 = j0 + 1;
      const y0 = oy + j0 * sy;
      const y1 = oy + j1 * sy;
      // values index of padded position K in each of the four rows (−pad for row (0, 0)); NO_ROW: padding
      const in0 = i0 >= 0;
      const in1 = i1 < nx;
      const jn0 = j0 >= 0;
      const jn1 = j1 < ny;
      const sa = in0 && jn0 ? (i0 * ny + j0) * nz - pad : NO_ROW;
      const sb = in1 && jn0 ? (i1 * ny + j0) * nz - pad : NO_ROW;
      const sc = in0 && jn1 ? (i0 * ny + j1) * nz - pad : NO_ROW;
      const sd = in1 && jn1 ? (i1 * ny + j1) * nz - pad : NO_ROW;
      let cz00 = vBase[a]!;
      let cz10 = vBase[b]!;
      let cz01 = vBase[c]!;
      let cz11 = vBase[d]!;
      let cx0 = cz00 + zc[a]!;
      let cx1 = cz01 + zc[c]!;
      let cy0 = cx0 + xc[a]!;
      let cy1 = cz10 + zc[b]! + xc[b]!;
      const wa = a * W;
      const wb = b * W;
      const wc = c * W;
      const wd = d * W;
      let A = bits[wa]!;
      let B = bits[wb]!;
      let C = bits[wc]!;
      let D = bits[wd]!;
      for (let wi = 0; wi < W; wi++) {
        const more = wi + 1 < W;
        const An = more ? bits[wa + wi + 1]! : 0;
        const Bn = more ? bits[wb + wi + 1]! : 0;
        const Cn = more ? bits[wc + wi + 1]! : 0;
        const Dn = more ? bits[wd + wi + 1]! : 0;
        const A1 = (A >>> 1) | (An << 31);
        const B1 = (B >>> 1) | (Bn << 31);
        const C1 = (C >>> 1) | (Cn << 31);
        const D1 = (D >>> 1) | (Dn << 31);
        let M = (A ^ B) | (A ^ C) | (A ^ D) | (A ^ A1) | (A1 ^ B1) | (A1 ^ C1) | (A1 ^ D1);
        if (!more) M &= lastMask;
        while (M !== 0) {
          const low = M & -M;
          M ^= low;
          const bp = 31 - Math.clz32(low);
          const n0 = ((A >>> bp) & 1) | (((B >>> bp) & 1) << 1) | (((C >>> bp) & 1) << 2) | (((D >>> bp) & 1) << 3);
          const n1 = ((A1 >>> bp) & 1) | (((B1 >>> bp) & 1) << 1) | (((C1 >>> bp) & 1) << 2) | (((D1 >>> bp) & 1) << 3);
          const cs = n0 | (n1 << 4);
          const k = (wi << 5) | bp;
          const xb0 = (n0 ^ (n0 >> 1)) & 1;
          const xb1 = ((n0 >> 2) ^ (n0 >> 3)) & 1;
          const yb0 = (n0 ^ (n0 >> 2)) & 1;
          const yb1 = ((n0 >> 1) ^ (n0 >> 3)) & 1;
          const zx = n0 ^ n1;
          const z = oz + (k - pad) * sz;
          // ---- vertices of the edges this cell owns
          if (xb0 !== 0) {
            const t = sa === NO_ROW ? 1 : sb === NO_ROW ? 0 : crossing(values[sa + k]!, values[sb + k]!, level);
            const p = cx0 * 3;
            P[p] = x0 + t * sx;
            P[p + 1] = y0;
            P[p + 2] = z;
            if (N) edgeNormal(g, 0, i0, j0, k - pad, t, p);
          }
          if (yb0 !== 0) {
            const t = sa === NO_ROW ? 1 : sc === NO_ROW ? 0 : crossing(values[sa + k]!, values[sc + k]!, level);
            const p = cy0 * 3;
            P[p] = x0;
            P[p + 1] = y0 + t * sy;
            P[p + 2] = z;
            if (N) edgeNormal(g, 1, i0, j0, k - pad, t, p);
          }
          if ((zx & 1) !== 0) zVertex(g, sa, k, kMax, x0, y0, z, i0, j0, cz00);
          if (lastI) {
            if (yb1 !== 0) {
              const t = sb === NO_ROW ? 1 : sd === NO_ROW ? 0 : crossing(values[sb + k]!, values[sd + k]!, level);
              const p = cy1 * 3;
              P[p] = x1;
              P[p + 1] = y0 + t * sy;
              P[p + 2] = z;
              if (N) edgeNormal(g, 1, i1, j0, k - pad, t, p);
            }
            if ((zx & 2) !== 0) zVertex(g, sb, k, kMax, x1, y0, z, i1, j0, cz10);
          }
          if (lastJ) {
            if (xb1 !== 0) {
              const t = sc === NO_ROW ? 1 : sd === NO_ROW ? 0 : crossing(values[sc + k]!, values[sd + k]!, level);
              const p = cx1 * 3;
              P[p] = x0 + t * sx;
              P[p + 1] = y1;
              P[p + 2] = z;
              if (N) edgeNormal(g, 0, i0, j1, k - pad, t, p);
            }
            if ((zx & 4) !== 0) zVertex(g, sc, k, kMax, x0, y1, z, i0, j1, cz01);
            if (lastI && (zx & 8) !== 0) zVertex(g, sd, k, kMax, x1, y1, z, i1, j1, cz11);
          }
          if (k === lastCell)
            lastNodeVertices(
              g,
              n1,
              k + 1,
              sa,
              sb,
              sc,
              sd,
              lastI,
              lastJ,
              x0,
              x1,
              y0,
              y1,
              i0,
              i1,
              j0,
              j1,
              cx0 + xb0,
              cx1 + xb1,
              cy0 + yb0,
              cy1 + yb1
            );
          // ---- triangles
          const qe = TRI_OFFSET[cs + 1]!;
          let e = TRI_OFFSET[cs]!;
          if (e < qe) {
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
            for (; e < qe; e++) out[w++] = eid[TRI_EDGES[e]!]!;
          }
          cx0 += xb0;
          cx1 += xb1;
          cy0 += yb0;
          cy1 += yb1;
          cz00 += zx & 1;
          cz10 += (zx >> 1) & 1;
          cz01 += (zx >> 2) & 1;
          cz11 += zx >> 3;
        }
        A = An;
        B = Bn;
        C = Cn;
        D = Dn;
      }
    }
  }
}

/** Vertex `id` on the z-edge (K, K+1) of a row whose values start at `s` (padded K; s = NO_ROW never crosses). */
function zVertex(
  g: Geometry,
  s: number,
  K: number,
  kMax: number,
  x: number,
  y: number,
  z: number,
  i: number,
  j: number,
  id: number
): void {
  const pad = g.pad;
  const t = K < pad ? 1 : K >= kMax ? 0 : crossing(g.values[s + K]!, g.values[s + K + 1]!, g.level);
  const p = id * 3;
  g.P[p] = x;
  g.P[p + 1] = y;
  g.P[p + 2] = z + t * g.sz;
  if (g.N) edgeNormal(g, 2, i, j, K - pad, t, p);
}

/** x- and y-edge vertices at the last node of a row (owned by the row's last cell). */
function lastNodeVertices(
  g: Geometry,
  n1: number,
  K: number,
  sa: number,
  sb: number,
  sc: number,
  sd: number,
  lastI: boolean,
  lastJ: boolean,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  idx0: number,
  idx1: number,
  idy0: number,
  idy1: number
): void {
  const z = g.oz + (K - g.pad) * g.sz;
  const put = (id: number, x: number, y: number, axis: number, t: number, i: number, j: number): void => {
    const p = id * 3;
    g.P[p] = axis === 0 ? x + t * g.sx : x;
    g.P[p + 1] = axis === 1 ? y + t * g.sy : y;
    g.P[p + 2] = z;
    if (g.N) edgeNormal(g, axis, i, j, K - g.pad, t, p);
  };
  const v = g.values;
  const L = g.level;
  if ((n1 ^ (n1 >> 1)) & 1) put(idx0, x0, y0, 0, sa === NO_ROW ? 1 : sb === NO_ROW ? 0 : crossing(v[sa + K]!, v[sb + K]!, L), i0, j0);
  if ((n1 ^ (n1 >> 2)) & 1) put(idy0, x0, y0, 1, sa === NO_ROW ? 1 : sc === NO_ROW ? 0 : crossing(v[sa + K]!, v[sc + K]!, L), i0, j0);
  if (lastI && ((n1 >> 1) ^ (n1 >> 3)) & 1)
    put(idy1, x1, y0, 1, sb === NO_ROW ? 1 : sd === NO_ROW ? 0 : crossing(v[sb + K]!, v[sd + K]!, L), i1, j0);
  if (lastJ && ((n1 >> 2) ^ (n1 >> 3)) & 1)
    put(idx1, x0, y1, 0, sc === NO_ROW ? 1 : sd === NO_ROW ? 0 : crossing(v[sc + K]!, v[sd + K]!, L), i0, j1);
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
  o: number
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
 * Normal of the vertex at parameter t on the edge from node (i, j, k) (unpadded; may be −1 or n when the
 * edge touches the padding) along `axis`: −∇ interpolated and normalised; a cap vertex (one end outside
 * the grid) gets the cap's outward axis direction; a degenerate gradient falls back to the edge direction
 * from the inside end to the outside end.
 */
export function edgeNormal(g: Geometry, axis: number, i: number, j: number, k: number, t: number, p: number): void {
  const { values, nx, ny, nz, sx, sy, sz, grad, N } = g;
  const Nn = N!;
  const c0 = axis === 0 ? i : axis === 1 ? j : k;
  const n = axis === 0 ? nx : axis === 1 ? ny : nz;
  Nn[p] = 0;
  Nn[p + 1] = 0;
  Nn[p + 2] = 0;
  if (c0 < 0) {
    Nn[p + axis] = -1;
    return;
  }
  if (c0 + 1 >= n) {
    Nn[p + axis] = 1;
    return;
  }
  nodeGradient(values, nx, ny, nz, i, j, k, sx, sy, sz, grad, 0);
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
    grad,
    3
  );
  const gx = 0 - ((1 - t) * grad[0]! + t * grad[3]!); // 0 − x, not −x: no −0 components
  const gy = 0 - ((1 - t) * grad[1]! + t * grad[4]!);
  const gz = 0 - ((1 - t) * grad[2]! + t * grad[5]!);
  const len = Math.sqrt(gx * gx + gy * gy + gz * gz);
  if (len > 0 && Number.isFinite(len)) {
    Nn[p] = gx / len;
    Nn[p + 1] = gy / len;
    Nn[p + 2] = gz / len;
    return;
  }
  const idx = (i * ny + j) * nz + k;
  const stride = axis === 0 ? ny * nz : axis === 1 ? nz : 1;
  Nn[p + axis] = values[idx]! >= values[idx + stride]! ? 1 : -1;
}
