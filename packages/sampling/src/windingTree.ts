import type { TriangleMesh } from '@onet/io';

/**
 * Bounding-volume hierarchy over the triangles of a mesh with the per-node data of fast winding numbers
 * (Barill et al. 2018, §3–4): area-weighted centre p̃, dipole sum N = Σ aₜnₜ, first-moment matrix
 * M = Σ aₜ nₜ ⊗ (cₜ − p̃), second moments S_i = Σ aₜ nₜ,i ∫ₜ(x − p̃)(x − p̃)ᵀ dA / aₜ (all exact for
 * flat triangles) and the radius of the ball around p̃ holding every vertex of the node. Triangles of zero
 * area are dropped (they subtend no solid angle); long ones are split (see `splitTriangles`). @internal
 */
export interface WindingTree {
  /** `[T·9]` triangle corners in tree order, float64. */
  tri: Float64Array;
  /** Node count. */
  nodes: number;
  /** First triangle of each node (in tree order) and its count. */
  start: Int32Array;
  count: Int32Array;
  /** Right child of an internal node (the left child is node + 1); −1 for a leaf. */
  right: Int32Array;
  /** `[nodes·STRIDE]`: p̃ (3), N (3), M row-major (9), radius, S_i for i = x,y,z as (jj: 00 01 02 11 12 22) (18). */
  data: Float64Array;
}

const LEAF = 8;
/** Floats per node in {@link WindingTree.data}. */
export const STRIDE = 34;

/**
 * Triangles of the mesh as float64 corner triples, zero-area ones dropped and long ones split at the
 * midpoint of their longest edge until every edge is ≤ `maxEdge` (bbox diagonal / 64, doubled until the
 * result fits the budget of 4·F + 64 triangles). Solid angles add up, so the winding
 * number is unchanged; compact triangles make compact BVH nodes, so slivers spanning a CAD model no longer
 * force exact evaluation everywhere).
 */
function splitTriangles(mesh: TriangleMesh): Float64Array {
  const { positions: p, indices: f } = mesh;
  const nf0 = f.length / 3;
  const base: number[] = [];
  let lo0 = Infinity, lo1 = Infinity, lo2 = Infinity, hi0 = -Infinity, hi1 = -Infinity, hi2 = -Infinity;
  for (let t = 0; t < nf0; t++) {
    const a = 3 * f[3 * t], b = 3 * f[3 * t + 1], c = 3 * f[3 * t + 2];
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    if (nx === 0 && ny === 0 && nz === 0) continue;
    for (const v of [a, b, c]) {
      base.push(p[v], p[v + 1], p[v + 2]);
      if (p[v] < lo0) lo0 = p[v];
      if (p[v] > hi0) hi0 = p[v];
      if (p[v + 1] < lo1) lo1 = p[v + 1];
      if (p[v + 1] > hi1) hi1 = p[v + 1];
      if (p[v + 2] < lo2) lo2 = p[v + 2];
      if (p[v + 2] > hi2) hi2 = p[v + 2];
    }
  }
  const nf = base.length / 9;
  if (nf === 0) return new Float64Array(0);
  const diag = Math.hypot(hi0 - lo0, hi1 - lo1, hi2 - lo2);
  const budget = 4 * nf + 64;
  const edge2 = (t: number[] | Float64Array, o: number, i: number, j: number): number =>
    (t[o + 3 * i] - t[o + 3 * j]) ** 2 + (t[o + 3 * i + 1] - t[o + 3 * j + 1]) ** 2 + (t[o + 3 * i + 2] - t[o + 3 * j + 2]) ** 2;
  for (let maxEdge = diag / 64; ; maxEdge *= 2) {
    const lim2 = maxEdge * maxEdge;
    // count pieces first (cheap estimate: a split halves the longest edge), bail out if over budget
    const out: number[] = [];
    const work: number[] = [];
    let over = false;
    for (let t = 0; t < nf && !over; t++) {
      work.length = 0;
      for (let k = 0; k < 9; k++) work.push(base[9 * t + k]);
      while (work.length > 0) {
        const o = work.length - 9;
        const e01 = edge2(work, o, 0, 1), e12 = edge2(work, o, 1, 2), e20 = edge2(work, o, 2, 0);
        const m = Math.max(e01, e12, e20);
        const tri = work.splice(o, 9);
        if (m <= lim2) {
          for (let k = 0; k < 9; k++) out.push(tri[k]);
          if (out.length > 9 * budget) {
            over = true;
            break;
          }
          continue;
        }
        // rotate so the longest edge is (v0, v1), then split at its midpoint: (v0, m, v2), (m, v1, v2)
        const r = m === e01 ? 0 : m === e12 ? 1 : 2;
        const v = [0, 1, 2].map((i) => tri.slice(3 * ((i + r) % 3), 3 * ((i + r) % 3) + 3));
        const mid = [(v[0][0] + v[1][0]) / 2, (v[0][1] + v[1][1]) / 2, (v[0][2] + v[1][2]) / 2];
        work.push(...v[0], ...mid, ...v[2], ...mid, ...v[1], ...v[2]);
      }
    }
    if (!over) return Float64Array.from(out);
  }
}

