import type { TriangleMesh } from '@onet/io';

/**
 * True when every directed edge (a→b) of the mesh is matched by as many reverse edges (b→a): the triangles
 * form a closed, consistently oriented 2-cycle (self-intersections and overlapping parts allowed). Then the
 * generalized winding number is an integer off the surface and equals the signed count of ray crossings.
 * Zero-area triangles take part in the check. @internal
 */
export function isClosedMesh(mesh: TriangleMesh): boolean {
  const f = mesh.indices;
  const nv = mesh.positions.length / 3;
  if (f.length === 0) return false;
  if (nv >= 60_000_000) return isClosedMeshMap(f);
  // key = 2·(lo·nv + hi) + direction; closed iff every edge {lo, hi} has as many keys of each direction
  const keys = new Float64Array(f.length);
  let m = 0;
  for (let t = 0; t < f.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = f[t + k], b = f[t + (k === 2 ? 0 : k + 1)];
      if (a === b) continue; // degenerate edge: no boundary contribution
      keys[m++] = a < b ? 2 * (a * nv + b) + 1 : 2 * (b * nv + a);
    }
  }
  const sorted = keys.subarray(0, m).sort();
  let i = 0;
  while (i < m) {
    const edge = Math.floor(sorted[i] / 2);
    let balance = 0;
    while (i < m && Math.floor(sorted[i] / 2) === edge) balance += sorted[i++] % 2 === 1 ? 1 : -1;
    if (balance !== 0) return false;
  }
  return true;
}

function isClosedMeshMap(f: Uint32Array): boolean {
  const counts = new Map<string, number>();
  for (let t = 0; t < f.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = f[t + k], b = f[t + ((k + 1) % 3)];
      if (a === b) continue;
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      counts.set(key, (counts.get(key) ?? 0) + (a < b ? 1 : -1));
    }
  }
  for (const c of counts.values()) if (c !== 0) return false;
  return true;
}

/**
 * Exact winding numbers of a closed mesh ({@link isClosedMesh}) by signed ray crossings along +z and −z
 * (then x, then y, for points the z-rays could not answer),
 * with a watertight point-in-triangle test: each xy edge function is computed from the edge's vertices in
 * index order (and negated for the opposite direction), so two triangles sharing an edge never both claim,
 * or both miss, a point off that edge. A point is answered only when every candidate test is strict (not
 * on a projected edge/vertex, not at the plane's height) and the +z and −z counts agree; otherwise
 * `fallback[i]` is left 1 (to be answered by the fast-winding tree). Triangles are hashed by their xy bounding boxes. @internal
 */
export function closedWindingNumbers(mesh: TriangleMesh, points: Float32Array, w: Float64Array, fallback: Uint8Array): void {
  // +z first; points whose z-ray grazes an edge or vertex retry along x, then y (regular grids often
  // line up with mesh edges in one projection but not in the others)
  fallback.fill(1);
  for (const axis of [2, 0, 1]) {
    if (!fallback.includes(1)) return;
    raysAlong(mesh, points, axis, w, fallback);
  }
}

