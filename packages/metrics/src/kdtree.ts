import { MetricsError } from './errors.js';
import { checkCoordinates } from './validate.js';

/** Options of {@link KdTree.build}. */
export interface KdTreeOptions {
  /** Largest number of points a leaf holds; smaller leaves mean deeper trees and more node visits. */
  leafSize?: number;
}

/** Defaults of {@link KdTreeOptions}. */
export const KDTREE_DEFAULTS: Required<KdTreeOptions> = {
  leafSize: 10,
};

/** Options of {@link KdTree.nearest}. */
export interface NearestOptions {
  /**
   * Visit the queries in a space-filling-curve (Morton) order and start each search from the previous
   * query's neighbour. Results are returned in the caller's order either way; only ties between equally
   * near points may resolve differently.
   */
  spatialOrder?: boolean;
}

/** Defaults of {@link NearestOptions}. */
export const NEAREST_DEFAULTS: Required<NearestOptions> = {
  spatialOrder: true,
};

/** Result of {@link KdTree.nearest}: one entry per query point. */
export interface NearestResult {
  /** `[M]` Euclidean (not squared) distance from each query to its nearest tree point, computed in float64. */
  distances: Float64Array;
  /** `[M]` index (into the array given to {@link KdTree.build}) of that nearest point. */
  indices: Uint32Array;
}

const MAX_POINTS = 0xffffffff;
const STACK_SIZE = 256;

/**
 * A static 3-D k-d tree on typed arrays for exact nearest-neighbour queries.
 *
 * Built once from float32 `[N·3]` points (copied, not kept). All distance arithmetic runs in float64 on
 * the float32 coordinates, so distances are bit-identical to scipy's `cKDTree` after its float64
 * conversion. Nodes split at the median (quickselect) of the widest axis of their cell; each node keeps
 * its tight bounding box and its cell. A query starts from a real candidate (the previous query's
 * neighbour, queries visited along a Morton curve or in another tree's order), climbs to the smallest cell
 * that holds the whole candidate ball, then searches down, skipping a far child when the split plane or
 * its box is at least as far as the best point so far. Build and queries are iterative (explicit stacks
 * of depth ≤ log₂N + 1), so degenerate sets — all points equal, collinear, many duplicates — neither
 * recurse deeply nor degrade to a linear scan per query. No per-point objects are allocated.
 *
 * Ties (several points at exactly the nearest distance) resolve to one of them; the distance is exact.
 *
 * Source: the reference evaluates with `scipy.spatial.cKDTree` (ON:im2mesh/eval.py `distance_p2p`).
 *
 * @example
 * ```ts
 * const tree = KdTree.build(gtPoints);            // Float32Array [N·3]
 * const { distances, indices } = tree.nearest(predPoints); // Float64Array [M], Uint32Array [M]
 * ```
 * @throws {MetricsError} `BAD_LENGTH`, `NON_FINITE`, `EMPTY`, `TOO_LARGE`, `BAD_OPTION`.
 * @category Nearest neighbours
 */
export class KdTree {
  /** Number of points in the tree. */
  readonly size: number;
  /** `[N·3]` coordinates in tree order (float32 as given; arithmetic happens in float64). */
  private readonly pts: Float32Array;
  /** `[N]` tree order → original index. */
  private readonly perm: Uint32Array;
  /** First point (tree order) of each node. */
  private readonly nodeStart: Uint32Array;
  /** One past the last point of each node. */
  private readonly nodeEnd: Uint32Array;
  /** Right child of each inner node (the left child is the next node), −1 for a leaf. */
  private readonly nodeRight: Int32Array;
  /** Split axis of each inner node. */
  private readonly nodeDim: Uint8Array;
  /** Split coordinate of each inner node. */
  private readonly nodeSplit: Float32Array;
  /** `[nodes·6]` tight bounding box of each node: min x, y, z, max x, y, z (exact: float32 extremes). */
  private readonly nodeBox: Float32Array;
  /**
   * `[nodes·6]` cell of each node: the root's bounding box cut by the splits above it. Cells of one depth
   * partition the root box, and every point of a subtree lies in its (closed) cell.
   */
  private readonly nodeCell: Float32Array;
  /** Parent of each node (−1 for the root). */
  private readonly nodeParent: Int32Array;
  /** Number of nodes. */
  readonly nodeCount: number;

