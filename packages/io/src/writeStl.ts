import type { TriangleMesh } from './types.js';
import { checkMesh } from './format.js';

/**
 * Serialise a {@link TriangleMesh} as binary STL (80-byte header, one 50-byte record per triangle with its
 * unit face normal from the counter-clockwise winding). STL stores every corner, so {@link parseStl}
 * merges identical coordinates back into shared vertices (unreferenced or duplicate vertices of the
 * input are not preserved).
 *
 * ```ts
 * const bytes = writeStl(mesh);
 * ```
 * @throws {@link OnetIOError} when the mesh has bad shapes, non-finite vertices or out-of-range indices.
 * @category Mesh I/O
 */
export function writeStl(mesh: TriangleMesh): Uint8Array {
  checkMesh(mesh);
  const { positions: p, indices: idx } = mesh;
  const nf = idx.length / 3;
  const out = new Uint8Array(84 + 50 * nf);
  out.set(new TextEncoder().encode('binary STL written by @onet/io'));
  const v = new DataView(out.buffer);
  v.setUint32(80, nf, true);
  for (let f = 0; f < nf; f++) {
    const a = idx[f * 3] * 3;
    const b = idx[f * 3 + 1] * 3;
    const c = idx[f * 3 + 2] * 3;
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const wx = p[c] - p[a], wy = p[c + 1] - p[a + 1], wz = p[c + 2] - p[a + 2];
    let nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
    const len = Math.hypot(nx, ny, nz) || 1;
    nx /= len; ny /= len; nz /= len;
    const o = 84 + 50 * f;
    v.setFloat32(o, nx, true);
    v.setFloat32(o + 4, ny, true);
    v.setFloat32(o + 8, nz, true);
    for (const [k, s] of [a, b, c].entries()) {
      for (let j = 0; j < 3; j++) v.setFloat32(o + 12 + 12 * k + 4 * j, p[s + j], true);
    }
  }
  return out;
}
