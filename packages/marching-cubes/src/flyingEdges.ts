/**
 * The main path of {@link marchingCubes} (no `closeBoundary` padding), in the spirit of Flying Edges
 * (Schroeder et al. 2015). Pass 1 classifies the nodes into bit words and, one slab behind, places the vertex
 * of every crossed edge while its values are still in cache (in vertex-id order, into a buffer kept between
 * calls); pass 2 reads only the class bits and lists the case of every surface cell (one byte each, also
 * kept); pass 3 writes the triangles from that list. Each loop is small and has no rarely-taken branches,
 * which keeps the JIT's work (and its recompilations on first use) small: this code runs once per mesh in
 * most programs.
 *
 * Vertex numbering is the one of `emitSurface` in `marchingCubes.ts` (per row r = i·ny + j: its crossed z-edges,
 * then x-edges (i → i+1), then y-edges (j → j+1), each in k order), so both paths give identical meshes.
 * @internal
 */
import { throwNaNAt } from './errors.js';
import { crossing, edgeNormal, type CellScan, type Geometry } from './marchingCubes.js';
import { TRI_COUNT, TRI_EDGES16 } from './tables.js';

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) | 0;
}

/**
 * Pass 1 without padding: classification, edge counts and vertex positions in one sweep. Bit k of word
 * `r·W + (k >> 5)` is node (i, j, k) ≥ level (r = i·ny + j), `rowState[r]` is 0 (row all outside), 1 (all
 * inside) or 2 (mixed). Classification runs one slab ahead of the vertices: right after row r + ny is
 * classified, row r's vertex block (its crossed z-edges, x-edges to row r + ny, y-edges to row r + 1, each in
 * k order) is placed, reading values that are still in cache (row r + ny: just read; rows r, r + 1: one slab
 * back). The blocks go in vertex-id order to chunks (kept between calls; a new chunk, twice the size of the
 * last, when one is full: no copies, and only pages that are written get touched); `counts` (zeroed) gets
 * the crossed z-, x-, y-edges per row (3 × R).
 * @returns the positions in chunks: {@link gatherPositions} makes them one array.
 * @throws {@link MarchingCubesNaNError} with `nanError`, for the first NaN in C order.
 */
export function classifyUnpadded(
  values: Float32Array | Float64Array,
  nx: number,
  ny: number,
  nz: number,
  level: number,
  nanError: boolean,
  W: number,
  bits: Int32Array,
  rowState: Uint8Array,
  counts: Uint32Array,
  origin: readonly number[],
  spacing: readonly number[],
): PlacedVertices {
  const R = nx * ny;
  const zc = counts.subarray(0, R);
  const xc = counts.subarray(R, 2 * R);
  const yc = counts.subarray(2 * R, 3 * R);
  const ox = origin[0]!;
  const oy = origin[1]!;
  const oz = origin[2]!;
  const sx = spacing[0]!;
  const sy = spacing[1]!;
  const sz = spacing[2]!;
  const lastMask = lastCellMask(nz, W);
  for (let r = 0; r < ny; r++) classifyRow(values, r, ny, nz, level, nanError, W, bits, rowState);
  const chunks = keptChunks;
  const used: number[] = [];
  let P = chunks[0]!;
  let p = 0;
  let out: PlacedVertices;
  try {
    for (let i = 0, r = 0; i < nx; i++) {
      const x = ox + i * sx;
      const up = i + 1 < nx;
      for (let j = 0; j < ny; j++, r++) {
        if (up) classifyRow(values, r + ny, ny, nz, level, nanError, W, bits, rowState);
        const st = rowState[r]!;
        if (P.length < p + 9 * nz) {
          // ≤ 3 vertices per node: a row block always fits in one chunk
          used.push(p);
          const next = chunks[used.length];
          P = next && next.length >= 9 * nz ? next : (chunks[used.length] = new Float32Array(Math.max(9 * nz, 2 * P.length)));
          p = 0;
        }
        const y = oy + j * sy;
        let q = p;
        if (st === 2) {
          q = zVertices(values, level, bits, r * W, W, lastMask, r * nz, x, y, oz, sz, P, q);
          zc[r] = (q - p) / 3;
          p = q;
        }
        if (up && (st === 2 || st !== rowState[r + ny])) {
          q = pairVertices(values, level, bits, r * W, (r + ny) * W, W, r * nz, (r + ny) * nz, 0, x, sx, y, oz, sz, P, q);
          xc[r] = (q - p) / 3;
          p = q;
        }
        if (j + 1 < ny && (st === 2 || st !== rowState[r + 1])) {
          q = pairVertices(values, level, bits, r * W, (r + 1) * W, W, r * nz, (r + 1) * nz, 1, y, sy, x, oz, sz, P, q);
          yc[r] = (q - p) / 3;
          p = q;
        }
      }
    }
    used.push(p);
    out = { chunks: chunks.slice(0, used.length), used };
  } finally {
    // also when a NaN throws mid-grid: keep at most POSITIONS_KEEP_FLOATS of chunks between calls
    let kept = 0;
    for (let c = 0; c < chunks.length; c++) {
      kept += chunks[c]!.length;
      if (kept > POSITIONS_KEEP_FLOATS) {
        chunks.length = Math.max(c, 1); // the first chunk stays
        break;
      }
    }
  }
  return out;
}

