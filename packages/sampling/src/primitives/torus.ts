import type { TriangleMesh } from '@onet/io';
import { SamplingError } from '../errors.js';
import { checkCenter, checkPositive, checkSegments } from './orient.js';

/**
 * A closed, outward-oriented torus around the **z** axis: major radius `R` (centre of the tube), minor
 * radius `r` (tube), `segU` segments around z and `segV` around the tube (`segU·segV` vertices,
 * `2·segU·segV` triangles). Per-vertex normals are the exact tube normals.
 *
 * @example
 * ```ts
 * const ring = torus(0.35, 0.1, 64, 32); // 4096 triangles
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` (needs 0 < r < R, segU, segV ≥ 3).
 * @category Primitives
 */
export function torus(R = 0.35, r = 0.15, segU = 48, segV = 24, center: ArrayLike<number> = [0, 0, 0]): TriangleMesh {
  checkPositive(R, 'R');
  checkPositive(r, 'r');
  if (!(r < R)) throw new SamplingError('INVALID_ARGUMENT', `torus needs r < R (got r=${r}, R=${R}); a self-intersecting torus is not closed`);
  checkSegments(segU, 'segU', 3);
  checkSegments(segV, 'segV', 3);
  checkCenter(center);
  const nv = segU * segV;
  const positions = new Float32Array(3 * nv);
  const normals = new Float32Array(3 * nv);
  for (let i = 0; i < segU; i++) {
    const u = (2 * Math.PI * i) / segU;
    const cu = Math.cos(u), su = Math.sin(u);
    for (let j = 0; j < segV; j++) {
      const v = (2 * Math.PI * j) / segV;
      const cv = Math.cos(v), sv = Math.sin(v);
      const k = 3 * (i * segV + j);
      positions[k] = center[0] + (R + r * cv) * cu;
      positions[k + 1] = center[1] + (R + r * cv) * su;
      positions[k + 2] = center[2] + r * sv;
      normals[k] = cv * cu;
      normals[k + 1] = cv * su;
      normals[k + 2] = sv;
    }
  }
  // ∂P/∂u × ∂P/∂v points outward, so (i,j) → (i+1,j) → (i+1,j+1) is counter-clockwise from outside.
  const indices = new Uint32Array(6 * nv);
  let o = 0;
  for (let i = 0; i < segU; i++) {
    const i1 = (i + 1) % segU;
    for (let j = 0; j < segV; j++) {
      const j1 = (j + 1) % segV;
      const p00 = i * segV + j, p10 = i1 * segV + j, p11 = i1 * segV + j1, p01 = i * segV + j1;
      indices.set([p00, p10, p11, p00, p11, p01], o);
      o += 6;
    }
  }
  return { positions, indices, normals };
}