/** Signed crossings along ±axis for the points with `todo[i] = 1`; clears `todo[i]` where answered. */
function raysAlong(mesh: TriangleMesh, points: Float32Array, axis: number, w: Float64Array, todo: Uint8Array): void {
  // cyclic permutation (u, v, h) of (x, y, z) with h = axis keeps orientation: sign of the uv-area = sign of n_h
  const U = (axis + 1) % 3, V = (axis + 2) % 3, H = axis;
  const { indices: f } = mesh;
  const p = permuted(mesh.positions, U, V, H);
  const nf = f.length / 3;
  const n = points.length / 3;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < f.length; i++) {
    const v = 3 * f[i];
    if (p[v] < x0) x0 = p[v];
    if (p[v] > x1) x1 = p[v];
    if (p[v + 1] < y0) y0 = p[v + 1];
    if (p[v + 1] > y1) y1 = p[v + 1];
  }
  const res = Math.max(1, Math.min(512, 2 * Math.ceil(Math.sqrt(nf))));
  const sx = x1 > x0 ? res / (x1 - x0) : 0, sy = y1 > y0 ? res / (y1 - y0) : 0;
  const cx = (x: number): number => Math.min(res - 1, Math.max(0, Math.floor((x - x0) * sx)));
  const cy = (y: number): number => Math.min(res - 1, Math.max(0, Math.floor((y - y0) * sy)));
  const start = new Int32Array(res * res + 1);
  const bx = new Int32Array(4 * nf);
  for (let t = 0; t < nf; t++) {
    const a = 3 * f[3 * t], b = 3 * f[3 * t + 1], c = 3 * f[3 * t + 2];
    const i0 = cx(Math.min(p[a], p[b], p[c])), i1 = cx(Math.max(p[a], p[b], p[c]));
    const j0 = cy(Math.min(p[a + 1], p[b + 1], p[c + 1])), j1 = cy(Math.max(p[a + 1], p[b + 1], p[c + 1]));
    bx[4 * t] = i0;
    bx[4 * t + 1] = i1;
    bx[4 * t + 2] = j0;
    bx[4 * t + 3] = j1;
    for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) start[i * res + j + 1]++;
  }
  for (let c = 0; c < res * res; c++) start[c + 1] += start[c];
  const cell = new Int32Array(start[res * res]);
  const fill = start.slice(0, res * res);
  for (let t = 0; t < nf; t++) {
    for (let i = bx[4 * t]; i <= bx[4 * t + 1]; i++) for (let j = bx[4 * t + 2]; j <= bx[4 * t + 3]; j++) cell[fill[i * res + j]++] = t;
  }

  for (let q = 0; q < n; q++) {
    if (!todo[q]) continue;
    const qx = points[3 * q + U], qy = points[3 * q + V], qz = points[3 * q + H];
    if (qx < x0 || qx > x1 || qy < y0 || qy > y1) {
      w[q] = 0; // no triangle above or below
      todo[q] = 0;
      continue;
    }
    const c = cx(qx) * res + cy(qy);
    let up = 0, down = 0;
    let bad = false;
    for (let e = start[c]; e < start[c + 1]; e++) {
      const t = 3 * cell[e];
      const ia = f[t], ib = f[t + 1], ic = f[t + 2];
      const e0 = edgeFn(p, ia, ib, qx, qy);
      const e1 = edgeFn(p, ib, ic, qx, qy);
      const e2 = edgeFn(p, ic, ia, qx, qy);
      if ((e0 > 0 && e1 > 0 && e2 > 0) || (e0 < 0 && e1 < 0 && e2 < 0)) {
        const sum = e0 + e1 + e2;
        // barycentric weights: a ↔ e1 (edge bc), b ↔ e2 (edge ca), c ↔ e0 (edge ab)
        const z = (e1 * p[3 * ia + 2] + e2 * p[3 * ib + 2] + e0 * p[3 * ic + 2]) / sum;
        const s = sum > 0 ? 1 : -1; // sign of the normal's z
        if (z > qz) up += s;
        else if (z < qz) down -= s;
        else {
          bad = true;
          break;
        }
      } else if ((e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0)) {
        // on a projected edge or vertex (or a vertical triangle containing the ray): ambiguous
        if (e0 !== 0 || e1 !== 0 || e2 !== 0 || touchesVertical(p, ia, ib, ic, qx, qy)) {
          bad = true;
          break;
        }
      }
    }
    if (!bad && up === down) {
      w[q] = up;
      todo[q] = 0;
    }
  }
}

/** Positions with axes reordered to (u, v, h). */
function permuted(p: Float32Array, U: number, V: number, H: number): Float32Array {
  if (U === 0 && V === 1) return p;
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    out[i] = p[i + U];
    out[i + 1] = p[i + V];
    out[i + 2] = p[i + H];
  }
  return out;
}

/** xy edge function of edge (i→j) at q, evaluated in vertex-index order so shared edges agree exactly. */
function edgeFn(p: Float32Array, i: number, j: number, qx: number, qy: number): number {
  if (i < j) {
    const ax = p[3 * i], ay = p[3 * i + 1];
    return (p[3 * j] - ax) * (qy - ay) - (p[3 * j + 1] - ay) * (qx - ax);
  }
  const ax = p[3 * j], ay = p[3 * j + 1];
  return -((p[3 * i] - ax) * (qy - ay) - (p[3 * i + 1] - ay) * (qx - ax));
}

/** All three edge functions are 0: the triangle is vertical (or degenerate) and its xy-shadow line passes
 * through q — treat as ambiguous only if q lies within the segment's extent. */
function touchesVertical(p: Float32Array, a: number, b: number, c: number, qx: number, qy: number): boolean {
  const xs = [p[3 * a], p[3 * b], p[3 * c]], ys = [p[3 * a + 1], p[3 * b + 1], p[3 * c + 1]];
  return qx >= Math.min(...xs) && qx <= Math.max(...xs) && qy >= Math.min(...ys) && qy <= Math.max(...ys);
}
