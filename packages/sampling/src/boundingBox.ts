import type { TriangleMesh } from '@onet/io';
import { SamplingError } from './errors.js';
import { checkMesh, checkPoints } from './validate.js';

/** Axis-aligned bounding box, with the centre and longest side that normalisation uses. */
export interface BoundingBox {
  /** Smallest x, y, z. */
  min: [number, number, number];
  /** Largest x, y, z. */
  max: [number, number, number];
  /** Centre `(min + max) / 2`: the reference's `loc`. */
  center: [number, number, number];
  /** Longest side `max(max − min)` over the three axes (0 for a single point). */
  side: number;
}

/**
 * Bounding box of the xyz triples in `positions`, or of only the vertices that `indices` references when
 * given. No validation (callers have validated). @internal
 */
export function boundsOf(positions: ArrayLike<number>, indices?: ArrayLike<number>): BoundingBox {
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  const n = indices ? indices.length : positions.length / 3;
  for (let i = 0; i < n; i++) {
    const o = 3 * (indices ? indices[i] : i);
    const x = positions[o], y = positions[o + 1], z = positions[o + 2];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  return {
    min: [x0, y0, z0],
    max: [x1, y1, z1],
    center: [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2],
    side: Math.max(x1 - x0, y1 - y0, z1 - z0),
  };
}

/**
 * Axis-aligned bounding box of a mesh or of a point array `[N·3]` (float64 arithmetic on the float32
 * coordinates). For a mesh only vertices referenced by a face count (all vertices when it has no faces),
 * the rule {@link normalizeMesh} uses (REFERENCE §2.1 step 4), so `center` and `side` are its `loc` and
 * its `scale` at padding 0.
 *
 * @example
 * ```ts
 * boundingBox(box([1, 2, 1], [5, 0, 0])); // { min: [4.5, -1, -0.5], max: [5.5, 1, 0.5], center: [5, 0, 0], side: 2 }
 * ```
 * @throws {@link SamplingError} `EMPTY` (no vertices or points), `NON_FINITE`, `SHAPE_MISMATCH`, `INVALID_ARGUMENT`.
 * @category Geometry
 */
export function boundingBox(input: TriangleMesh | Float32Array): BoundingBox {
  if (input instanceof Float32Array) {
    checkPoints(input);
    if (input.length === 0) throw new SamplingError('EMPTY', 'no points: a bounding box needs at least one');
    return boundsOf(input);
  }
  checkMesh(input, false);
  if (input.positions.length === 0) throw new SamplingError('EMPTY', 'mesh has no vertices: a bounding box needs at least one');
  return boundsOf(input.positions, input.indices.length > 0 ? input.indices : undefined);
}
