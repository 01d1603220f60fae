import type { TriangleMesh } from '@onet/io';
import { checkCenter, checkPositive, checkSegments, orientOutward } from './orient.js';

/**
 * A closed, outward-oriented cylinder with its axis along **z**, centred at `center`
 * (z ∈ [−height/2, height/2] around it): `segments` side quads and two triangle-fan caps
 * (`2·segments + 2` vertices, `4·segments` triangles).
 *
 * @param radius > 0 (default 0.5). @param height > 0 (default 1). @param segments 3 … 4096 (default 32).
 * @example
 * ```ts
 * const can = cylinder(0.3, 0.8, 64);
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT`.
 * @category Primitives
 */
export function cylinder(radius = 0.5, height = 1, segments = 32, center: ArrayLike<number> = [0, 0, 0]): TriangleMesh {
  checkPositive(radius, 'radius');
  checkPositive(height, 'height');
  checkSegments(segments, 'segments', 3);
  checkCenter(center);
  const n = segments;
  const positions = new Float32Array(3 * (2 * n + 2));
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const x = center[0] + radius * Math.cos(a), y = center[1] + radius * Math.sin(a);
    positions.set([x, y, center[2] - height / 2], 3 * i);
    positions.set([x, y, center[2] + height / 2], 3 * (n + i));
  }
  positions.set([center[0], center[1], center[2] - height / 2], 6 * n);
  positions.set([center[0], center[1], center[2] + height / 2], 6 * n + 3);
  const indices = new Uint32Array(12 * n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    indices.set([i, j, n + j, i, n + j, n + i], o); // side
    indices.set([2 * n, j, i], o + 6); // bottom cap
    indices.set([2 * n + 1, n + i, n + j], o + 9); // top cap
    o += 12;
  }
  orientOutward(positions, indices, center);
  return { positions, indices };
}