/** Pass 1's vertex positions: `chunks[c]` holds `used[c]` floats, (x, y, z) per vertex, in vertex-id order. */
export interface PlacedVertices {
  chunks: Float32Array[];
  used: number[];
}

/** The first `n` floats of the placed positions as one new array. */
export function gatherPositions(placed: PlacedVertices, n: number): Float32Array {
  const positions = new Float32Array(n);
  for (let c = 0, off = 0; off < n; off += placed.used[c++]!) {
    positions.set(placed.chunks[c]!.subarray(0, Math.min(placed.used[c]!, n - off)), off);
  }
  return positions;
}

/**
 * Classify row r (nodes (i, j, 0 .. nz − 1)) into its class words and `rowState[r]`. Whole words take eight
 * nodes a step. NaN is found by a running sum (NaN stays NaN; ±∞ or an overflow can also give NaN, so a NaN
 * sum only triggers an exact rescan of the row), one add per node instead of a compare.
 */
function classifyRow(
  values: Float32Array | Float64Array,
  r: number,
  ny: number,
  nz: number,
  level: number,
  nanError: boolean,
  W: number,
  bits: Int32Array,
  rowState: Uint8Array,
): void {
  const full = nz >>> 5; // whole words per row
  const src = r * nz;
  let w = r * W;
  let any = 0;
  let ones = 0;
  let sum = 0;
  for (let q = 0; q < full; q++) {
    let acc = 0;
    for (let b = 0, o = src + (q << 5); b < 32; b += 8, o += 8) {
      const v0 = values[o]!;
      const v1 = values[o + 1]!;
      const v2 = values[o + 2]!;
      const v3 = values[o + 3]!;
      const v4 = values[o + 4]!;
      const v5 = values[o + 5]!;
      const v6 = values[o + 6]!;
      const v7 = values[o + 7]!;
      sum += v0 + v1 + (v2 + v3) + (v4 + v5 + (v6 + v7));
      // +(a >= b) compiles to a flag read (setcc); `a >= b ? 1 : 0` to a branch, mispredicted at crossings
      acc |=
        (+(v0 >= level) |
          (+(v1 >= level) << 1) |
          (+(v2 >= level) << 2) |
          (+(v3 >= level) << 3) |
          (+(v4 >= level) << 4) |
          (+(v5 >= level) << 5) |
          (+(v6 >= level) << 6) |
          (+(v7 >= level) << 7)) <<
        b;
    }
    bits[w++] = acc;
    any |= acc;
    ones += popcount(acc);
  }
  if (full << 5 < nz) {
    let acc = 0;
    for (let k = full << 5; k < nz; k++) {
      const v = values[src + k]!;
      sum += v;
      acc |= +(v >= level) << (k & 31);
    }
    bits[w] = acc;
    any |= acc;
    ones += popcount(acc);
  }
  if (sum !== sum && nanError) {
    for (let k = 0; k < nz; k++) {
      const v = values[src + k]!;
      if (v !== v) throwNaNAt(src + k, ny, nz);
    }
  }
  rowState[r] = any === 0 ? 0 : ones === nz ? 1 : 2;
}