  private constructor(
    size: number,
    pts: Float32Array,
    perm: Uint32Array,
    nodeStart: Uint32Array,
    nodeEnd: Uint32Array,
    nodeRight: Int32Array,
    nodeDim: Uint8Array,
    nodeSplit: Float32Array,
    nodeBox: Float32Array,
    nodeCell: Float32Array,
    nodeParent: Int32Array,
    nodeCount: number,
  ) {
    this.size = size;
    this.pts = pts;
    this.perm = perm;
    this.nodeStart = nodeStart;
    this.nodeEnd = nodeEnd;
    this.nodeRight = nodeRight;
    this.nodeDim = nodeDim;
    this.nodeSplit = nodeSplit;
    this.nodeBox = nodeBox;
    this.nodeCell = nodeCell;
    this.nodeParent = nodeParent;
    this.nodeCount = nodeCount;
  }

  /**
   * Builds a tree over `points` `[N·3]` (x-y-z interleaved). The array is copied, not kept.
   *
   * @throws {MetricsError} `BAD_LENGTH` (length not a multiple of 3), `NON_FINITE` (NaN/∞ coordinate),
   *   `EMPTY` (no points), `TOO_LARGE` (more than 2³² − 1 points), `BAD_OPTION` (leafSize < 1).
   */
  static build(points: Float32Array, options: KdTreeOptions = {}): KdTree {
    const { leafSize } = { ...KDTREE_DEFAULTS, ...options };
    if (!Number.isInteger(leafSize) || leafSize < 1 || leafSize > 1024) {
      throw new MetricsError('BAD_OPTION', `leafSize must be an integer in [1, 1024], got ${leafSize}.`);
    }
    checkCoordinates(points, 'points');
    const n = points.length / 3;
    if (n === 0) throw new MetricsError('EMPTY', 'KdTree.build needs at least one point.');
    if (n > MAX_POINTS) throw new MetricsError('TOO_LARGE', `KdTree holds at most ${MAX_POINTS} points, got ${n}.`);

    const pts = points.slice();
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;

    // Every leaf of a tree with n > leafSize holds at least floor((leafSize + 1) / 2) points.
    const minLeaf = n > leafSize ? Math.floor((leafSize + 1) / 2) : n;
    const maxNodes = 2 * Math.ceil(n / minLeaf) + 1;
    const nodeStart = new Uint32Array(maxNodes);
    const nodeEnd = new Uint32Array(maxNodes);
    const nodeRight = new Int32Array(maxNodes);
    const nodeDim = new Uint8Array(maxNodes);
    const nodeSplit = new Float32Array(maxNodes);
    const nodeBox = new Float32Array(maxNodes * 6);
    const nodeCell = new Float32Array(maxNodes * 6);
    const nodeParent = new Int32Array(maxNodes);

    // Tasks (start, end, parent awaiting its right child, cell box) on an explicit stack, depth-first,
    // left first, so that a node's left child is always the next node id. The cell box (the root's
    // bounding box cut by the splits above) picks the split axis; tight boxes are computed afterwards.
    const tStart = new Uint32Array(STACK_SIZE);
    const tEnd = new Uint32Array(STACK_SIZE);
    const tParent = new Int32Array(STACK_SIZE);
    const tUp = new Int32Array(STACK_SIZE);
    const tCell = new Float64Array(STACK_SIZE * 6);
    boundingBox(pts, 0, n, tCell, 0);
    tStart[0] = 0;
    tEnd[0] = n;
    tParent[0] = -1;
    tUp[0] = -1;
    let sp = 1;
    let count = 0;
    while (sp > 0) {
      sp--;
      const s = tStart[sp];
      const e = tEnd[sp];
      const parent = tParent[sp];
      const c = sp * 6;
      const id = count++;
      if (parent >= 0) nodeRight[parent] = id;
      nodeParent[id] = tUp[sp];
      nodeStart[id] = s;
      nodeEnd[id] = e;
      for (let k = 0; k < 6; k++) nodeCell[id * 6 + k] = tCell[c + k];
      if (e - s <= leafSize) {
        nodeRight[id] = -1;
        continue;
      }
      const ex = tCell[c + 3] - tCell[c], ey = tCell[c + 4] - tCell[c + 1], ez = tCell[c + 5] - tCell[c + 2];
      const dim = ex >= ey ? (ex >= ez ? 0 : 2) : ey >= ez ? 1 : 2;
      const mid = s + ((e - s) >> 1);
      selectKth(pts, perm, s, e - 1, mid, dim);
      const split = pts[mid * 3 + dim];
      nodeDim[id] = dim;
      nodeSplit[id] = split;
      if (sp + 2 > STACK_SIZE) throw new MetricsError('TOO_LARGE', 'KdTree build stack overflow.');
      // right task (popped last) reuses slot sp and the cell above the split; left task in slot sp + 1
      const l = (sp + 1) * 6;
      for (let k = 0; k < 6; k++) tCell[l + k] = tCell[c + k];
      tCell[l + 3 + dim] = split;
      tCell[c + dim] = split;
      tStart[sp] = mid;
      tEnd[sp] = e;
      tParent[sp] = id;
      tUp[sp] = id;
      tStart[sp + 1] = s;
      tEnd[sp + 1] = mid;
      tParent[sp + 1] = -1;
      tUp[sp + 1] = id;
      sp += 2;
    }
    // Tight boxes bottom-up: children have larger ids than their parent.
    for (let id = count - 1; id >= 0; id--) {
      const right = nodeRight[id];
      const b = id * 6;
      if (right < 0) {
        boundingBox(pts, nodeStart[id], nodeEnd[id], nodeBox, b);
      } else {
        const l = (id + 1) * 6, r = right * 6;
        for (let k = 0; k < 3; k++) {
          nodeBox[b + k] = Math.min(nodeBox[l + k], nodeBox[r + k]);
          nodeBox[b + 3 + k] = Math.max(nodeBox[l + 3 + k], nodeBox[r + 3 + k]);
        }
      }
    }
    return new KdTree(n, pts, perm, nodeStart, nodeEnd, nodeRight, nodeDim, nodeSplit, nodeBox, nodeCell, nodeParent, count);
  }

