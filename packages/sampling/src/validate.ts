import type { TriangleMesh } from '@onet/io';
import { SamplingError } from './errors.js';

/** Largest count of points/samples any function allocates in one call (≈ 1.2 GB of float32 xyz). */
export const MAX_POINTS = 100_000_000;

/** Throws unless `n` is an integer in [min, MAX_POINTS]. */
export function checkCount(n: number, what: string, min = 0): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new SamplingError('INVALID_ARGUMENT', `${what} must be an integer ≥ ${min}, got ${String(n)}`);
  }
  if (n > MAX_POINTS) {
    throw new SamplingError('TOO_LARGE', `${what} = ${n} exceeds the limit of ${MAX_POINTS}; split the work into chunks`);
  }
}

/** Throws unless `x` is a finite number in [lo, hi]. */
export function checkNumber(x: number, what: string, lo = -Infinity, hi = Infinity): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi) {
    throw new SamplingError('INVALID_ARGUMENT', `${what} must be a finite number in [${lo}, ${hi}], got ${String(x)}`);
  }
}

/** Throws unless `points` is a Float32Array/Float64Array of finite xyz triples. */
export function checkPoints(points: ArrayLike<number>, what = 'points'): void {
  if (!(points instanceof Float32Array || points instanceof Float64Array)) {
    throw new SamplingError('INVALID_ARGUMENT', `${what} must be a Float32Array [N·3]`);
  }
  if (points.length % 3 !== 0) {
    throw new SamplingError('SHAPE_MISMATCH', `${what} length ${points.length} is not a multiple of 3 ([N·3] xyz)`);
  }
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) {
      throw new SamplingError('NON_FINITE', `${what}[${i}] is ${points[i]}; remove NaN/Infinity values first`);
    }
  }
}

/**
 * Validate a triangle mesh: typed arrays, lengths multiple of 3, indices in range, finite positions.
 * `requireFaces` (default true) also throws `EMPTY` for zero triangles.
 */
export function checkMesh(mesh: TriangleMesh, requireFaces = true): void {
  if (!mesh || !(mesh.positions instanceof Float32Array) || !(mesh.indices instanceof Uint32Array)) {
    throw new SamplingError('INVALID_ARGUMENT', 'mesh must be { positions: Float32Array [V·3], indices: Uint32Array [F·3] }');
  }
  const { positions, indices } = mesh;
  if (positions.length % 3 !== 0) {
    throw new SamplingError('SHAPE_MISMATCH', `mesh.positions length ${positions.length} is not a multiple of 3`);
  }
  if (indices.length % 3 !== 0) {
    throw new SamplingError('SHAPE_MISMATCH', `mesh.indices length ${indices.length} is not a multiple of 3 (triangles only)`);
  }
  if (requireFaces && indices.length === 0) throw new SamplingError('EMPTY', 'mesh has no triangles');
  const nv = positions.length / 3;
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= nv) {
      throw new SamplingError('SHAPE_MISMATCH', `mesh.indices[${i}] = ${indices[i]} is out of range (mesh has ${nv} vertices)`);
    }
  }
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i])) {
      throw new SamplingError('NON_FINITE', `mesh.positions[${i}] is ${positions[i]}; clean the mesh first`);
    }
  }
}
