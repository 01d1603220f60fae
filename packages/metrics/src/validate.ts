import type { PointCloud, TriangleMesh } from '@onet/io';
import { MetricsError } from './errors.js';

/** Points `[N·3]` alone, or a {@link PointCloud} (points with optional normals). */
export type PointsInput = Float32Array | PointCloud;

/** A validated point set. @internal */
export interface CheckedCloud {
  points: Float32Array;
  normals: Float32Array | undefined;
  count: number;
}

/** Throws unless `a` is a Float32Array of finite x-y-z triples `[N·3]`. @internal */
export function checkCoordinates(a: unknown, what: string): asserts a is Float32Array {
  if (!(a instanceof Float32Array)) {
    throw new MetricsError('BAD_LENGTH', `${what} must be a Float32Array [N·3], got ${describe(a)}.`);
  }
  if (a.length % 3 !== 0) {
    throw new MetricsError(
      'BAD_LENGTH',
      `${what} has ${a.length} values, not a multiple of 3: pass x-y-z interleaved [N·3].`,
    );
  }
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    // v - v is NaN for NaN and ±Infinity
    if (v - v !== 0) {
      throw new MetricsError(
        'NON_FINITE',
        `${what}[${i}] (point ${Math.floor(i / 3)}) is ${v}: remove or repair non-finite coordinates first.`,
      );
    }
  }
}

/** Validates a point set and its optional normals (same length, finite, non-zero). @internal */
export function checkCloud(input: PointsInput, what: string): CheckedCloud {
  if (input instanceof Float32Array) {
    checkCoordinates(input, what);
    return { points: input, normals: undefined, count: input.length / 3 };
  }
  if (input === null || typeof input !== 'object' || !('points' in input)) {
    throw new MetricsError('BAD_LENGTH', `${what} must be a Float32Array [N·3] or { points, normals? }, got ${describe(input)}.`);
  }
  const { points, normals } = input;
  checkCoordinates(points, `${what}.points`);
  if (normals === undefined || normals === null) return { points, normals: undefined, count: points.length / 3 };
  if (!(normals instanceof Float32Array)) {
    throw new MetricsError('BAD_LENGTH', `${what}.normals must be a Float32Array [N·3], got ${describe(normals)}.`);
  }
  if (points.length === 0 && normals.length > 0) {
    throw new MetricsError(
      'NORMALS_WITHOUT_POINTS',
      `${what} has ${normals.length / 3} normals but no points: pass the points the normals belong to.`,
    );
  }
  if (normals.length !== points.length) {
    throw new MetricsError(
      'SHAPE_MISMATCH',
      `${what}.normals has ${normals.length} values but ${what}.points has ${points.length}: one unit normal per point.`,
    );
  }
  for (let i = 0; i < normals.length; i += 3) {
    const x = normals[i], y = normals[i + 1], z = normals[i + 2];
    const l = x * x + y * y + z * z;
    if (l - l !== 0) {
      throw new MetricsError('NON_FINITE', `${what}.normals of point ${i / 3} is (${x}, ${y}, ${z}): repair non-finite normals first.`);
    }
    if (l === 0) {
      throw new MetricsError(
        'ZERO_NORMAL',
        `${what}.normals of point ${i / 3} is the zero vector and has no direction: drop the point or give it a normal.`,
      );
    }
  }
  return { points, normals, count: points.length / 3 };
}

/** Validates thresholds: a non-empty list of finite numbers ≥ 0. @internal */
export function checkThresholds(thresholds: ArrayLike<number>): number[] {
  if (thresholds === null || typeof thresholds !== 'object' || typeof thresholds.length !== 'number') {
    throw new MetricsError('BAD_OPTION', `thresholds must be an array of distances, got ${describe(thresholds)}.`);
  }
  if (thresholds.length === 0) throw new MetricsError('BAD_OPTION', 'thresholds is empty: give at least one distance, e.g. [0.01].');
  const out = Array.from(thresholds);
  for (const t of out) {
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
      throw new MetricsError('BAD_OPTION', `thresholds must be finite distances ≥ 0 (unit-cube units), got ${String(t)}.`);
    }
  }
  return out;
}

/** Validates a triangle mesh's arrays (positions finite `[V·3]`, indices `[F·3]` in range). @internal */
export function checkMesh(mesh: TriangleMesh, what: string): void {
  if (mesh === null || typeof mesh !== 'object') {
    throw new MetricsError('BAD_LENGTH', `${what} must be a TriangleMesh { positions, indices }, got ${describe(mesh)}.`);
  }
  const { positions, indices } = mesh;
  checkCoordinates(positions, `${what}.positions`);
  if (!(indices instanceof Uint32Array)) {
    throw new MetricsError('BAD_LENGTH', `${what}.indices must be a Uint32Array [F·3], got ${describe(indices)}.`);
  }
  if (indices.length % 3 !== 0) {
    throw new MetricsError('BAD_LENGTH', `${what}.indices has ${indices.length} values, not a multiple of 3 (triangles only).`);
  }
  const nv = positions.length / 3;
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= nv) {
      throw new MetricsError(
        'SHAPE_MISMATCH',
        `${what}.indices[${i}] = ${indices[i]} but the mesh has ${nv} vertices: fix the face list.`,
      );
    }
  }
}

/** Total triangle area of a (validated) mesh, float64. @internal */
export function meshArea(mesh: TriangleMesh): number {
  const { positions: p, indices: f } = mesh;
  let total = 0;
  for (let t = 0; t < f.length; t += 3) {
    const a = 3 * f[t], b = 3 * f[t + 1], c = 3 * f[t + 2];
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    total += 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
  }
  return total;
}

function describe(a: unknown): string {
  if (a === null) return 'null';
  if (a === undefined) return 'undefined';
  if (typeof a !== 'object') return typeof a;
  return (a as object).constructor?.name ?? 'object';
}
