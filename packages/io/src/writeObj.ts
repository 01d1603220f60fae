import type { TriangleMesh } from './types.js';
import { checkMesh, formatFloat32, linesToBytes } from './format.js';

/** Options of {@link writeObj}. */
export interface WriteObjOptions {
  /** A `#` comment written on the first line. */
  comment?: string;
}

/** Defaults of {@link WriteObjOptions}. */
export const WRITE_OBJ_DEFAULTS: Required<WriteObjOptions> = { comment: 'written by @onet/io' };

/**
 * Serialise a {@link TriangleMesh} as Wavefront OBJ text: `v x y z` lines (shortest text that reads back as
 * the same float32), `vn` lines and `f a//a b//b c//c` faces when the mesh has normals, else `f a b c`
 * (1-based). {@link parseObj} reads back the same positions and indices.
 *
 * ```ts
 * const bytes = writeObj(mesh);
 * ```
 * @throws {@link OnetIOError} when the mesh has bad shapes, non-finite vertices or out-of-range indices.
 * @category Mesh I/O
 */
export function writeObj(mesh: TriangleMesh, options: WriteObjOptions = {}): Uint8Array {
  const opts = { ...WRITE_OBJ_DEFAULTS, ...options };
  checkMesh(mesh);
  const { positions: p, indices: idx, normals: n } = mesh;
  const lines: string[] = [];
  if (opts.comment) lines.push(`# ${opts.comment.replace(/[\r\n]+/g, ' ')}`);
  for (let i = 0; i < p.length; i += 3) lines.push(`v ${formatFloat32(p[i])} ${formatFloat32(p[i + 1])} ${formatFloat32(p[i + 2])}`);
  if (n) for (let i = 0; i < n.length; i += 3) lines.push(`vn ${formatFloat32(n[i])} ${formatFloat32(n[i + 1])} ${formatFloat32(n[i + 2])}`);
  for (let f = 0; f < idx.length; f += 3) {
    const a = idx[f] + 1;
    const b = idx[f + 1] + 1;
    const c = idx[f + 2] + 1;
    lines.push(n ? `f ${a}//${a} ${b}//${b} ${c}//${c}` : `f ${a} ${b} ${c}`);
  }
  return linesToBytes(lines);
}
