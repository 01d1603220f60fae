import type { IsoSurfaceMesh } from './types.js';

/** Edge statistics of a triangle mesh, from {@link meshEdges}. */
export interface MeshEdgeReport {
  /** Vertices referenced by at least one triangle. */
  vertices: number;
  /** Distinct undirected edges. */
  edges: number;
  /** Triangles. */
  faces: number;
  /** Edges used by exactly one triangle (holes, open borders). */
  boundaryEdges: number;
  /** Edges used by three or more triangles. */
  nonManifoldEdges: number;
  /** Edges used by two triangles that traverse it in the same direction (flipped neighbours). */
  inconsistentEdges: number;
  /** Triangles that repeat a vertex index. */
  degenerateFaces: number;
}

/**
 * Count a mesh's vertices, edges and faces and classify its edges by how many triangles use them and in
 * which direction. Exact integer bookkeeping (edges bucketed by their lower vertex index), O(F) memory,
 * valid for any Uint32 vertex count.
 *
 * @param mesh - `{ positions [V·3], indices [F·3] }`.
 * @category Mesh measures
 */
export function meshEdges(mesh: Pick<IsoSurfaceMesh, 'positions' | 'indices'>): MeshEdgeReport {
  const T = mesh.indices;
  const V = Math.floor(mesh.positions.length / 3);
  const F = Math.floor(T.length / 3);
  const start = new Uint32Array(V + 1);
  const used = new Uint8Array(V);
  let degenerateFaces = 0;
  for (let f = 0; f < F; f++) {
    const a = T[3 * f]!;
    const b = T[3 * f + 1]!;
    const c = T[3 * f + 2]!;
    if (a >= V || b >= V || c >= V) {
      throw new RangeError(`meshEdges: triangle ${f} references vertex ≥ ${V}; the mesh is corrupt.`);
    }
    used[a] = used[b] = used[c] = 1;
    if (a === b || b === c || c === a) {
      degenerateFaces++;
      continue;
    }
    start[(a < b ? a : b) + 1]!++;
    start[(b < c ? b : c) + 1]!++;
    start[(c < a ? c : a) + 1]!++;
  }
  for (let v = 0; v < V; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, V);
  const other = new Uint32Array(start[V]!);
  const forward = new Uint8Array(start[V]!); // 1 when the triangle runs lower → higher index
  const put = (u: number, v: number): void => {
    const lo = u < v ? u : v;
    const at = fill[lo]!++;
    other[at] = u < v ? v : u;
    forward[at] = u < v ? 1 : 0;
  };
  for (let f = 0; f < F; f++) {
    const a = T[3 * f]!;
    const b = T[3 * f + 1]!;
    const c = T[3 * f + 2]!;
    if (a === b || b === c || c === a) continue;
    put(a, b);
    put(b, c);
    put(c, a);
  }
  let vertices = 0;
  for (let v = 0; v < V; v++) vertices += used[v]!;
  let edges = 0;
  let boundaryEdges = 0;
  let nonManifoldEdges = 0;
  let inconsistentEdges = 0;
  for (let v = 0; v < V; v++) {
    const s = start[v]!;
    const e = start[v + 1]!;
    // insertion sort of the (short) bucket by neighbour index, carrying the direction flag
    for (let p = s + 1; p < e; p++) {
      const o = other[p]!;
      const d = forward[p]!;
      let q = p - 1;
      while (q >= s && other[q]! > o) {
        other[q + 1] = other[q]!;
        forward[q + 1] = forward[q]!;
        q--;
      }
      other[q + 1] = o;
      forward[q + 1] = d;
    }
    for (let p = s; p < e; ) {
      let q = p;
      let fwd = 0;
      while (q < e && other[q] === other[p]) fwd += forward[q++]!;
      const uses = q - p;
      edges++;
      if (uses === 1) boundaryEdges++;
      else if (uses > 2) nonManifoldEdges++;
      else if (fwd !== 1) inconsistentEdges++;
      p = q;
    }
  }
  return { vertices, edges, faces: F, boundaryEdges, nonManifoldEdges, inconsistentEdges, degenerateFaces };
}

/**
 * True when every edge belongs to exactly two triangles that traverse it in opposite directions (closed,
 * edge-manifold, consistently oriented) and no triangle repeats a vertex. An empty mesh is watertight.
 *
 * @example
 * ```ts
 * isWatertight(marchingCubes(values, dims, { closeBoundary: true })); // true for any finite grid
 * ```
 * @category Mesh measures
 */
export function isWatertight(mesh: Pick<IsoSurfaceMesh, 'positions' | 'indices'>): boolean {
  const r = meshEdges(mesh);
  return r.boundaryEdges === 0 && r.nonManifoldEdges === 0 && r.inconsistentEdges === 0 && r.degenerateFaces === 0;
}

/**
 * Euler characteristic V − E + F (V counts referenced vertices only): 2 for a closed genus-0 surface
 * (sphere), 0 for a torus, 2·(components) − 2·(total genus) in general.
 *
 * @category Mesh measures
 */
export function eulerCharacteristic(mesh: Pick<IsoSurfaceMesh, 'positions' | 'indices'>): number {
  const r = meshEdges(mesh);
  return r.vertices - r.edges + r.faces;
}