/** Largest position chunks (floats, all together) kept between calls. */
const POSITIONS_KEEP_FLOATS = 8 * 1024 * 1024;
const keptChunks: Float32Array[] = [new Float32Array(1 << 16)];

/**
 * The vertex (x, y, z) of each crossed z-edge of the row at words `wa`, values `src` (the level crossing by
 * linear interpolation), into `P` from float `p`; returns the float index after them.
 */
function zVertices(
  values: Float32Array | Float64Array,
  level: number,
  bits: Int32Array,
  wa: number,
  W: number,
  lastMask: number,
  src: number,
  x: number,
  y: number,
  oz: number,
  sz: number,
  P: Float32Array,
  p: number,
): number {
  for (let w = 0; w < W; w++) {
    const A = bits[wa + w]!;
    const more = w + 1 < W;
    const A1 = (A >>> 1) | ((more ? bits[wa + w + 1]! : 0) << 31);
    let X = more ? A ^ A1 : (A ^ A1) & lastMask;
    while (X !== 0) {
      const k = (w << 5) | (31 - Math.clz32(X & -X));
      X &= X - 1;
      const v0 = values[src + k]!;
      const v1 = values[src + k + 1]!;
      let t = (level - v0) / (v1 - v0); // inline: a call through a module binding costs when not bundled
      if (!(t >= 0 && t <= 1)) t = crossing(v0, v1, level);
      P[p] = x;
      P[p + 1] = y;
      P[p + 2] = oz + k * sz + t * sz;
      p += 3;
    }
  }
  return p;
}

/**
 * The vertex of each crossed edge between the rows at words `wa` (t = 0, values `sa`) and `wb` (t = 1, values
 * `sb`): along x (axis 0: x = c0 + t·s, y = other) or y (axis 1: y = c0 + t·s, x = other), z from k; into `P`
 * from float `p`; returns the float index after them.
 */
function pairVertices(
  values: Float32Array | Float64Array,
  level: number,
  bits: Int32Array,
  wa: number,
  wb: number,
  W: number,
  sa: number,
  sb: number,
  axis: 0 | 1,
  c0: number,
  s: number,
  other: number,
  oz: number,
  sz: number,
  P: Float32Array,
  p: number,
): number {
  for (let w = 0; w < W; w++) {
    let X = bits[wa + w]! ^ bits[wb + w]!;
    while (X !== 0) {
      const k = (w << 5) | (31 - Math.clz32(X & -X));
      X &= X - 1;
      const v0 = values[sa + k]!;
      const v1 = values[sb + k]!;
      let t = (level - v0) / (v1 - v0);
      if (!(t >= 0 && t <= 1)) t = crossing(v0, v1, level);
      const c = c0 + t * s;
      P[p] = axis === 0 ? c : other;
      P[p + 1] = axis === 0 ? other : c;
      P[p + 2] = oz + k * sz;
      p += 3;
    }
  }
  return p;
}

/** Mask of the cells (and z-edges) k ≤ nz − 2 in a row's last word. */
function lastCellMask(nz: number, W: number): number {
  const lastBits = nz - 1 - 32 * (W - 1);
  return lastBits >= 32 ? -1 : (1 << lastBits) - 1;
}

/**
 * Pass 2 without padding: the triangles per surface cell (cells found 32 at a time as in `scanCells`), whose
 * cases it lists for pass 3b; `cellsPerRow[i·ny + j]` gets the surface cells of cell row (i, j). `counts`
 * holds pass 1's crossed edges per row (z, x, y: 3 × R). Needs nx, ny, nz ≥ 2.
 */
