import type { IsoSurfaceMesh } from './types.js';

/** What {@link weldBoundaryCaps} needs from a padded (`closeBoundary`) extraction. */
export interface PaddedExtraction {
  /** Real grid dims. */
  nx: number;
  ny: number;
  nz: number;
  /** Grid origin and spacing, as given to `marchingCubes`. */
  origin: readonly number[];
  spacing: readonly number[];
  /** Padded rows along j (ny + 2) and 32-bit class words per padded row. */
  Fy: number;
  W: number;
  /** Class bits of the padded grid: bit K of row r = node (I, J, K) inside. */
  bits: Int32Array;
  /** First vertex id of each padded row's block (z-, then x-, then y-edge vertices, each in k order). */
  vBase: Uint32Array;
  /** Crossed z-, x- and y-edges per padded row. */
  zc: Uint32Array;
  xc: Uint32Array;
  yc: Uint32Array;
}

/**
 * Turn the padded extraction of `closeBoundary` into a clean closed mesh.
 *
 * Padding puts one vertex on every crossed edge between a padding node and an inside boundary node, at
 * that boundary node: a node on an edge of the grid's box gets two such vertices, a corner three, and the
 * padding cells along the box's edges and corners are filled with zero-area triangles between them (a solid
 * 3³ grid: 54 vertices at 26 positions, 56 of its 104 triangles with zero area). Here all the padding-edge
 * vertices of one boundary node become one vertex placed exactly on the node, triangles that then repeat a
 * vertex are dropped (every triangle of an edge or corner padding cell: its vertices are collinear), and
 * unused vertices are removed, keeping the order of the rest. The result stays closed and consistently
 * oriented: each dropped strip had its edges in oppositely oriented pairs. A welded vertex's normal is the
 * normalised sum of the caps' outward axes (a box corner gets (±1, ±1, ±1)/√3).
 *
 * Which vertices are padding-edge vertices is read from the vertex layout (per padded row: z-, x-, y-edge
 * blocks in k order), not from positions, so a real edge whose vertex lands on a node (a value exactly at
 * the level) is left alone, as without `closeBoundary`.
 *
 * @throws Error when the vertex layout disagrees with the class bits (an internal bug, never bad input).
 */
