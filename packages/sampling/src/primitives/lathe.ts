import type { TriangleMesh } from '@onet/io';
import { SamplingError } from '../errors.js';
import { checkSegments } from './orient.js';
import { cappedTubeIndices, flipIfInsideOut } from './sweepTube.js';

/**
 * A closed, outward-oriented surface of revolution about the **z** axis: the polyline `profile` in the (r, z)
 * half-plane, from a point on the axis (r = 0) to another point on the axis, is revolved in `segments` steps. The two
 * axis points become poles, every other profile point a ring, so the mesh is watertight (genus 0). Cups and vases
 * come from profiles that go up the outside and back down the inside.
 *
 * @param profile `[r₀, z₀, r₁, z₁, …]` with r₀ = r_last = 0 and every other r > 0; at least 3 points.
 * @param segments 3 … 4096 (default 32).
 * @example
 * ```ts
 * const cone = lathe([0, 0, 0.5, 0, 0, 1]);              // a cone of radius 0.5, height 1
 * const cup = lathe([0, 0, 0.4, 0, 0.4, 1, 0.35, 1, 0.35, 0.1, 0, 0.1], 48);
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for a profile that does not start and end on the axis, has a
 * non-positive interior radius, or non-finite values.
 * @category Primitives
 */
export function lathe(profile: ArrayLike<number>, segments = 32): TriangleMesh {
  checkSegments(segments, 'segments', 3);
  const k = profile.length / 2;
  if (!Number.isInteger(k) || k < 3) throw new SamplingError('INVALID_ARGUMENT', 'profile must hold at least 3 (r, z) pairs');
  for (let i = 0; i < profile.length; i++) {
    if (!Number.isFinite(profile[i])) throw new SamplingError('INVALID_ARGUMENT', `profile[${i}] is ${profile[i]}`);
  }
  if (profile[0] !== 0 || profile[2 * k - 2] !== 0) throw new SamplingError('INVALID_ARGUMENT', 'profile must start and end on the axis (r = 0)');
  for (let i = 1; i < k - 1; i++) {
    if (!(profile[2 * i] > 0)) throw new SamplingError('INVALID_ARGUMENT', `profile point ${i} has radius ${profile[2 * i]}; interior points need r > 0`);
  }
  const rings = k - 2;
  const n = segments;
  const positions = new Float32Array(3 * (rings * n + 2));
  for (let i = 0; i < rings; i++) {
    const r = profile[2 * (i + 1)], z = profile[2 * (i + 1) + 1];
    for (let s = 0; s < n; s++) {
      const a = (2 * Math.PI * s) / n;
      positions.set([r * Math.cos(a), r * Math.sin(a), z], 3 * (i * n + s));
    }
  }
  const south = rings * n;
  const north = south + 1;
  positions.set([0, 0, profile[1]], 3 * south);
  positions.set([0, 0, profile[2 * k - 1]], 3 * north);
  const indices = cappedTubeIndices(rings, n, south, north);
  const mesh = { positions, indices };
  flipIfInsideOut(mesh);
  return mesh;
}
