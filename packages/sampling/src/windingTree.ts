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
  const base = new Float64Array(9 * nf0);
  let nf = 0;
  let lo0 = Infinity, lo1 = Infinity, lo2 = Infinity, hi0 = -Infinity, hi1 = -Infinity, hi2 = -Infinity;
  for (let t = 0; t < nf0; t++) {
    const a = 3 * f[3 * t], b = 3 * f[3 * t + 1], c = 3 * f[3 * t + 2];
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    if (nx === 0 && ny === 0 && nz === 0) continue;
    const o = 9 * nf++;
    base[o] = p[a];
    base[o + 1] = p[a + 1];
    base[o + 2] = p[a + 2];
    base[o + 3] = p[b];
    base[o + 4] = p[b + 1];
    base[o + 5] = p[b + 2];
    base[o + 6] = p[c];
    base[o + 7] = p[c + 1];
    base[o + 8] = p[c + 2];
    for (let k = 0; k < 9; k += 3) {
      const x = base[o + k], y = base[o + k + 1], z = base[o + k + 2];
      if (x < lo0) lo0 = x;
      if (x > hi0) hi0 = x;
      if (y < lo1) lo1 = y;
      if (y > hi1) hi1 = y;
      if (z < lo2) lo2 = z;
      if (z > hi2) hi2 = z;
    }
  }
  if (nf === 0) return new Float64Array(0);
  const diag = Math.hypot(hi0 - lo0, hi1 - lo1, hi2 - lo2);
  const budget = 4 * nf + 64;
  const longest = new Float64Array(nf);
  for (let t = 0; t < nf; t++) {
    const o = 9 * t;
    longest[t] = Math.max(dist2(base, o, o + 3), dist2(base, o + 3, o + 6), dist2(base, o + 6, o));
  }
  for (let maxEdge = diag / 64; ; maxEdge *= 2) {
    const lim2 = maxEdge * maxEdge;
    // estimate pieces as 4^ceil(log2(L/maxEdge)) (the output grows if a triangle needs more)
    let pieces = 0;
    for (let t = 0; t < nf && pieces <= budget; t++) {
      if (longest[t] <= lim2) pieces++;
      else {
        const k = Math.ceil(Math.log2(Math.sqrt(longest[t] / lim2)));
        pieces += 4 ** k;
      }
    }
    if (pieces > budget) continue;
    if (pieces === nf) return base.subarray(0, 9 * nf);
    let out = new Float64Array(9 * pieces);
    let m = 0;
    const emit = (src: Float64Array, o: number): void => {
      if (9 * (m + 1) > out.length) {
        const bigger = new Float64Array(2 * out.length);
        bigger.set(out);
        out = bigger;
      }
      out.set(src.subarray(o, o + 9), 9 * m++);
    };
    const stack = new Float64Array(9 * 64);
    for (let t = 0; t < nf; t++) {
      if (longest[t] <= lim2) {
        emit(base, 9 * t);
        continue;
      }
      stack.set(base.subarray(9 * t, 9 * t + 9), 0);
      let sp = 1;
      while (sp > 0) {
        const o = 9 * --sp;
        const e01 = dist2(stack, o, o + 3), e12 = dist2(stack, o + 3, o + 6), e20 = dist2(stack, o + 6, o);
        const e = Math.max(e01, e12, e20);
        if (e <= lim2 || sp >= 62) {
          emit(stack, o);
          continue;
        }
        // rotate so the longest edge is (v0, v1); children (v0, mid, v2) and (mid, v1, v2)
        const r = e === e01 ? 0 : e === e12 ? 1 : 2;
        const i0 = o + 3 * r, i1 = o + 3 * ((r + 1) % 3), i2 = o + 3 * ((r + 2) % 3);
        const v0x = stack[i0], v0y = stack[i0 + 1], v0z = stack[i0 + 2];
        const v1x = stack[i1], v1y = stack[i1 + 1], v1z = stack[i1 + 2];
        const v2x = stack[i2], v2y = stack[i2 + 1], v2z = stack[i2 + 2];
        const mx = (v0x + v1x) / 2, my = (v0y + v1y) / 2, mz = (v0z + v1z) / 2;
        stack[o] = v0x; stack[o + 1] = v0y; stack[o + 2] = v0z;
        stack[o + 3] = mx; stack[o + 4] = my; stack[o + 5] = mz;
        stack[o + 6] = v2x; stack[o + 7] = v2y; stack[o + 8] = v2z;
        const q = o + 9;
        stack[q] = mx; stack[q + 1] = my; stack[q + 2] = mz;
        stack[q + 3] = v1x; stack[q + 4] = v1y; stack[q + 5] = v1z;
        stack[q + 6] = v2x; stack[q + 7] = v2y; stack[q + 8] = v2z;
        sp += 2;
      }
    }
    return out.subarray(0, 9 * m);
  }
}

