/**
 * Marching-cubes case tables, generated from one rule instead of typed in by hand (and stored precomputed,
 * checked against the rule by the tests).
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

/**
 * The tables from the rule above: for each case its triangles as edge-index triples, in the order
 * `caseLoops` + `triangulateLoop` give them. Used by the tests to check {@link CASE_TRIANGLES}; the
 * module itself decodes that precomputed copy (building the tables here costs ~50 ms of CPU per process). @internal
 */
export function buildCaseTables(): { offsets: Uint16Array; edges: Uint8Array; counts: Uint8Array } {
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

/**
 * {@link buildCaseTables} precomputed: case c's edge indices as hex digits, cases separated by commas
 * (case 0 first). `test/tables.test.ts` checks it against the rule and prints the new string if it changes. @internal
 */
export const CASE_TRIANGLES =
  ',048,095,485895,1a4,0181a8,09495a51a9a4,1a5a85895,15b,0585b8b18148,0919b1,14b48949b,45a5ba,0585ba5a8' +
  ',0949b4ba4,89a9ba,286,042462,085865625295,296954946,1a2a62124284,01a0a2a62,0841a5a62a25295,1a5a62a25' +
  '295,15b286,0525b2b14b42462,0818616296919b1,14b46b62b29b,28424b45b2b6ba6,0525b2ba2a62,0842969b6ba6,29' +
  '69b6ba6,279,049487827479,025275,278758548,1a4279,0191a7a87827179,02427a75a51a2a4,1a5a85825275,152592' +
  '12b27b,05914b48242b27b,0270717b1,14b48242b27b,27b2b4ba4249459,0592787ba7a8,02427b2b4ba4,2787ba7a8,67' +
  '8798,049469679,085867875,465675,1a6169679194984,0191a6169679,0841a5a67a75,1a5a67a75,15919698616b67b,' +
  '05914b46b67b,0818616717b1,14b46b67b,45859867a7ba,05967a7ba,08467a7ba,67a7ba,36a,0434a3038368,09536a,' +
  '36838589535a54a,134364,018138368,094953513934364,135368385895,15a5b6b3656a,0585b353836814a,0919b6b36' +
  '9616a1,14a36b68969b,36b64b45b,0585b3538368,0949b4b34364,36b68969b,2838a3,0424a2a32,0858a5a35325295,2' +
  '939535434a3,134324284,012132,084135325295,135325295,15a5b2b3252a28a,0525b2b3214a,0818a12939b3,14a293' +
  '9b3,2838434535b3,0525b2b32,0842939b3,2939b3,2696a9a39379,0494a3439379268,02526a2a5a35375,26837a75a54' +
  'a,134379394924264,019139379268,024264135375,135375268,15a59252a26a37b,05914a26837b,0260616a137b,14a2' +
  '6837b,26964945937b,05926837b,02426437b,26837b,37a79878a,0494a3439379,0858a5a35375,37a75a54a,13437939' +
  '4984,019139379,084135375,135375,15a59858a37b,05914a37b,0818a137b,14a37b,37b458598,05937b,08437b,37b,' +
  '3b7,0483b7,0939730353b5,3b5358548387897,1b4b747343a4,0181b71787383a8,0949739343a41b5,1b53a7a87897,15' +
  '3573,058578738318148,091971731,143483893973,3a7a45a57,0585787383a8,0949739343a4,3a7a87897,28786b63b8' +
  'b7,04246b63b4b2b72,0858638353b5297,2973b6b54b46,1b4b72b242843a6,01b0b2b723a6,0841b52973a6,1b52973a6,' +
  '153578728583863,052572143463,081861631297,143463297,2878458573a6,0525723a6,0842973a6,2973a6,2393b9,0' +
  '494838234393b9,0252353b5,2383b5358548,1b4b949242343a4,0191b92383a8,0242343a41b5,1b52383a8,153593923,' +
  '059143483823,021231,143483823,2393a4349459,0592383a8,0242343a4,2383a8,3b6b96986,0494696393b9,0858638' +
  '353b5,3b6b54b46,1b4b949843a6,0191b93a6,0841b53a6,1b53a6,153593983863,059143463,081861631,143463,3a64' +
  '58598,0593a6,0843a6,3a6,6a7ab7,04a0a7ab7078768,09707a76a0a5ab5,4a5ab5687897,1b4b76b64,0181b7178768,0' +
  '949769641b5,1b5687897,15a57a76a,05857876814a,0919717616a1,14a687897,456576,058578768,094976964,68789' +
  '7,2878a7ab7,0424a2ab2b72,0858a5ab5297,2974a5ab5,1b4b72b24284,01b0b2b72,0841b5297,1b5297,15a57a72a28a' +
  ',05257214a,0818a1297,14a297,287845857,052572,084297,297,2696ab6b9,0494ab4b9268,02526a2a5ab5,2684a5ab' +
  '5,1b4b94924264,0191b9268,0242641b5,1b5268,15a59252a26a,05914a268,0260616a1,14a268,269649459,059268,0' +
  '24264,268,8a9ab9,0494ab4b9,0858a5ab5,4a5ab5,1b4b94984,0191b9,0841b5,1b5,15a59858a,05914a,0818a1,14a,' +
  '458598,059,084,';

/** Decodes {@link CASE_TRIANGLES} into the offset, edge and count tables. @internal */
export function unpackCaseTables(packed: string): { offsets: Uint16Array; edges: Uint8Array; counts: Uint8Array } {
  const cases = packed.split(',');
  if (cases.length !== 256) throw new Error(`marching-cubes table: ${cases.length} cases, expected 256`);
  const offsets = new Uint16Array(257);
  const counts = new Uint8Array(256);
  const edges = new Uint8Array(packed.length - 255);
  let m = 0;
  for (let cfg = 0; cfg < 256; cfg++) {
    const c = cases[cfg]!;
    offsets[cfg] = m;
    for (let i = 0; i < c.length; i++) edges[m++] = Number.parseInt(c[i]!, 16);
    counts[cfg] = c.length / 3;
  }
  offsets[256] = m;
  return { offsets, edges: edges.subarray(0, m), counts };
}

const TABLES = unpackCaseTables(CASE_TRIANGLES);

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
