import type { TriangleMesh } from '@onet/io';
import { checkMesh, checkNumber, checkPoints } from './validate.js';
import { closedWindingNumbers, isClosedMesh } from './closedWinding.js';
import { buildWindingTree, STRIDE, type WindingTree } from './windingTree.js';

/** Options of {@link windingNumbers}. */
export interface WindingNumbersOptions {
  /**
   * Accuracy parameter β of fast winding numbers: a BVH node whose vertices lie in a ball of radius r
   * around its centre p̃ is replaced by its dipole expansion when |q − p̃| > β·r. Larger is more exact and
   * slower; Barill et al. recommend 2. `Infinity` evaluates every triangle exactly. A value that lands within
   * 0.05·(2/β)⁴ of ±½ is re-evaluated with 8β and, if still that close, exactly, so the inside/outside side
   * never rests on the far-field error.
   */
  beta?: number;
  /**
   * For closed, consistently oriented meshes (every edge matched by its reverse) compute w exactly as the
   * signed count of ray crossings along ±z (watertight edge tests), falling back to the tree for points
   * whose rays graze an edge, a vertex or the point itself. Much faster; same answer up to the far-field
   * error of the tree. `false` always uses the tree.
   */
  rayCastClosed?: boolean;
}

/** Defaults of {@link WindingNumbersOptions}. */
export const WINDING_NUMBERS_DEFAULTS: Required<WindingNumbersOptions> = { beta: 2, rayCastClosed: true };

const INV_4PI = 1 / (4 * Math.PI);
const INV_2PI = 1 / (2 * Math.PI);

/**
 * Half-width of the band around w = ±½ inside which a far-field value (accuracy β) is re-evaluated more
 * accurately. The order-3 expansion's relative error falls like (1/β)^4; 0.05 at β = 2 is ~50× the largest error
 * seen on the test meshes (open sheets beside closed meshes), so points outside the band keep their side.
 * @internal
 */
export function nearHalfBand(beta: number): number {
  return 0.05 * (2 / beta) ** 4;
}

/** @internal Set by {@link evalWinding}: the query lies exactly on a triangle (see `contains`). */
export let lastOnSurface = false;

/**
 * Winding number of one query point: exact Van Oosterom–Strackee solid angles near, order-2 dipole
 * expansion (through second moments) far. Sets {@link lastOnSurface}. @internal
 */
