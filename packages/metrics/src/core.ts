/** Shared arithmetic of the point-set metrics. @internal */
import { MetricsError } from './errors.js';
import { KdTree, type NearestResult } from './kdtree.js';
import type { CheckedCloud } from './validate.js';

/** Nearest GT point of every predicted point (the accuracy direction). */
export function predToGt(pred: CheckedCloud, gt: CheckedCloud): NearestResult {
  return KdTree.build(gt.points).nearest(pred.points);
}

/** Nearest predicted point of every GT point (the completeness direction). */
export function gtToPred(pred: CheckedCloud, gt: CheckedCloud): NearestResult {
  return KdTree.build(pred.points).nearest(gt.points);
}

/** Both directions from one tree per cloud, each cloud's tree ordering the other's queries. */
export function bothWays(pred: CheckedCloud, gt: CheckedCloud): { acc: NearestResult; comp: NearestResult } {
  const predTree = KdTree.build(pred.points);
  const gtTree = KdTree.build(gt.points);
  return { acc: gtTree.nearest(predTree), comp: predTree.nearest(gtTree) };
}

/** Throws `EMPTY_GROUND_TRUTH` when the ground truth has no points. */
export function requireGroundTruth(gt: CheckedCloud): void {
  if (gt.count === 0) {
    throw new MetricsError(
      'EMPTY_GROUND_TRUTH',
      'the ground truth has no points, so the metric is undefined: check the ground-truth file or mesh.',
    );
  }
}

/** Throws `MISSING_NORMALS` unless both sides carry normals. */
export function requireNormals(pred: CheckedCloud, gt: CheckedCloud): void {
  if (pred.normals === undefined && pred.count > 0) {
    throw new MetricsError('MISSING_NORMALS', 'normal consistency needs pred.normals [N·3]: pass { points, normals }.');
  }
  if (gt.normals === undefined) {
    throw new MetricsError('MISSING_NORMALS', 'normal consistency needs gt.normals [N·3]: pass { points, normals }.');
  }
}

/** Mean of `a` (float64, sequential). */
export function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/** Mean of `a²`. */
export function meanSquare(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s / a.length;
}

/**
 * Mean over source points of |n̂_src · n̂_tgt[nn]|, normals normalised first (ON:im2mesh/eval.py
 * `distance_p2p`), in float64.
 */
export function meanAbsNormalDot(src: Float32Array, tgt: Float32Array, nn: Uint32Array): number {
  let s = 0;
  const n = nn.length;
  for (let i = 0; i < n; i++) {
    const a = 3 * i, b = 3 * nn[i];
    const ax = src[a], ay = src[a + 1], az = src[a + 2];
    const bx = tgt[b], by = tgt[b + 1], bz = tgt[b + 2];
    const dot = ax * bx + ay * by + az * bz;
    s += Math.abs(dot) / (Math.sqrt(ax * ax + ay * ay + az * az) * Math.sqrt(bx * bx + by * by + bz * bz));
  }
  return s / n;
}

/**
 * Share of `distances` that are ≤ each threshold (`(d <= t).mean()` of the reference): counted in one pass per
 * threshold for a few thresholds, from one sorted copy for many (the same counts either way).
 */
export function sharesWithin(distances: Float64Array, thresholds: number[]): number[] {
  const n = distances.length;
  if (thresholds.length <= COUNT_PASSES_UP_TO) {
    return thresholds.map((t) => {
      let c = 0;
      for (let i = 0; i < n; i++) c += +(distances[i] <= t);
      return c / n;
    });
  }
  const sorted = distances.slice().sort();
  return thresholds.map((t) => {
    // first index with sorted[i] > t
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo / n;
  });
}

/** Up to this many thresholds {@link sharesWithin} counts by passes; beyond, it sorts (n log n) once. */
const COUNT_PASSES_UP_TO = 8;

/** F-score 2PR/(P+R), 0 when P = R = 0 (the reference would divide 0 by 0). */
export function harmonic(precision: number, recall: number): number {
  const s = precision + recall;
  return s > 0 ? (2 * precision * recall) / s : 0;
}