export function weldBoundaryCaps(mesh: IsoSurfaceMesh, x: PaddedExtraction): IsoSurfaceMesh {
  const { nx, ny, nz, Fy, W, bits, vBase, zc, xc, yc } = x;
  const P = mesh.positions;
  const N = mesh.normals;
  const T = mesh.indices;
  const V = P.length / 3;
  const rep = new Int32Array(V);
  for (let v = 0; v < V; v++) rep[v] = v;
  let joined = 0;
  // canonical vertex of each node on the x = 0 / x = nx−1 faces ([side][j·nz + k]) and y faces ([side][i·nz + k])
  const xFace = new Int32Array(2 * ny * nz).fill(-1);
  const yFace = new Int32Array(2 * nx * nz).fill(-1);
  const [ox, oy, oz] = x.origin as [number, number, number];
  const [sx, sy, sz] = x.spacing as [number, number, number];
  const place = (id: number, i: number, j: number, k: number): void => {
    P[3 * id] = ox + i * sx;
    P[3 * id + 1] = oy + j * sy;
    P[3 * id + 2] = oz + k * sz;
  };
  const welded = N ? new Uint8Array(V) : undefined; // 1: a canonical vertex that received other normals
  const addNormal = (to: number, from: number): void => {
    if (!N || !welded) return;
    welded[to] = 1;
    N[3 * to] += N[3 * from]!;
    N[3 * to + 1] += N[3 * from + 1]!;
    N[3 * to + 2] += N[3 * from + 2]!;
  };
  /** Calls f(id, k) for the inside nodes of padded row `bitsRow` in k order, ids first..first+count−1. */
  const eachInside = (bitsRow: number, first: number, count: number, f: (id: number, k: number) => void): void => {
    let id = first;
    for (let w = 0; w < W; w++) {
      let word = bits[bitsRow * W + w]!;
      while (word !== 0) {
        const low = word & -word;
        word ^= low;
        f(id++, ((w << 5) | (31 - Math.clz32(low))) - 1);
      }
    }
    if (id !== first + count) {
      throw new Error(
        `marchingCubes (closeBoundary): padded row ${bitsRow} has ${id - first} inside nodes but ${count} ` +
          `padding-edge vertices; the vertex layout changed without weldBoundaryCaps. Please report this.`
      );
    }
  };

  // x = 0 and x = nx − 1 faces: the x-edge blocks of padded rows (0, J) and (nx, J) are all padding edges
  for (let j = 0; j < ny; j++) {
    const lo = j + 1; // padded row (0, j + 1); its x-edges end at row (1, j + 1)
    eachInside(Fy + lo, vBase[lo]! + zc[lo]!, xc[lo]!, (id, k) => {
      xFace[j * nz + k] = id;
      place(id, 0, j, k);
    });
    const hi = nx * Fy + j + 1; // padded row (nx, j + 1), the last real one; its x-edges go to padding
    eachInside(hi, vBase[hi]! + zc[hi]!, xc[hi]!, (id, k) => {
      xFace[(ny + j) * nz + k] = id;
      place(id, nx - 1, j, k);
    });
  }
  const onX = (i: number, j: number, k: number): number =>
    i === 0 ? xFace[j * nz + k]! : i === nx - 1 ? xFace[(ny + j) * nz + k]! : -1;
  const join = (id: number, canonical: number): void => {
    rep[id] = canonical;
    joined++;
    addNormal(canonical, id);
  };
  // y = 0 and y = ny − 1 faces: the y-edge blocks of padded rows (I, 0) and (I, ny)
  for (let i = 0; i < nx; i++) {
    const lo = (i + 1) * Fy;
    eachInside(lo + 1, vBase[lo]! + zc[lo]! + xc[lo]!, yc[lo]!, (id, k) => {
      const c = onX(i, 0, k);
      if (c >= 0) join(id, c);
      else {
        yFace[i * nz + k] = id;
        place(id, i, 0, k);
      }
    });
    const hi = lo + ny;
    eachInside(hi, vBase[hi]! + zc[hi]! + xc[hi]!, yc[hi]!, (id, k) => {
      const c = onX(i, ny - 1, k);
      if (c >= 0) join(id, c);
      else {
        yFace[(nx + i) * nz + k] = id;
        place(id, i, ny - 1, k);
      }
    });
  }
  const zEnd = (id: number, i: number, j: number, k: number): void => {
    let c = onX(i, j, k);
    if (c < 0 && (j === 0 || j === ny - 1)) c = yFace[((j === 0 ? 0 : nx) + i) * nz + k]!;
    if (c >= 0) join(id, c);
    else place(id, i, j, k);
  };
  // z = 0 and z = nz − 1 faces: the first and last z-edge of each real row's block, when their node is inside
  const lastBit = nz; // padded K of node k = nz − 1
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const r = (i + 1) * Fy + j + 1;
      const words = r * W;
      const first = (bits[words]! >>> 1) & 1;
      const last = (bits[words + (lastBit >>> 5)]! >>> (lastBit & 31)) & 1;
      if (first + last > zc[r]!) {
        throw new Error(
          `marchingCubes (closeBoundary): padded row ${r} has ${zc[r]} z-edge vertices, fewer than its ` +
            `${first + last} padding edges; the vertex layout changed without weldBoundaryCaps. Please report this.`
        );
      }
      if (first) zEnd(vBase[r]!, i, j, 0);
      if (last) zEnd(vBase[r]! + zc[r]! - 1, i, j, nz - 1);
    }
  }

  if (joined === 0) return mesh; // no box edge or corner inside: nothing coincides, nothing to drop

  // drop the triangles that repeat a vertex, then the vertices no triangle uses (both compacted in place:
  // the kept ones never move up)
  let f = 0;
  for (let t = 0; t < T.length; t += 3) {
    const a = rep[T[t]!]!;
    const b = rep[T[t + 1]!]!;
    const c = rep[T[t + 2]!]!;
    if (a === b || b === c || c === a) continue;
    T[f++] = a;
    T[f++] = b;
    T[f++] = c;
  }
  const newId = rep; // reused: −1 unused, else the new id
  newId.fill(-1);
  for (let q = 0; q < f; q++) newId[T[q]!] = 0;
  let used = 0;
  for (let v = 0; v < V; v++) {
    if (newId[v] !== 0) continue;
    const to = used++;
    newId[v] = to;
    P[3 * to] = P[3 * v]!;
    P[3 * to + 1] = P[3 * v + 1]!;
    P[3 * to + 2] = P[3 * v + 2]!;
    if (N) {
      const a = N[3 * v]!;
      const b = N[3 * v + 1]!;
      const c = N[3 * v + 2]!;
      const len = welded?.[v] ? Math.sqrt(a * a + b * b + c * c) : 1;
      N[3 * to] = a / len;
      N[3 * to + 1] = b / len;
      N[3 * to + 2] = c / len;
    }
  }
  for (let q = 0; q < f; q++) T[q] = newId[T[q]!]!;
  const positions = P.slice(0, 3 * used);
  const indices = T.slice(0, f);
  const normals = N?.slice(0, 3 * used);
  return normals ? { positions, indices, normals } : { positions, indices };
}