export function countUnpadded(
  bits: Int32Array,
  rowState: Uint8Array,
  nx: number,
  ny: number,
  nz: number,
  W: number,
  counts: Uint32Array,
  cellsPerRow: Uint32Array,
): UnpaddedScan {
  const R = nx * ny;
  const zc = counts.subarray(0, R);
  const xc = counts.subarray(R, 2 * R);
  const yc = counts.subarray(2 * R, 3 * R);
  const lastMask = lastCellMask(nz, W);
  // a surface cell crosses ≥ 3 edges and an edge touches ≤ 4 cells: ≤ 4/3 of the crossed edges are surface cells
  let crossed = 0;
  for (let r = 0; r < 3 * R; r++) crossed += counts[r]!;
  const cases = caseBuffer(Math.min(Math.ceil((4 * crossed) / 3), (nx - 1) * (ny - 1) * (nz - 1)));
  const count = TRI_COUNT; // a local: module bindings cost a load and a hole check per use when not bundled
  let triangles = 0;
  let c = 0; // surface cells so far
  for (let I = 0; I + 1 < nx; I++) {
    for (let J = 0; J + 1 < ny; J++) {
      const a = I * ny + J;
      const b = a + ny;
      const sa = rowState[a]!;
      const c0 = c;
      if (sa !== 2 && sa === rowState[b] && sa === rowState[a + 1] && sa === rowState[b + 1]) {
        cellsPerRow[a] = 0;
        continue;
      }
      const wa = a * W;
      const wb = b * W;
      let A = bits[wa]!;
      let B = bits[wb]!;
      let C = bits[wa + W]!;
      let D = bits[wb + W]!;
      for (let w = 0; w < W; w++) {
        const more = w + 1 < W;
        const An = more ? bits[wa + w + 1]! : 0;
        const Bn = more ? bits[wb + w + 1]! : 0;
        const Cn = more ? bits[wa + W + w + 1]! : 0;
        const Dn = more ? bits[wb + W + w + 1]! : 0;
        const A1 = (A >>> 1) | (An << 31);
        const B1 = (B >>> 1) | (Bn << 31);
        const C1 = (C >>> 1) | (Cn << 31);
        const D1 = (D >>> 1) | (Dn << 31);
        let M = (A ^ B) | (A ^ C) | (A ^ D) | (A ^ A1) | (A1 ^ B1) | (A1 ^ C1) | (A1 ^ D1);
        if (!more) M &= lastMask;
        while (M !== 0) {
          const bp = 31 - Math.clz32(M & -M);
          M &= M - 1;
          const cs =
            ((A >>> bp) & 1) |
            (((B >>> bp) & 1) << 1) |
            (((C >>> bp) & 1) << 2) |
            (((D >>> bp) & 1) << 3) |
            (((A1 >>> bp) & 1) << 4) |
            (((B1 >>> bp) & 1) << 5) |
            (((C1 >>> bp) & 1) << 6) |
            (((D1 >>> bp) & 1) << 7);
          cases[c++] = cs;
          triangles += count[cs]!;
        }
        A = An;
        B = Bn;
        C = Cn;
        D = Dn;
      }
      cellsPerRow[a] = c - c0;
    }
  }
  return { zc, xc, yc, triangles, cases, cellsPerRow };
}

/**
 * Pass 3a without padding, with normals: the vertex of every crossed edge, row by row, ids `vBase[r]` onwards
 * (z-, x-, then y-edges, each in k order), placed by linear interpolation as pass 1 does (same positions),
 * and its normal. Without normals, pass 1's positions are the result.
 */
