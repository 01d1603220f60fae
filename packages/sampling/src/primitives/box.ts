import type { TriangleMesh } from '@onet/io';
import { checkCenter, checkPositive, orientOutward } from './orient.js';

/**
 * A closed, outward-oriented axis-aligned box: 8 vertices, 12 triangles.
 *
 * @param size edge length, or `[sx, sy, sz]` (default 1: the unit cube [−½, ½]³ when centred at the origin).
 * @param center `[x, y, z]` (default origin).
 * @example
 * ```ts
 * const cube = box(1);               // [−0.5, 0.5]³
 * const slab = box([1, 0.2, 1], [0, 0.3, 0]);
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for a non-positive size or bad centre.
 * @category Primitives
 */
export function box(size: number | ArrayLike<number> = 1, center: ArrayLike<number> = [0, 0, 0]): TriangleMesh {
  const s = typeof size === 'number' ? [size, size, size] : [size[0], size[1], size[2]];
  s.forEach((x, k) => checkPositive(x, `size[${k}]`));
  checkCenter(center);
  const positions = new Float32Array(24);
  for (let i = 0; i < 8; i++) {
    positions[3 * i] = center[0] + (i & 1 ? 0.5 : -0.5) * s[0];
    positions[3 * i + 1] = center[1] + (i & 2 ? 0.5 : -0.5) * s[1];
    positions[3 * i + 2] = center[2] + (i & 4 ? 0.5 : -0.5) * s[2];
  }
  // Quads (corner bits x=1, y=2, z=4), split into two triangles each; orientation fixed below.
  const quads = [
    [0, 2, 3, 1], [4, 5, 7, 6], // z−, z+
    [0, 1, 5, 4], [2, 6, 7, 3], // y−, y+
    [0, 4, 6, 2], [1, 3, 7, 5], // x−, x+
  ];
  const indices = new Uint32Array(36);
  quads.forEach((q, i) => indices.set([q[0], q[1], q[2], q[0], q[2], q[3]], 6 * i));
  orientOutward(positions, indices, center);
  return { positions, indices };
}