function dist2(a: Float64Array, i: number, j: number): number {
  const dx = a[i] - a[j], dy = a[i + 1] - a[j + 1], dz = a[i + 2] - a[j + 2];
  return dx * dx + dy * dy + dz * dz;
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
  const e = new Float64Array(3);
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
      for (let side = 0; side < 2; side++) {
        const oc = side === 0 ? ol : or;
        // shift child moments from its centre to ours: e = p̃_child − p̃
        e[0] = data[oc] - data[o];
        e[1] = data[oc + 1] - data[o + 1];
        e[2] = data[oc + 2] - data[o + 2];
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
  let r2 = 0;
  const M = o + 6, S = o + 16;
  for (let i = s; i < e; i++) {
    const t = 9 * i;
    const ux = tri[t + 3] - tri[t], uy = tri[t + 4] - tri[t + 1], uz = tri[t + 5] - tri[t + 2];
    const vx = tri[t + 6] - tri[t], vy = tri[t + 7] - tri[t + 1], vz = tri[t + 8] - tri[t + 2];
    const n0 = (uy * vz - uz * vy) / 2, n1 = (uz * vx - ux * vz) / 2, n2 = (ux * vy - uy * vx) / 2;
    // δᵥ = vertex − p̃, σ = Σᵥ δᵥ; first moment aₜ(cₜ − p̃) = aₜσ/3; ∫ₜ δδᵀ dA = (aₜ/12)(Σᵥ δᵥδᵥᵀ + σσᵀ)
    const a0 = tri[t] - px, a1 = tri[t + 1] - py, a2 = tri[t + 2] - pz;
    const b0 = tri[t + 3] - px, b1 = tri[t + 4] - py, b2 = tri[t + 5] - pz;
    const c0 = tri[t + 6] - px, c1 = tri[t + 7] - py, c2 = tri[t + 8] - pz;
    const s0 = a0 + b0 + c0, s1 = a1 + b1 + c1, s2 = a2 + b2 + c2;
    data[M] += (n0 * s0) / 3;
    data[M + 1] += (n0 * s1) / 3;
    data[M + 2] += (n0 * s2) / 3;
    data[M + 3] += (n1 * s0) / 3;
    data[M + 4] += (n1 * s1) / 3;
    data[M + 5] += (n1 * s2) / 3;
    data[M + 6] += (n2 * s0) / 3;
    data[M + 7] += (n2 * s1) / 3;
    data[M + 8] += (n2 * s2) / 3;
    const q00 = (a0 * a0 + b0 * b0 + c0 * c0 + s0 * s0) / 12;
    const q01 = (a0 * a1 + b0 * b1 + c0 * c1 + s0 * s1) / 12;
    const q02 = (a0 * a2 + b0 * b2 + c0 * c2 + s0 * s2) / 12;
    const q11 = (a1 * a1 + b1 * b1 + c1 * c1 + s1 * s1) / 12;
    const q12 = (a1 * a2 + b1 * b2 + c1 * c2 + s1 * s2) / 12;
    const q22 = (a2 * a2 + b2 * b2 + c2 * c2 + s2 * s2) / 12;
    for (let k = 0; k < 3; k++) {
      const nk = k === 0 ? n0 : k === 1 ? n1 : n2;
      const so = S + 6 * k;
      data[so] += nk * q00;
      data[so + 1] += nk * q01;
      data[so + 2] += nk * q02;
      data[so + 3] += nk * q11;
      data[so + 4] += nk * q12;
      data[so + 5] += nk * q22;
    }
    const ra = a0 * a0 + a1 * a1 + a2 * a2, rb = b0 * b0 + b1 * b1 + b2 * b2, rc = c0 * c0 + c1 * c1 + c2 * c2;
    if (ra > r2) r2 = ra;
    if (rb > r2) r2 = rb;
    if (rc > r2) r2 = rc;
  }
  data[o] = px;
  data[o + 1] = py;
  data[o + 2] = pz;
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