  /**
   * Exact nearest tree point of every query.
   *
   * @param queries `[M·3]` points, or another `KdTree`: then its points are the queries, visited in its
   *   own (spatially coherent) tree order with no sorting — the fast path for Chamfer-style all-pairs
   *   searches where both clouds have a tree anyway.
   * @returns distances `[M]` (Euclidean, float64) and indices `[M]` into the points given to
   *   {@link KdTree.build}, in the order of the query points as given (for a tree: the order of the array
   *   it was built from). An empty query array gives empty results.
   * @throws {MetricsError} `BAD_LENGTH`, `NON_FINITE`.
   */
  nearest(queries: Float32Array | KdTree, options: NearestOptions = {}): NearestResult {
    const { spatialOrder } = { ...NEAREST_DEFAULTS, ...options };
    if (queries instanceof KdTree) {
      const distances = new Float64Array(queries.size);
      const indices = new Uint32Array(queries.size);
      this.search(queries.pts, null, queries.perm, distances, indices);
      return { distances, indices };
    }
    checkCoordinates(queries, 'queries');
    const m = queries.length / 3;
    const distances = new Float64Array(m);
    const indices = new Uint32Array(m);
    if (m === 0) return { distances, indices };
    const order = spatialOrder && m > 64 ? mortonOrder(queries) : null;
    this.search(queries, order, null, distances, indices);
    return { distances, indices };
  }

