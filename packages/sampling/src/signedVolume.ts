import type { TriangleMesh } from '@onet/io';
import { checkMesh } from './validate.js';

/**
 * Signed volume of a triangle mesh, `Σ a·(b×c)/6` over its triangles (float64). Positive for a closed mesh
 * whose triangles are counter-clockwise seen from outside, negative when it is inside-out; meaningless for
 * open meshes.
 *
 * @example
 * ```ts
 * signedVolume(box(1)); // 1
 * ```
 * @param mesh - `{ positions [V·3], indices [F·3] }`; the volume is in cubed position units.
 * @throws {@link SamplingError} `INVALID_ARGUMENT`, `SHAPE_MISMATCH` or `NON_FINITE` for a malformed mesh.
 * @category Geometry
 */
export function signedVolume(mesh: TriangleMesh): number {
  checkMesh(mesh, false);
  const { positions: p, indices: f } = mesh;
  let vol = 0;
  for (let t = 0; t < f.length; t += 3) {
    const a = 3 * f[t], b = 3 * f[t + 1], c = 3 * f[t + 2];
    vol +=
      p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) +
      p[a + 1] * (p[b + 2] * p[c] - p[b] * p[c + 2]) +
      p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return vol / 6;
}
