import type { IsoSurfaceMesh } from './types.js';

/**
 * Total surface area of a triangle mesh (sum of ½‖(v1 − v0) × (v2 − v0)‖, accumulated in float64),
 * in squared position units.
 *
 * @example
 * ```ts
 * const area = meshArea(marchingCubes(values, [n, n, n]));
 * ```
 * @param mesh - `{ positions [V·3], indices [F·3] }`.
 * @category Mesh measures
 */
export function meshArea(mesh: Pick<IsoSurfaceMesh, 'positions' | 'indices'>): number {
  const P = mesh.positions;
  const T = mesh.indices;
  let sum = 0;
  for (let f = 0; f < T.length; f += 3) {
    const a = T[f]! * 3;
    const b = T[f + 1]! * 3;
    const c = T[f + 2]! * 3;
    const ux = P[b]! - P[a]!;
    const uy = P[b + 1]! - P[a + 1]!;
    const uz = P[b + 2]! - P[a + 2]!;
    const vx = P[c]! - P[a]!;
    const vy = P[c + 1]! - P[a + 1]!;
    const vz = P[c + 2]! - P[a + 2]!;
    const cx = uy * vz - uz * vy;
    const cy = uz * vx - ux * vz;
    const cz = ux * vy - uy * vx;
    sum += Math.sqrt(cx * cx + cy * cy + cz * cz);
  }
  return sum / 2;
}
