import { expect } from 'vitest';
import { MetricsError } from '@onet/metrics';
import { rng } from '@onet/test-utils';

export { rng };

/** The `code` of the {@link MetricsError} that `f` throws (failing on any other error), or `'no error'`. */
export function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MetricsError);
    return (e as MetricsError).code;
  }
  return 'no error';
}

/** `n` unit directions, uniform on the sphere (rejection sampling). */
export function directions(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const d = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    let x: number, y: number, z: number, l: number;
    do {
      x = 2 * r() - 1;
      y = 2 * r() - 1;
      z = 2 * r() - 1;
      l = x * x + y * y + z * z;
    } while (l > 1 || l < 1e-4);
    l = Math.sqrt(l);
    d[3 * i] = x / l;
    d[3 * i + 1] = y / l;
    d[3 * i + 2] = z / l;
  }
  return d;
}

/** Points `dirs · radius` (float32) with radial unit normals. */
export function sphereCloud(dirs: Float64Array, radius: number): { points: Float32Array; normals: Float32Array } {
  const points = new Float32Array(dirs.length);
  for (let i = 0; i < dirs.length; i++) points[i] = dirs[i] * radius;
  return { points, normals: Float32Array.from(dirs) };
}

/** Brute-force nearest squared distance (float64 from float32 coordinates). */
export function bruteNearest(points: Float32Array, q: Float32Array, j: number): number {
  let best = Infinity;
  const qx = q[3 * j], qy = q[3 * j + 1], qz = q[3 * j + 2];
  for (let i = 0; i < points.length; i += 3) {
    const dx = points[i] - qx, dy = points[i + 1] - qy, dz = points[i + 2] - qz;
    const d = dx * dx + dy * dy + dz * dz;
    if (d < best) best = d;
  }
  return best;
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
