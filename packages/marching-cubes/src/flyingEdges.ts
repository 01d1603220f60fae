/**
 * The main path of {@link marchingCubes} (no `closeBoundary` padding): passes 2 and 3 split by what they touch,
 * in the spirit of Flying Edges (Schroeder et al. 2015). Counting reads only the class bits and lists the case
 * of every surface cell (one byte each, in a buffer kept between calls); triangles read that list; the
 * vertices read the values along edge rows, one row (or one pair of rows) at a time, front to back, so memory
 * is streamed. Each loop is small and has no rarely-taken branches, which keeps the JIT's work (and its
 * recompilations on first use) small: this code runs once per mesh in most programs.
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
 * Pass 1 without padding: bit k of word `r·W + (k >> 5)` is node (i, j, k) ≥ level (r = i·ny + j), and
 * `rowState[r]` is 0 (row all outside), 1 (all inside) or 2 (mixed). Whole words take eight nodes a step.
 * NaN is found by a running sum per row (NaN stays NaN; ±∞ or an overflow can also give NaN, so a NaN sum
 * only triggers an exact rescan of that row), one add per node instead of a compare; with `nanError` the
 * first NaN in C order is reported.
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
): void {
  const full = nz >>> 5; // whole words per row
  const R = nx * ny;
  for (let r = 0; r < R; r++) {
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
}

/** Mask of the cells (and z-edges) k ≤ nz − 2 in a row's last word. */
function lastCellMask(nz: number, W: number): number {
  const lastBits = nz - 1 - 32 * (W - 1);
  return lastBits >= 32 ? -1 : (1 << lastBits) - 1;
}

/**
 * Pass 2 without padding: crossed edges per edge row by popcounts of class-word XORs (z: a row with itself
 * shifted by one node; x: rows (i, j) and (i+1, j); y: rows (i, j) and (i, j+1)), and triangles per surface
 * cell (cells found 32 at a time as in `scanCells`), whose cases it lists for pass 3b; `cellsPerRow[i·ny + j]`
 * gets the surface cells of cell row (i, j). Needs nx, ny, nz ≥ 2.
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
  const zc = counts.subarray(0, R); // zeroed by scratch()
  const xc = counts.subarray(R, 2 * R);
  const yc = counts.subarray(2 * R, 3 * R);
  const lastMask = lastCellMask(nz, W);
  for (let r = 0; r < R; r++) {
    const st = rowState[r]!;
    const wa = r * W;
    if (st === 2) {
      let n = 0;
      for (let w = 0; w < W; w++) {
        const A = bits[wa + w]!;
        const more = w + 1 < W;
        const A1 = (A >>> 1) | ((more ? bits[wa + w + 1]! : 0) << 31);
        n += popcount(more ? A ^ A1 : (A ^ A1) & lastMask);
      }
      zc[r] = n;
    }
    if (r + ny < R && (st === 2 || st !== rowState[r + ny])) {
      const wb = wa + ny * W;
      let n = 0;
      for (let w = 0; w < W; w++) n += popcount(bits[wa + w]! ^ bits[wb + w]!);
      xc[r] = n;
    }
    if ((r + 1) % ny !== 0 && (st === 2 || st !== rowState[r + 1])) {
      const wc = wa + W;
      let n = 0;
      for (let w = 0; w < W; w++) n += popcount(bits[wa + w]! ^ bits[wc + w]!);
      yc[r] = n;
    }
  }
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
 * Pass 3a without padding: the vertex of every crossed edge, row by row, ids `vBase[r]` onwards (z-, x-, then
 * y-edges, each in k order), placed by linear interpolation; with `g.N`, the normals too.
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
const CASES_KEEP_BYTES = 64 * 1024 * 1024;
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