export function buildWindingTree(mesh: TriangleMesh): WindingTree {
  const src = splitTriangles(mesh);
  const nf = src.length / 9;
  const cen = new Float64Array(3 * nf);
  for (let i = 0; i < nf; i++) {
    for (let k = 0; k < 3; k++) cen[3 * i + k] = (src[9 * i + k] + src[9 * i + 3 + k] + src[9 * i + 6 + k]) / 3;
  }
  const perm = new Int32Array(nf);
  for (let i = 0; i < nf; i++) perm[i] = i;
  const maxNodes = Math.max(1, 2 * Math.ceil(nf / (LEAF / 2)));
  const start = new Int32Array(maxNodes);
  const count = new Int32Array(maxNodes);
  const right = new Int32Array(maxNodes).fill(-1);
  let nodes = 0;

  // Iterative top-down build, median split on the longest axis of the centroid bounds; DFS order.
  const stack: Array<[number, number, number]> = []; // [start, count, parentOrMinus1]
  stack.push([0, nf, -1]);
  while (stack.length > 0) {
    const [s, n, parent] = stack.pop()!;
    const node = nodes++;
    start[node] = s;
    count[node] = n;
    if (parent >= 0) right[parent] = node; // only right children are pushed with a parent
    if (n <= LEAF) continue;
    let lo0 = Infinity, lo1 = Infinity, lo2 = Infinity, hi0 = -Infinity, hi1 = -Infinity, hi2 = -Infinity;
    for (let i = s; i < s + n; i++) {
      const c = 3 * perm[i];
      if (cen[c] < lo0) lo0 = cen[c];
      if (cen[c] > hi0) hi0 = cen[c];
      if (cen[c + 1] < lo1) lo1 = cen[c + 1];
      if (cen[c + 1] > hi1) hi1 = cen[c + 1];
      if (cen[c + 2] < lo2) lo2 = cen[c + 2];
      if (cen[c + 2] > hi2) hi2 = cen[c + 2];
    }
    const ex = hi0 - lo0, ey = hi1 - lo1, ez = hi2 - lo2;
    const axis = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
    const half = n >> 1;
    quickselect(perm, cen, axis, s, s + n - 1, s + half);
    // left child is processed next (node + 1), right child after the whole left subtree
    stack.push([s + half, n - half, node]);
    stack.push([s, half, -1]);
  }

  const tri = new Float64Array(9 * nf);
  for (let i = 0; i < nf; i++) tri.set(src.subarray(9 * perm[i], 9 * perm[i] + 9), 9 * i);

  const data = new Float64Array(STRIDE * nodes);
  const area = new Float64Array(nodes);
  // Children have larger indices than their parent (DFS order): fill bottom-up.
  for (let node = nodes - 1; node >= 0; node--) {
    const o = STRIDE * node;
    const rc = right[node];
    if (rc < 0) leafData(tri, start[node], start[node] + count[node], data, o, area, node);
    else {
      const l = node + 1;
      const ol = STRIDE * l, or = STRIDE * rc;
      const A = area[l] + area[rc];
      area[node] = A;
      for (let k = 0; k < 3; k++) {
        data[o + k] = (area[l] * data[ol + k] + area[rc] * data[or + k]) / A;
        data[o + 3 + k] = data[ol + 3 + k] + data[or + 3 + k];
      }
      for (const oc of [ol, or]) {
        // shift child moments from its centre to ours: e = p̃_child − p̃
        const e0 = data[oc] - data[o], e1 = data[oc + 1] - data[o + 1], e2 = data[oc + 2] - data[o + 2];
        const e = [e0, e1, e2];
        for (let i = 0; i < 3; i++) {
          const Ni = data[oc + 3 + i];
          for (let j = 0; j < 3; j++) data[o + 6 + 3 * i + j] += data[oc + 6 + 3 * i + j] + Ni * e[j];
          let q = 0;
          for (let j = 0; j < 3; j++) {
            for (let k = j; k < 3; k++) {
              data[o + 16 + 6 * i + q] +=
                data[oc + 16 + 6 * i + q] + data[oc + 6 + 3 * i + j] * e[k] + data[oc + 6 + 3 * i + k] * e[j] + Ni * e[j] * e[k];
              q++;
            }
          }
        }
      }
      // exact enclosing radius around p̃ (every corner of every triangle below)
      let r2 = 0;
      const px = data[o], py = data[o + 1], pz = data[o + 2];
      for (let i = 9 * start[node], end = 9 * (start[node] + count[node]); i < end; i += 3) {
        const dx = tri[i] - px, dy = tri[i + 1] - py, dz = tri[i + 2] - pz;
        const q = dx * dx + dy * dy + dz * dz;
        if (q > r2) r2 = q;
      }
      data[o + 15] = Math.sqrt(r2);
    }
  }
  return { tri, nodes, start, count, right, data };
}

