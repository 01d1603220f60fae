import type { IsoSurfaceMesh } from './types.js';

/**
 * Signed volume enclosed by a closed triangle mesh, by the divergence theorem: Σ v0 · (v1 × v2) / 6 over
 * triangles (float64). Positive when triangles are counter-clockwise seen from outside (normals outward),
 * as {@link marchingCubes} writes them. Meaningful only for a closed mesh (see {@link isWatertight}).
 *
 * @example
 * ```ts
 * const volume = meshVolume(marchingCubes(values, dims, { closeBoundary: true }));
 * ```
 * @param mesh - `{ positions [V·3], indices [F·3] }`.
 * @category Mesh measures
 */
export function meshVolume(mesh: Pick<IsoSurfaceMesh, 'positions' | 'indices'>): number {
  const P = mesh.positions;
  const T = mesh.indices;
  let sum = 0;
  for (let f = 0; f < T.length; f += 3) {
    const a = T[f]! * 3;
    const b = T[f + 1]! * 3;
    const c = T[f + 2]! * 3;
    const ax = P[a]!;
    const ay = P[a + 1]!;
    const az = P[a + 2]!;
    const bx = P[b]!;
    const by = P[b + 1]!;
    const bz = P[b + 2]!;
    const cx = P[c]!;
    const cy = P[c + 1]!;
    const cz = P[c + 2]!;
    sum += ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
  }
  return sum / 6;
}