export function emitVerticesUnpadded(g: Geometry, scan: CellScan, bits: Int32Array, W: number, vBase: Uint32Array): void {
  const { zc, xc, yc } = scan;
  const { values, nx, ny, nz, level, ox, oy, oz, sx, sy, sz, P, N } = g;
  const lastMask = lastCellMask(nz, W);
  for (let i = 0; i < nx; i++) {
    const x = ox + i * sx;
    for (let j = 0; j < ny; j++) {
      const r = i * ny + j;
      const nzc = zc[r]!;
      const nxc = xc[r]!;
      const nyc = yc[r]!;
      if (nzc + nxc + nyc === 0) continue;
      const y = oy + j * sy;
      const s = r * nz; // values index of node (i, j, 0)
      const wa = r * W;
      let p = vBase[r]! * 3;
      if (nzc !== 0) {
        for (let w = 0; w < W; w++) {
          const A = bits[wa + w]!;
          const more = w + 1 < W;
          const A1 = (A >>> 1) | ((more ? bits[wa + w + 1]! : 0) << 31);
          let X = more ? A ^ A1 : (A ^ A1) & lastMask;
          while (X !== 0) {
            const k = (w << 5) | (31 - Math.clz32(X & -X));
            X &= X - 1;
            const v0 = values[s + k]!;
            const v1 = values[s + k + 1]!;
            let t = (level - v0) / (v1 - v0); // inline: a call through a module binding costs when not bundled
            if (!(t >= 0 && t <= 1)) t = crossing(v0, v1, level);
            P[p] = x;
            P[p + 1] = y;
            P[p + 2] = oz + k * sz + t * sz;
            if (N) edgeNormal(g, 2, i, j, k, t, p);
            p += 3;
          }
        }
      }
      if (nxc !== 0) p = edgeRow(g, bits, wa, wa + ny * W, W, s, s + ny * nz, x, y, 0, i, j, p);
      if (nyc !== 0) edgeRow(g, bits, wa, wa + W, W, s, s + nz, x, y, 1, i, j, p);
    }
  }
}

/**
 * Vertices of the crossed edges between two rows (x-edges: axis 0, or y-edges: axis 1) at float offset `p`;
 * returns the offset after them.
 */
function edgeRow(
  g: Geometry,
  bits: Int32Array,
  wa: number,
  wb: number,
  W: number,
  sa: number,
  sb: number,
  x: number,
  y: number,
  axis: 0 | 1,
  i: number,
  j: number,
  p: number,
): number {
  const { values, level, oz, sx, sy, sz, P, N } = g;
  for (let w = 0; w < W; w++) {
    let X = bits[wa + w]! ^ bits[wb + w]!;
    while (X !== 0) {
      const k = (w << 5) | (31 - Math.clz32(X & -X));
      X &= X - 1;
      const v0 = values[sa + k]!;
      const v1 = values[sb + k]!;
      let t = (level - v0) / (v1 - v0);
      if (!(t >= 0 && t <= 1)) t = crossing(v0, v1, level);
      P[p] = axis === 0 ? x + t * sx : x;
      P[p + 1] = axis === 0 ? y : y + t * sy;
      P[p + 2] = oz + k * sz;
      if (N) edgeNormal(g, axis, i, j, k, t, p);
      p += 3;
    }
  }
  return p;
}

/**
 * Pass 3b without padding: the triangles of every surface cell, from the cases pass 2 listed (no bit words
 * read again). Each cell's twelve edge ids come from running counters per edge row (base from the prefix
 * sums + crossed edges before k; empty cells cross nothing, so skipping them keeps the counters exact).
 * Each cell copies a fixed 6 (then 12, 15) indices, unused ones overwritten by the next cell, instead of a
 * loop whose length changes from cell to cell (a mispredicted branch each).
 */
export function emitTrianglesUnpadded(scan: UnpaddedScan, nx: number, ny: number, vBase: Uint32Array, out: Uint32Array): void {
  const { zc, xc, cases, cellsPerRow } = scan;
  const edges = TRI_EDGES16; // a local: module bindings cost a load and a hole check per use when not bundled
  // the vertex ids of the cell's twelve edges; 0, 1, 4, 5, 8-11 double as the running counters
  const eid = new Uint32Array(12);
  let o = 0;
  let c = 0;
  for (let I = 0; I + 1 < nx; I++) {
    for (let J = 0; J + 1 < ny; J++) {
      const a = I * ny + J;
      const cEnd = c + cellsPerRow[a]!;
      if (c === cEnd) continue;
      const b = a + ny;
      const d = b + 1;
      eid[8] = vBase[a]!;
      eid[9] = vBase[b]!;
      eid[10] = vBase[a + 1]!;
      eid[11] = vBase[d]!;
      eid[0] = vBase[a]! + zc[a]!;
      eid[1] = vBase[a + 1]! + zc[a + 1]!;
      eid[4] = eid[0]! + xc[a]!;
      eid[5] = vBase[b]! + zc[b]! + xc[b]!;
      o = rowTriangles(cases, c, cEnd, edges, eid, out, o);
      c = cEnd;
    }
  }
}

