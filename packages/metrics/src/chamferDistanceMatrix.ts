import { KdTree } from './kdtree.js';
import { MetricsError } from './errors.js';
import { checkCoordinates } from './validate.js';

/** A dense row-major matrix of distances between two sets of shapes. */
export interface DistanceMatrix {
  /** Number of rows (shapes of the first set). */
  rows: number;
  /** Number of columns (shapes of the second set). */
  cols: number;
  /** `[rows·cols]` row-major: `data[i·cols + j]` = distance of row shape i to column shape j. */
  data: Float64Array;
}

/**
 * Chamfer distance between every shape of `a` and every shape of `b`, each shape given by surface samples `[N·3]`, as
 * the generative-3D literature defines it for COV / MMD / 1-NNA (Achlioptas et al. 2018; Yang et al. 2019, PointFlow):
 * **CD(X, Y) = mean_{x∈X} min_{y∈Y} ‖x − y‖² + mean_{y∈Y} min_{x∈X} ‖x − y‖²** — squared Euclidean, the two directions
 * summed (twice `chamferL2`, which halves). Exact (one k-d tree per shape, built once), float64.
 *
 * @param a `[A]` point sets `[Nᵢ·3]` (rows).
 * @param b `[B]` point sets `[Mⱼ·3]` (columns); omit to compare `a` with itself (symmetric, zero diagonal, half the work).
 * @returns the `A × B` {@link DistanceMatrix}, in squared length units.
 * @example
 * ```ts
 * const d = chamferDistanceMatrix(generatedClouds, testClouds); // d.data[i * d.cols + j]
 * ```
 * @throws {MetricsError} `EMPTY` (a set without shapes, or a shape without points), `BAD_LENGTH`, `NON_FINITE`.
 * @category Generative metrics
 */
export function chamferDistanceMatrix(a: Float32Array[], b?: Float32Array[]): DistanceMatrix {
  const self = b === undefined;
  const cols = b ?? a;
  check(a, 'a');
  if (!self) check(cols, 'b');
  const treesA = a.map((p) => KdTree.build(p));
  const treesB = self ? treesA : cols.map((p) => KdTree.build(p));
  const out = new Float64Array(a.length * cols.length);
  for (let i = 0; i < a.length; i++) {
    for (let j = self ? i + 1 : 0; j < cols.length; j++) {
      const d = meanSquare(treesB[j].nearest(a[i]).distances) + meanSquare(treesA[i].nearest(cols[j]).distances);
      out[i * cols.length + j] = d;
      if (self) out[j * cols.length + i] = d;
    }
  }
  return { rows: a.length, cols: cols.length, data: out };
}

function meanSquare(d: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return s / d.length;
}

function check(set: Float32Array[], what: string): void {
  if (!Array.isArray(set) || set.length === 0) throw new MetricsError('EMPTY', `${what} must be a non-empty array of point sets [N·3]`);
  set.forEach((p, i) => {
    checkCoordinates(p, `${what}[${i}]`);
    if (p.length === 0) throw new MetricsError('EMPTY', `${what}[${i}] has no points: sample each shape's surface first`);
  });
}

/** Throws unless `m` is a well-formed {@link DistanceMatrix} of finite values ≥ 0. @internal */
export function checkDistanceMatrix(m: DistanceMatrix, what: string): void {
  if (!m || !Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 1 || m.cols < 1) {
    throw new MetricsError('EMPTY', `${what} must have at least one row and one column`);
  }
  if (!(m.data instanceof Float64Array) || m.data.length !== m.rows * m.cols) {
    throw new MetricsError('SHAPE_MISMATCH', `${what}.data must be a Float64Array of rows·cols = ${m.rows * m.cols} values`);
  }
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (!(v >= 0) || v === Infinity) throw new MetricsError('NON_FINITE', `${what}.data[${i}] is ${v}: distances must be finite and ≥ 0`);
  }
}