/** Per-leaf expansion data computed from its triangles directly. */
function leafData(tri: Float64Array, s: number, e: number, data: Float64Array, o: number, areaOut: Float64Array, node: number): void {
  let area = 0, px = 0, py = 0, pz = 0;
  let Nx = 0, Ny = 0, Nz = 0;
  for (let i = s; i < e; i++) {
    const t = 9 * i;
    const ux = tri[t + 3] - tri[t], uy = tri[t + 4] - tri[t + 1], uz = tri[t + 5] - tri[t + 2];
    const vx = tri[t + 6] - tri[t], vy = tri[t + 7] - tri[t + 1], vz = tri[t + 8] - tri[t + 2];
    const nx = (uy * vz - uz * vy) / 2, ny = (uz * vx - ux * vz) / 2, nz = (ux * vy - uy * vx) / 2;
    const a = Math.sqrt(nx * nx + ny * ny + nz * nz);
    area += a;
    px += (a * (tri[t] + tri[t + 3] + tri[t + 6])) / 3;
    py += (a * (tri[t + 1] + tri[t + 4] + tri[t + 7])) / 3;
    pz += (a * (tri[t + 2] + tri[t + 5] + tri[t + 8])) / 3;
    Nx += nx;
    Ny += ny;
    Nz += nz;
  }
  px /= area;
  py /= area;
  pz /= area;
  areaOut[node] = area;
  const p = [px, py, pz];
  let r2 = 0;
  for (let i = s; i < e; i++) {
    const t = 9 * i;
    const ux = tri[t + 3] - tri[t], uy = tri[t + 4] - tri[t + 1], uz = tri[t + 5] - tri[t + 2];
    const vx = tri[t + 6] - tri[t], vy = tri[t + 7] - tri[t + 1], vz = tri[t + 8] - tri[t + 2];
    const n = [(uy * vz - uz * vy) / 2, (uz * vx - ux * vz) / 2, (ux * vy - uy * vx) / 2];
    // δᵥ = vertex − p̃, σ = Σᵥ δᵥ; first moment aₜ(cₜ − p̃) = aₜσ/3; ∫ₜ δδᵀ dA = (aₜ/12)(Σᵥ δᵥδᵥᵀ + σσᵀ)
    const d00 = tri[t] - px, d01 = tri[t + 1] - py, d02 = tri[t + 2] - pz;
    const d10 = tri[t + 3] - px, d11 = tri[t + 4] - py, d12 = tri[t + 5] - pz;
    const d20 = tri[t + 6] - px, d21 = tri[t + 7] - py, d22 = tri[t + 8] - pz;
    const dv = [d00, d01, d02, d10, d11, d12, d20, d21, d22];
    const sg = [d00 + d10 + d20, d01 + d11 + d21, d02 + d12 + d22];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) data[o + 6 + 3 * a + b] += (n[a] * sg[b]) / 3;
    let q = 0;
    for (let j = 0; j < 3; j++) {
      for (let k = j; k < 3; k++) {
        const Q = (dv[j] * dv[k] + dv[3 + j] * dv[3 + k] + dv[6 + j] * dv[6 + k] + sg[j] * sg[k]) / 12;
        for (let a = 0; a < 3; a++) data[o + 16 + 6 * a + q] += n[a] * Q;
        q++;
      }
    }
    for (let v = 0; v < 9; v += 3) {
      const r = dv[v] * dv[v] + dv[v + 1] * dv[v + 1] + dv[v + 2] * dv[v + 2];
      if (r > r2) r2 = r;
    }
  }
  data[o] = p[0];
  data[o + 1] = p[1];
  data[o + 2] = p[2];
  data[o + 3] = Nx;
  data[o + 4] = Ny;
  data[o + 5] = Nz;
  data[o + 15] = Math.sqrt(r2);
}

/** Partial sort of perm[lo..hi] so perm[k] holds the k-th smallest centroid along `axis`. */
function quickselect(perm: Int32Array, cen: Float64Array, axis: number, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const pivot = cen[3 * perm[(lo + hi) >> 1] + axis];
    let i = lo, j = hi;
    while (i <= j) {
      while (cen[3 * perm[i] + axis] < pivot) i++;
      while (cen[3 * perm[j] + axis] > pivot) j--;
      if (i <= j) {
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