/**
 * The triangles of one cell row's surface cells `cases[c .. cEnd)` at `out[o ..]`; returns the offset after
 * them. A function of its own: fewer live values than the caller's loop, so no spills in the hot loop.
 */
function rowTriangles(cases: Uint8Array, c: number, cEnd: number, edges: Uint8Array, eid: Uint32Array, out: Uint32Array, o: number): number {
  const end = out.length;
  for (; c < cEnd; c++) {
    const cs = cases[c]!;
    const n0 = cs & 15;
    const zx = n0 ^ (cs >> 4);
    eid[2] = eid[0]! + ((n0 ^ (n0 >> 1)) & 1);
    eid[3] = eid[1]! + (((n0 >> 2) ^ (n0 >> 3)) & 1);
    eid[6] = eid[4]! + ((n0 ^ (n0 >> 2)) & 1);
    eid[7] = eid[5]! + (((n0 >> 1) ^ (n0 >> 3)) & 1);
    const q = cs << 4;
    const m = edges[q + 15]!;
    if (o + 15 <= end) {
      out[o] = eid[edges[q]!]!;
      out[o + 1] = eid[edges[q + 1]!]!;
      out[o + 2] = eid[edges[q + 2]!]!;
      out[o + 3] = eid[edges[q + 3]!]!;
      out[o + 4] = eid[edges[q + 4]!]!;
      out[o + 5] = eid[edges[q + 5]!]!;
      if (m > 6) {
        out[o + 6] = eid[edges[q + 6]!]!;
        out[o + 7] = eid[edges[q + 7]!]!;
        out[o + 8] = eid[edges[q + 8]!]!;
        out[o + 9] = eid[edges[q + 9]!]!;
        out[o + 10] = eid[edges[q + 10]!]!;
        out[o + 11] = eid[edges[q + 11]!]!;
        if (m > 12) {
          out[o + 12] = eid[edges[q + 12]!]!;
          out[o + 13] = eid[edges[q + 13]!]!;
          out[o + 14] = eid[edges[q + 14]!]!;
        }
      }
    } else for (let e = 0; e < m; e++) out[o + e] = eid[edges[q + e]!]!;
    o += m;
    // counters past this cell: an edge row's next id moves on where this cell's edge crossed
    eid[0] = eid[2]!;
    eid[1] = eid[3]!;
    eid[4] = eid[6]!;
    eid[5] = eid[7]!;
    eid[8]! += zx & 1;
    eid[9]! += (zx >> 1) & 1;
    eid[10]! += (zx >> 2) & 1;
    eid[11]! += zx >> 3;
  }
  return o;
}

/** Pass 2's result on the main path: the edge counts, and the case of every surface cell in visiting order. */
export interface UnpaddedScan extends CellScan {
  /** Case (corner bits, `TRI_COUNT` order) of each surface cell, in (i, j, k) order; longer than needed. */
  cases: Uint8Array;
  /** Surface cells of cell row (i, j) at index i·ny + j. */
  cellsPerRow: Uint32Array;
}

/** Largest case list (bytes) kept between calls. */
const CASES_KEEP_BYTES = 16 * 1024 * 1024;
let keptCases = new Uint8Array(0);

/**
 * A case list of at least `n` bytes: the last call's when big enough (its pages are already mapped; a fresh
 * page costs a fault on first touch), else a new one. Contents are not cleared: pass 2 writes before 3b reads.
 */
function caseBuffer(n: number): Uint8Array {
  if (keptCases.length >= n) return keptCases;
  const fresh = new Uint8Array(n);
  if (n <= CASES_KEEP_BYTES) keptCases = fresh;
  return fresh;
}
