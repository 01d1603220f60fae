/**
 * Marching-cubes case tables, generated at module load from one rule instead of typed in by hand.
 *
 * Conventions (used by the extractor and by the tests):
 * - Corner `c` of a cell is (dx, dy, dz) = (c & 1, (c >> 1) & 1, (c >> 2) & 1); `dx` runs along x (grid
 *   index i), `dz` along z (index k, the fastest-varying one in C order). The case index has bit `c` set
 *   when corner `c` is inside (value ≥ level).
 * - Edge `e` has axis `e >> 2` (0 = x, 1 = y, 2 = z); its two low bits give the cell offsets on the other
 *   two axes in increasing axis order (x-edge: dy + 2·dz, y-edge: dx + 2·dz, z-edge: dx + 2·dy).
 *
 * The rule (the one deterministic choice that makes neighbouring cells agree):
 * 1. On each cell face the surface is a set of segments joining the crossed face edges. On a face with
 *    four crossings (inside corners diagonally opposite) the OUTSIDE corners are SEPARATED (each outside
 *    corner is cut off by its own segment, so the two inside corners stay connected across the face).
 *    The decision depends only on the four corner classes of that face, which both cells sharing the face
 *    see identically, so the two cells' segments coincide. It is the choice Paul Bourke's classic table
 *    makes for its "set" (below-level) corners in all 88 ambiguous cases, i.e. the choice of the
 *    reference's libmcubes, so triangle counts match it.
 * 2. Segments are oriented so that, seen from outside the cell, inside corners lie on their right; every
 *    crossed edge then starts exactly one segment and ends exactly one, so the segments close into loops.
 * 3. Each loop is triangulated (minimum total diagonal length) without any diagonal joining two crossed
 *    edges of one face. Such a diagonal is the only kind of triangle edge a neighbouring cell could also
 *    create; forbidding it makes every mesh edge belong to exactly two triangles.
 * Triangles keep the loop's orientation: counter-clockwise seen from outside (from low values).
 *
 * Source: Lorensen & Cline 1987 (marching cubes); the face rule is the "separate the inside corners" choice
 * of the consistent-table family discussed by Nielsen & Hamann 1991 and Lewiner et al. 2003, taken on classes
 * only so that values exactly equal to the level follow the same rule.
 */

/** Corner `c` at (dx, dy, dz). */
export function cornerOffset(c: number): [number, number, number] {
  return [c & 1, (c >> 1) & 1, (c >> 2) & 1];
}

/** The two corners of edge `e`, lower one first. */
export function edgeCorners(e: number): [number, number] {
  const axis = e >> 2;
  const o = e & 3;
  const others = [0, 1, 2].filter((a) => a !== axis);
  const base = ((o & 1) << others[0]!) | (((o >> 1) & 1) << others[1]!);
  return [base, base | (1 << axis)];
}

function edgeOf(c0: number, c1: number): number {
  const lo = Math.min(c0, c1);
  const diff = c0 ^ c1;
  const axis = diff === 1 ? 0 : diff === 2 ? 1 : 2;
  const others = [0, 1, 2].filter((a) => a !== axis);
  return axis * 4 + ((lo >> others[0]!) & 1) + 2 * ((lo >> others[1]!) & 1);
}

/** Faces as rings of four corners, counter-clockwise seen from outside the cell. */
export function faceRings(): number[][] {
  const rings: number[][] = [];
  for (let axis = 0; axis < 3; axis++) {
    const u = (axis + 1) % 3;
    const v = (axis + 2) % 3;
    for (let side = 0; side < 2; side++) {
      const uv = [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ];
      const ring = uv.map(([a, b]) => (side << axis) | (a! << u) | (b! << v));
      // (e_u, e_v) is counter-clockwise seen from +axis; the side-0 face looks towards -axis.
      rings.push(side === 1 ? ring : ring.reverse());
    }
  }
  return rings;
}

/** Index of the faces (axis·2 + side) that contain edge `e`. */
function edgeFaces(e: number): number[] {
  const axis = e >> 2;
  const [c0] = edgeCorners(e);
  const out: number[] = [];
  for (let a = 0; a < 3; a++) if (a !== axis) out.push(a * 2 + ((c0 >> a) & 1));
  return out;
}

function edgeMidpoint(e: number): [number, number, number] {
  const [c0, c1] = edgeCorners(e);
  const p = cornerOffset(c0);
  const q = cornerOffset(c1);
  return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2];
}

/**
 * Surface loops of case `cfg`: arrays of edge indices in traversal order.
 * @param separateInside - the ambiguous-face rule (false, the default used by the tables: outside corners
 *   separated, inside corners joined; true: the opposite).
 */