export function evalWinding(tree: WindingTree, qx: number, qy: number, qz: number, beta2: number, stack: Int32Array): number {
  const { tri, start, count, right, data } = tree;
  let on = false;
  let far = 0; // Σ expansion terms (already ×4π)
  let near = 0; // Σ atan2 halves (solid angle / 2)
  let sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const node = stack[--sp];
    const o = STRIDE * node;
    const rx = data[o] - qx, ry = data[o + 1] - qy, rz = data[o + 2] - qz;
    const d2 = rx * rx + ry * ry + rz * rz;
    const rad = data[o + 15];
    if (d2 > beta2 * rad * rad) {
      const d = Math.sqrt(d2);
      const id3 = 1 / (d2 * d);
      const id5 = id3 / d2;
      const M = o + 6;
      const rMr =
        rx * (data[M] * rx + data[M + 1] * ry + data[M + 2] * rz) +
        ry * (data[M + 3] * rx + data[M + 4] * ry + data[M + 5] * rz) +
        rz * (data[M + 6] * rx + data[M + 7] * ry + data[M + 8] * rz);
      // order-3 term ½ Σ H_ijk S_ijk with H = ∂²/∂x² of (x − q)/|x − q|³
      const S = o + 16;
      // S_i as [00 01 02 11 12 22]; Σ_ij S_iij r_j, Σ_i r_i tr(S_i), Σ_i r_i rᵀS_i r
      const sxx0 = data[S], sxx1 = data[S + 1], sxx2 = data[S + 2], sxx3 = data[S + 3], sxx4 = data[S + 4], sxx5 = data[S + 5];
      const syy0 = data[S + 6], syy1 = data[S + 7], syy2 = data[S + 8], syy3 = data[S + 9], syy4 = data[S + 10], syy5 = data[S + 11];
      const szz0 = data[S + 12], szz1 = data[S + 13], szz2 = data[S + 14], szz3 = data[S + 15], szz4 = data[S + 16], szz5 = data[S + 17];
      const diag =
        sxx0 * rx + sxx1 * ry + sxx2 * rz + // S_x row x
        syy1 * rx + syy3 * ry + syy4 * rz + // S_y row y
        szz2 * rx + szz4 * ry + szz5 * rz; // S_z row z
      const trs = rx * (sxx0 + sxx3 + sxx5) + ry * (syy0 + syy3 + syy5) + rz * (szz0 + szz3 + szz5);
      const rx2 = rx * rx, ry2 = ry * ry, rz2 = rz * rz, rxy = 2 * rx * ry, rxz = 2 * rx * rz, ryz = 2 * ry * rz;
      const cub =
        rx * (sxx0 * rx2 + sxx1 * rxy + sxx2 * rxz + sxx3 * ry2 + sxx4 * ryz + sxx5 * rz2) +
        ry * (syy0 * rx2 + syy1 * rxy + syy2 * rxz + syy3 * ry2 + syy4 * ryz + syy5 * rz2) +
        rz * (szz0 * rx2 + szz1 * rxy + szz2 * rxz + szz3 * ry2 + szz4 * ryz + szz5 * rz2);
      const id7 = id5 / d2;
      far +=
        (rx * data[o + 3] + ry * data[o + 4] + rz * data[o + 5]) * id3 +
        (data[M] + data[M + 4] + data[M + 8]) * id3 -
        3 * rMr * id5 +
        0.5 * (-3 * id5 * (2 * diag + trs) + 15 * id7 * cub);
      continue;
    }
    const rc = right[node];
    if (rc >= 0) {
      stack[sp++] = rc;
      stack[sp++] = node + 1;
      continue;
    }
    const e = start[node] + count[node];
    for (let i = start[node]; i < e; i++) {
      const t = 9 * i;
      const ax = tri[t] - qx, ay = tri[t + 1] - qy, az = tri[t + 2] - qz;
      const bx = tri[t + 3] - qx, by = tri[t + 4] - qy, bz = tri[t + 5] - qz;
      const cx = tri[t + 6] - qx, cy = tri[t + 7] - qy, cz = tri[t + 8] - qz;
      const la = Math.sqrt(ax * ax + ay * ay + az * az);
      const lb = Math.sqrt(bx * bx + by * by + bz * bz);
      const lc = Math.sqrt(cx * cx + cy * cy + cz * cz);
      const num = ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
      const den = la * lb * lc + (ax * bx + ay * by + az * bz) * lc + (bx * cx + by * cy + bz * cz) * la + (cx * ax + cy * ay + cz * az) * lb;
      if (num === 0) {
        // coplanar with the triangle: inside/on it (den ≤ 0) means on the surface; either way no solid angle
        if (den <= 0) on = true;
        continue;
      }
      near += Math.atan2(num, den);
    }
  }
  lastOnSurface = on;
  return far * INV_4PI + near * INV_2PI;
}

/**
 * Shared driver of windingNumbers/contains: calls `emit(i, w, onSurface)` for every point. Uses the exact
 * ray-crossing count for closed meshes when allowed, the fast-winding tree (built lazily) otherwise. @internal
 */
export function windingInto(
  mesh: TriangleMesh,
  points: Float32Array,
  beta: number,
  rayCastClosed: boolean,
  emit: (i: number, w: number, onSurface: boolean) => void,
  stats?: { refined: number; exact: number },
): void {
  const n = points.length / 3;
  if (n === 0) return;
  let fallback: Uint8Array | undefined;
  if (rayCastClosed && n > 0 && isClosedMesh(mesh)) {
    const w = new Float64Array(n);
    fallback = new Uint8Array(n);
    closedWindingNumbers(mesh, points, w, fallback);
    for (let i = 0; i < n; i++) if (!fallback[i]) emit(i, w[i], false);
    if (!fallback.includes(1)) return;
  }
  const tree = buildWindingTree(mesh);
  const stack = makeStack(tree);
  const beta2 = beta * beta;
  for (const i of mortonOrder(points, fallback)) {
    if (tree.tri.length === 0) emit(i, 0, false);
    else {
      const qx = points[3 * i], qy = points[3 * i + 1], qz = points[3 * i + 2];
      let w = evalWinding(tree, qx, qy, qz, beta2, stack);
      // Near ±½ the far-field error decides the side: refine with 8× β, then exactly (β = ∞).
      if (beta2 !== Infinity && Math.abs(Math.abs(w) - 0.5) < nearHalfBand(beta)) {
        w = evalWinding(tree, qx, qy, qz, 64 * beta2, stack);
        if (stats) stats.refined++;
        if (Math.abs(Math.abs(w) - 0.5) < nearHalfBand(8 * beta)) {
          w = evalWinding(tree, qx, qy, qz, Infinity, stack);
          if (stats) stats.exact++;
        }
      }
      emit(i, w, lastOnSurface);
    }
  }
}

/**
 * Indices of the points (those with `mask[i] = 1`, or all) sorted along a 3D Morton curve over their
 * bounding box: neighbouring queries then walk the same tree nodes, which is ~25 % faster. Evaluation
 * order does not change any result. @internal
 */