  /**
   * Depth-first search of every query `queries[qi]`, visiting qi in `order` when given (a spatially
   * coherent order) and writing its result to position `slots[qi]` (or qi).
   *
   * Each query starts from a real candidate, the previous query's neighbour, and from the smallest
   * ancestor of that neighbour's leaf whose cell holds the whole ball of that radius around the query —
   * no point outside it can be closer — instead of from the root. Descending takes the child on the
   * query's side of the split; the other child is skipped when the split plane is at least as far as the
   * best distance, and otherwise pushed with the distance from the query to its tight box, to be popped
   * only while that is below the best distance.
   */
  private search(
    queries: Float32Array,
    order: Uint32Array | null,
    slots: Uint32Array | null,
    distances: Float64Array,
    indices: Uint32Array,
  ): void {
    const m = queries.length / 3;
    const pts = this.pts;
    const perm = this.perm;
    const nodeStart = this.nodeStart;
    const nodeEnd = this.nodeEnd;
    const nodeRight = this.nodeRight;
    const nodeDim = this.nodeDim;
    const nodeSplit = this.nodeSplit;
    const box = this.nodeBox;
    const cell = this.nodeCell;
    const parent = this.nodeParent;
    const stack = new Int32Array(STACK_SIZE);
    const bound = new Float64Array(STACK_SIZE);

    let prevLeaf = 0; // the leaf holding prev
    while (nodeRight[prevLeaf] >= 0) prevLeaf++; // leftmost leaf holds tree index 0
    let prev = 0; // tree-order index of the previous query's neighbour
    for (let k = 0; k < m; k++) {
      const qi = order === null ? k : order[k];
      const qo = qi * 3;
      const qx = queries[qo], qy = queries[qo + 1], qz = queries[qo + 2];
      let o = prev * 3;
      let dx = pts[o] - qx, dy = pts[o + 1] - qy, dz = pts[o + 2] - qz;
      let best = dx * dx + dy * dy + dz * dz;
      let bestI = prev;
      let bestLeaf = prevLeaf;
      // Start from the smallest ancestor of that leaf whose cell strictly contains the ball of radius
      // √best around the query: no point outside that subtree can be closer. (Computed squares are
      // monotone, so the strict test is exact in floating point.)
      let node = prevLeaf;
      while (node !== 0) {
        const c = node * 6;
        let t = qx - cell[c];
        if (t >= 0 && t * t > best) {
          t = cell[c + 3] - qx;
          if (t >= 0 && t * t > best) {
            t = qy - cell[c + 1];
            if (t >= 0 && t * t > best) {
              t = cell[c + 4] - qy;
              if (t >= 0 && t * t > best) {
                t = qz - cell[c + 2];
                if (t >= 0 && t * t > best) {
                  t = cell[c + 5] - qz;
                  if (t >= 0 && t * t > best) break;
                }
              }
            }
          }
        }
        node = parent[node];
      }
      let sp = 0;
      for (;;) {
        // descend to the leaf on the query's side, pushing the far children that may hold a closer point
        let right = nodeRight[node];
        while (right >= 0) {
          const dim = nodeDim[node];
          const q = dim === 0 ? qx : dim === 1 ? qy : qz;
          const split = nodeSplit[node];
          let far: number;
          if (q < split) {
            far = right;
            node = node + 1;
          } else {
            far = node + 1;
            node = right;
          }
          right = nodeRight[node];
          // the far child lies beyond the split plane: skip it unless the plane is nearer than the best
          const dp = q - split;
          if (dp * dp >= best) continue;
          const b = far * 6;
          let d = 0;
          let t = box[b] - qx;
          if (t > 0) d += t * t;
          else {
            t = qx - box[b + 3];
            if (t > 0) d += t * t;
          }
          t = box[b + 1] - qy;
          if (t > 0) d += t * t;
          else {
            t = qy - box[b + 4];
            if (t > 0) d += t * t;
          }
          t = box[b + 2] - qz;
          if (t > 0) d += t * t;
          else {
            t = qz - box[b + 5];
            if (t > 0) d += t * t;
          }
          if (d < best) {
            stack[sp] = far;
            bound[sp] = d;
            sp++;
          }
        }
        const e = nodeEnd[node];
        let i = nodeStart[node];
        o = i * 3;
        for (; i < e; i++, o += 3) {
          dx = pts[o] - qx;
          dy = pts[o + 1] - qy;
          dz = pts[o + 2] - qz;
          const d2 = dx * dx + dy * dy + dz * dz;
          if (d2 < best) {
            best = d2;
            bestI = i;
            bestLeaf = node;
          }
        }
        // the most recently pushed subtree that can still hold a closer point
        while (sp > 0 && bound[sp - 1] >= best) sp--;
        if (sp === 0) break;
        node = stack[--sp];
      }
      prev = bestI;
      prevLeaf = bestLeaf;
      const slot = slots === null ? qi : slots[qi];
      distances[slot] = Math.sqrt(best);
      indices[slot] = perm[bestI];
    }
  }
}


/**
 * Reorders `pts`/`perm` in [lo, hi] so that position k holds the k-th smallest key on axis `dim`, smaller
 * keys before it and larger after it (Hoare quickselect). Large ranges take the pivot from the median of
 * a small sample, which lands the first partition close to k and saves most of the passes.
 */