export function caseLoops(cfg: number, separateInside = false): number[][] {
  const inside = (c: number) => (cfg >> c) & 1;
  const next = new Array<number>(12).fill(-1);
  for (const ring of faceRings()) {
    const crossings: { edge: number; entering: boolean }[] = [];
    for (let m = 0; m < 4; m++) {
      const a = ring[m]!;
      const b = ring[(m + 1) % 4]!;
      if (inside(a) !== inside(b)) crossings.push({ edge: edgeOf(a, b), entering: inside(b) === 1 });
    }
    const n = crossings.length;
    for (let m = 0; m < n; m++) {
      const c = crossings[m]!;
      if (!c.entering) continue;
      // With two crossings both choices coincide; with four they differ (the ambiguous face).
      const partner = crossings[separateInside ? (m + 1) % n : (m + n - 1) % n]!;
      next[c.edge] = partner.edge;
    }
  }
  const loops: number[][] = [];
  const seen = new Array<boolean>(12).fill(false);
  for (let e = 0; e < 12; e++) {
    if (next[e]! < 0 || seen[e]) continue;
    const loop: number[] = [];
    for (let f = e; !seen[f]; f = next[f]!) {
      seen[f] = true;
      loop.push(f);
    }
    loops.push(loop);
  }
  return loops;
}

/** True when edges `a` and `b` lie on a common cell face. */
export function shareFace(a: number, b: number): boolean {
  const fa = edgeFaces(a);
  return edgeFaces(b).some((f) => fa.includes(f));
}

/**
 * Triangulate a loop (edge indices in order) with minimum total diagonal length, never using a diagonal
 * between two edges of one face. Returns triangles as edge-index triples in the loop's orientation.
 */
export function triangulateLoop(loop: readonly number[]): number[] {
  const n = loop.length;
  const pts = loop.map(edgeMidpoint);
  const diag = (i: number, j: number): number => {
    if (j === i + 1 || (i === 0 && j === n - 1)) return 0; // a side, not a diagonal
    if (shareFace(loop[i]!, loop[j]!)) return Infinity;
    const p = pts[i]!;
    const q = pts[j]!;
    return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
  };
  // cost[i][j]: best triangulation of the sub-polygon i..j (closed by the chord i-j).
  const cost: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const split: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(-1));
  for (let len = 2; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      let best = Infinity;
      let bestK = -1;
      for (let k = i + 1; k < j; k++) {
        const c = cost[i]![k]! + cost[k]![j]! + diag(i, k) + diag(k, j);
        if (c < best - 1e-12) {
          best = c;
          bestK = k;
        }
      }
      cost[i]![j] = best;
      split[i]![j] = bestK;
    }
  }
  if (!Number.isFinite(cost[0]![n - 1]!)) {
    throw new Error(`marching-cubes table: loop ${loop.join(',')} has no valid triangulation`);
  }
  const tris: number[] = [];
  const emit = (i: number, j: number): void => {
    if (j - i < 2) return;
    const k = split[i]![j]!;
    emit(i, k);
    tris.push(loop[i]!, loop[k]!, loop[j]!);
    emit(k, j);
  };
  emit(0, n - 1);
  return tris;
}

function buildTables(): { offsets: Uint16Array; edges: Uint8Array; counts: Uint8Array } {
  const offsets = new Uint16Array(257);
  const counts = new Uint8Array(256);
  const all: number[] = [];
  for (let cfg = 0; cfg < 256; cfg++) {
    offsets[cfg] = all.length;
    for (const loop of caseLoops(cfg)) all.push(...triangulateLoop(loop));
    counts[cfg] = (all.length - offsets[cfg]!) / 3;
  }
  offsets[256] = all.length;
  return { offsets, edges: Uint8Array.from(all), counts };
}

const TABLES = buildTables();

/** Triangles of case c are `TRI_EDGES[TRI_OFFSET[c] .. TRI_OFFSET[c + 1])`, three edge indices each. */
export const TRI_OFFSET: Uint16Array = TABLES.offsets;
/** Concatenated triangle edge indices of all 256 cases. */
export const TRI_EDGES: Uint8Array = TABLES.edges;
/** Number of triangles of each case. */
export const TRI_COUNT: Uint8Array = TABLES.counts;

/**
 * `TRI_EDGES` with a fixed stride of 16 per case: case c's edge indices at `16·c + 0 .. 14` (unused ones 0)
 * and its index count (3 × triangles) at `16·c + 15`, so a cell can copy its list without a loop whose
 * length varies from cell to cell.
 */
export const TRI_EDGES16: Uint8Array = (() => {
  const t = new Uint8Array(256 * 16);
  for (let c = 0; c < 256; c++) {
    t.set(TABLES.edges.subarray(TABLES.offsets[c]!, TABLES.offsets[c + 1]!), 16 * c);
    t[16 * c + 15] = 3 * TABLES.counts[c]!;
  }
  return t;
})();