export function mortonOrder(points: Float32Array, mask?: Uint8Array): Uint32Array {
  const n = points.length / 3;
  let m = 0;
  for (let i = 0; i < n; i++) if (!mask || mask[i]) m++;
  const idx = new Uint32Array(m);
  if (m === 0) return idx;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    if (mask && !mask[i]) continue;
    for (let k = 0; k < 3; k++) {
      const v = points[3 * i + k];
      if (v < lo[k]) lo[k] = v;
      if (v > hi[k]) hi[k] = v;
    }
  }
  const sc = [0, 1, 2].map((k) => (hi[k] > lo[k] ? 1023.999 / (hi[k] - lo[k]) : 0));
  const spread = (v: number): number => {
    let x = v & 0x3ff;
    x = (x | (x << 16)) & 0x30000ff;
    x = (x | (x << 8)) & 0x300f00f;
    x = (x | (x << 4)) & 0x30c30c3;
    return (x | (x << 2)) & 0x9249249;
  };
  const code = (i: number): number =>
    (spread(Math.floor((points[3 * i] - lo[0]) * sc[0])) |
      (spread(Math.floor((points[3 * i + 1] - lo[1]) * sc[1])) << 1) |
      (spread(Math.floor((points[3 * i + 2] - lo[2]) * sc[2])) << 2)) >>>
    0;
  if (n < 2 ** 22) {
    // key·2²² + index fits in 2⁵³: one native numeric sort, ties broken by index (deterministic)
    const keys = new Float64Array(m);
    let j = 0;
    for (let i = 0; i < n; i++) if (!mask || mask[i]) keys[j++] = code(i) * 4194304 + i;
    keys.sort();
    for (let k = 0; k < m; k++) idx[k] = keys[k] % 4194304;
    return idx;
  }
  let j = 0;
  for (let i = 0; i < n; i++) if (!mask || mask[i]) idx[j++] = i;
  const codes = new Uint32Array(n);
  for (const i of idx) codes[i] = code(i);
  return idx.sort((a, b) => codes[a] - codes[b] || a - b);
}

/** @internal */
export function makeStack(tree: WindingTree): Int32Array {
  return new Int32Array(Math.max(64, 2 * tree.nodes + 2));
}

/**
 * Generalized winding number w(q) = (1/4π) Σ Ωₜ(q) of every query point with respect to the mesh
 * (Jacobson et al. 2013), computed with the fast-winding-number tree of Barill et al. 2018 (SIGGRAPH,
 * §3–4): a BVH over the triangles, a second-order Taylor expansion (dipole term plus first and second moments) for nodes far from q (|q − p̃| > β·r) and
 * exact Van Oosterom–Strackee solid angles `Ω = 2·atan2(a·(b×c), |a||b||c| + (a·b)|c| + (b·c)|a| + (c·a)|b|)`
 * near. For a closed, outward-oriented mesh w is 1 inside and 0 outside; overlapping components add
 * (w = 2 where two closed parts overlap); holes make w fall off smoothly instead of breaking the answer;
 * an inside-out mesh gives −1. All arithmetic is float64; the traversal order is fixed, so results are
 * deterministic. Triangles a query lies on exactly contribute 0 (so w ≈ ½ on a closed surface).
 * For closed, consistently oriented meshes the default `rayCastClosed` computes the same integer w exactly
 * (and faster) by signed ray crossings, using the tree only where a ray grazes an edge or vertex.
 *
 * @param mesh triangle mesh (any orientation; triangles of zero area are ignored).
 * @param points `[N·3]` query points.
 * @returns `Float32Array [N]` winding numbers.
 * @example
 * ```ts
 * const w = windingNumbers(icosphere(4, 0.4), new Float32Array([0, 0, 0, 1, 0, 0])); // ≈ [1, 0]
 * ```
 * @throws {@link SamplingError} `SHAPE_MISMATCH`, `NON_FINITE`, `INVALID_ARGUMENT` (β ≤ 0).
 * @category Inside/outside
 */
export function windingNumbers(mesh: TriangleMesh, points: Float32Array, options: WindingNumbersOptions = {}): Float32Array {
  const { beta, rayCastClosed } = { ...WINDING_NUMBERS_DEFAULTS, ...options };
  if (!(beta === Infinity)) checkNumber(beta, 'beta', 1e-9);
  checkMesh(mesh, false);
  checkPoints(points);
  const out = new Float32Array(points.length / 3);
  windingInto(mesh, points, beta, rayCastClosed, (i, w) => {
    out[i] = w;
  });
  return out;
}
