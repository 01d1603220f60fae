import type { TriangleMesh } from '@onet/io';
import { checkCenter, checkPositive, checkSegments, orientOutward } from './orient.js';

const T = (1 + Math.sqrt(5)) / 2;
const ICO_V = [-1, T, 0, 1, T, 0, -1, -T, 0, 1, -T, 0, 0, -1, T, 0, 1, T, 0, -1, -T, 0, 1, -T, T, 0, -1, T, 0, 1, -T, 0, -1, -T, 0, 1];
const ICO_F = [
  0, 11, 5, 0, 5, 1, 0, 1, 7, 0, 7, 10, 0, 10, 11, 1, 5, 9, 5, 11, 4, 11, 10, 2, 10, 7, 6, 7, 1, 8,
  3, 9, 4, 3, 4, 2, 3, 2, 6, 3, 6, 8, 3, 8, 9, 4, 9, 5, 2, 4, 11, 6, 2, 10, 8, 6, 7, 9, 8, 1,
];

/**
 * A closed, outward-oriented sphere mesh: an icosahedron whose triangles are split into 4 `subdivisions`
 * times, vertices projected to the sphere. `20·4^s` triangles, `10·4^s + 2` vertices; per-vertex normals
 * are the exact radial directions.
 *
 * @param subdivisions 0 … 9 (s = 6 gives 81,920 triangles).
 * @param radius sphere radius (default 1).
 * @param center `[x, y, z]` (default origin).
 * @example
 * ```ts
 * const sphere = icosphere(4, 0.4); // 5120 triangles
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for a bad radius, centre or subdivision count.
 * @category Primitives
 */
export function icosphere(subdivisions: number, radius = 1, center: ArrayLike<number> = [0, 0, 0]): TriangleMesh {
  checkSegments(subdivisions, 'subdivisions', 0, 9);
  checkPositive(radius, 'radius');
  checkCenter(center);
  const verts: number[] = [];
  for (let i = 0; i < ICO_V.length; i += 3) {
    const l = Math.hypot(ICO_V[i], ICO_V[i + 1], ICO_V[i + 2]);
    verts.push(ICO_V[i] / l, ICO_V[i + 1] / l, ICO_V[i + 2] / l);
  }
  let faces = ICO_F.slice();
  for (let s = 0; s < subdivisions; s++) {
    const cache = new Map<number, number>();
    const mid = (a: number, b: number): number => {
      const key = a < b ? a * 4194304 + b : b * 4194304 + a;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const x = verts[3 * a] + verts[3 * b], y = verts[3 * a + 1] + verts[3 * b + 1], z = verts[3 * a + 2] + verts[3 * b + 2];
      const l = Math.hypot(x, y, z);
      const idx = verts.length / 3;
      verts.push(x / l, y / l, z / l);
      cache.set(key, idx);
      return idx;
    };
    const next: number[] = [];
    for (let t = 0; t < faces.length; t += 3) {
      const a = faces[t], b = faces[t + 1], c = faces[t + 2];
      const ab = mid(a, b), bc = mid(b, c), ca = mid(c, a);
      next.push(a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca);
    }
    faces = next;
  }
  const nv = verts.length / 3;
  const positions = new Float32Array(3 * nv);
  const normals = new Float32Array(3 * nv);
  for (let i = 0; i < nv; i++) {
    for (let k = 0; k < 3; k++) {
      normals[3 * i + k] = verts[3 * i + k];
      positions[3 * i + k] = center[k] + radius * verts[3 * i + k];
    }
  }
  const indices = Uint32Array.from(faces);
  orientOutward(positions, indices, center);
  return { positions, indices, normals };
}
