import type { TriangleMesh } from './types.js';
import { checkMesh, formatFloat32, linesToBytes } from './format.js';

/**
 * Serialise a {@link TriangleMesh} as ASCII OFF (`NOFF` with per-vertex normals when the mesh has them):
 * vertices as the shortest text that reads back as the same float32, faces as `3 a b c` (0-based).
 * {@link parseOff} reads back the same arrays.
 *
 * ```ts
 * const bytes = writeOff(mesh);
 * ```
 * @throws {@link OnetIOError} when the mesh has bad shapes, non-finite vertices or out-of-range indices.
 * @category Mesh I/O
 */
export function writeOff(mesh: TriangleMesh): Uint8Array {
  checkMesh(mesh);
  const { positions: p, indices: idx, normals: n } = mesh;
  const lines = [n ? 'NOFF' : 'OFF', `${p.length / 3} ${idx.length / 3} 0`];
  for (let i = 0; i < p.length; i += 3) {
    let s = `${formatFloat32(p[i])} ${formatFloat32(p[i + 1])} ${formatFloat32(p[i + 2])}`;
    if (n) s += ` ${formatFloat32(n[i])} ${formatFloat32(n[i + 1])} ${formatFloat32(n[i + 2])}`;
    lines.push(s);
  }
  for (let f = 0; f < idx.length; f += 3) lines.push(`3 ${idx[f]} ${idx[f + 1]} ${idx[f + 2]}`);
  return linesToBytes(lines);
}