function selectKth(pts: Float32Array, perm: Uint32Array, lo: number, hi: number, k: number, dim: number): void {
  const sample = SAMPLE_BUF;
  while (hi > lo) {
    let pivot: number;
    const n = hi - lo + 1;
    if (n > 8 * SAMPLE) {
      // pivot = the sample value at k's relative rank, from SAMPLE evenly spaced keys
      const step = n / SAMPLE;
      for (let s = 0; s < SAMPLE; s++) {
        const v = pts[(lo + Math.floor(s * step)) * 3 + dim];
        let j = s - 1;
        while (j >= 0 && sample[j] > v) {
          sample[j + 1] = sample[j];
          j--;
        }
        sample[j + 1] = v;
      }
      pivot = sample[Math.min(SAMPLE - 1, Math.floor(((k - lo) / n) * SAMPLE))];
    } else {
      const mid = (lo + hi) >> 1;
      // median of three into mid
      if (pts[mid * 3 + dim] < pts[lo * 3 + dim]) swap(pts, perm, mid, lo);
      if (pts[hi * 3 + dim] < pts[lo * 3 + dim]) swap(pts, perm, hi, lo);
      if (pts[hi * 3 + dim] < pts[mid * 3 + dim]) swap(pts, perm, hi, mid);
      pivot = pts[mid * 3 + dim];
    }
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (pts[i * 3 + dim] < pivot) i++;
      while (pts[j * 3 + dim] > pivot) j--;
      if (i <= j) {
        swap(pts, perm, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

const SAMPLE = 31;
const SAMPLE_BUF = new Float64Array(SAMPLE);

/** Writes the bounding box of points [s, e) to `out[o..o+6)` (min x, y, z, max x, y, z). */
function boundingBox(pts: Float32Array, s: number, e: number, out: Float32Array | Float64Array, o: number): void {
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let i = s * 3, end = e * 3; i < end; i += 3) {
    const x = pts[i], y = pts[i + 1], z = pts[i + 2];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  out[o] = x0;
  out[o + 1] = y0;
  out[o + 2] = z0;
  out[o + 3] = x1;
  out[o + 4] = y1;
  out[o + 5] = z1;
}

function swap(pts: Float32Array, perm: Uint32Array, a: number, b: number): void {
  const ao = a * 3, bo = b * 3;
  let t = pts[ao];
  pts[ao] = pts[bo];
  pts[bo] = t;
  t = pts[ao + 1];
  pts[ao + 1] = pts[bo + 1];
  pts[bo + 1] = t;
  t = pts[ao + 2];
  pts[ao + 2] = pts[bo + 2];
  pts[bo + 2] = t;
  const p = perm[a];
  perm[a] = perm[b];
  perm[b] = p;
}

/** Interleaves the low 10 bits of v with two zero bits between each. */
function spread10(v: number): number {
  v &= 0x3ff;
  v = (v | (v << 16)) & 0x030000ff;
  v = (v | (v << 8)) & 0x0300f00f;
  v = (v | (v << 4)) & 0x030c30c3;
  v = (v | (v << 2)) & 0x09249249;
  return v;
}

/** `[M]` permutation visiting the points `[M·3]` along a 30-bit Morton curve (LSD radix sort, 2 passes). */
function mortonOrder(p: Float32Array): Uint32Array {
  const m = p.length / 3;
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i], y = p[i + 1], z = p[i + 2];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  const ext = Math.max(x1 - x0, y1 - y0, z1 - z0);
  const s = ext > 0 ? 1023.999 / ext : 0;
  const codes = new Uint32Array(m);
  for (let i = 0, o = 0; i < m; i++, o += 3) {
    codes[i] =
      spread10((p[o] - x0) * s) | (spread10((p[o + 1] - y0) * s) << 1) | (spread10((p[o + 2] - z0) * s) << 2);
  }
  let src = new Uint32Array(m);
  for (let i = 0; i < m; i++) src[i] = i;
  let dst = new Uint32Array(m);
  const counts = new Uint32Array(1 << 15);
  for (let shift = 0; shift < 30; shift += 15) {
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[(codes[i] >>> shift) & 0x7fff]++;
    let sum = 0;
    for (let c = 0; c < counts.length; c++) {
      const t = counts[c];
      counts[c] = sum;
      sum += t;
    }
    for (let i = 0; i < m; i++) {
      const idx = src[i];
      dst[counts[(codes[idx] >>> shift) & 0x7fff]++] = idx;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
