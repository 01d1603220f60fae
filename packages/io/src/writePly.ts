import type { TriangleMesh } from './types.js';
import { checkMesh, formatFloat32, linesToBytes } from './format.js';

/** Options of {@link writePly}. */
export interface WritePlyOptions {
  /** Write `binary_little_endian` (compact, exact); false writes ASCII (exact too, via shortest float32 text). */
  binary?: boolean;
  /** A `comment` line for the header. */
  comment?: string;
}

/** Defaults of {@link WritePlyOptions}. */
export const WRITE_PLY_DEFAULTS: Required<WritePlyOptions> = { binary: true, comment: 'written by @onet/io' };

/**
 * Serialise a {@link TriangleMesh} as PLY: `element vertex` with float `x y z` (and `nx ny nz` when the mesh
 * has normals), `element face` with `list uchar uint vertex_indices` triangles. Reading the result with
 * {@link parsePly} gives the same arrays.
 *
 * ```ts
 * const bytes = writePly(mesh, { binary: false });
 * ```
 * @throws {@link OnetIOError} when the mesh has bad shapes, non-finite vertices or out-of-range indices.
 * @category Mesh I/O
 */
export function writePly(mesh: TriangleMesh, options: WritePlyOptions = {}): Uint8Array {
  const opts = { ...WRITE_PLY_DEFAULTS, ...options };
  checkMesh(mesh);
  return plyBytes(mesh.positions, mesh.normals, mesh.indices, opts);
}

/** Shared by mesh and point-cloud writers. @internal */
export function plyBytes(
  positions: Float32Array,
  normals: Float32Array | undefined,
  indices: Uint32Array | undefined,
  opts: Required<WritePlyOptions>,
): Uint8Array {
  const nv = positions.length / 3;
  const nf = indices ? indices.length / 3 : 0;
  const header = [
    'ply',
    `format ${opts.binary ? 'binary_little_endian' : 'ascii'} 1.0`,
    ...(opts.comment ? [`comment ${opts.comment.replace(/[\r\n]+/g, ' ')}`] : []),
    `element vertex ${nv}`,
    'property float x',
    'property float y',
    'property float z',
    ...(normals ? ['property float nx', 'property float ny', 'property float nz'] : []),
    ...(indices ? [`element face ${nf}`, 'property list uchar uint vertex_indices'] : []),
    'end_header',
  ];
  if (!opts.binary) {
    const lines = header;
    for (let i = 0; i < nv; i++) {
      let s = `${formatFloat32(positions[i * 3])} ${formatFloat32(positions[i * 3 + 1])} ${formatFloat32(positions[i * 3 + 2])}`;
      if (normals) s += ` ${formatFloat32(normals[i * 3])} ${formatFloat32(normals[i * 3 + 1])} ${formatFloat32(normals[i * 3 + 2])}`;
      lines.push(s);
    }
    for (let f = 0; f < nf; f++) lines.push(`3 ${indices![f * 3]} ${indices![f * 3 + 1]} ${indices![f * 3 + 2]}`);
    return linesToBytes(lines);
  }
  const head = new TextEncoder().encode(header.join('\n') + '\n');
  const vstride = normals ? 24 : 12;
  const out = new Uint8Array(head.length + nv * vstride + nf * 13);
  out.set(head);
  const view = new DataView(out.buffer);
  let o = head.length;
  for (let i = 0; i < nv; i++) {
    for (let k = 0; k < 3; k++, o += 4) view.setFloat32(o, positions[i * 3 + k], true);
    if (normals) for (let k = 0; k < 3; k++, o += 4) view.setFloat32(o, normals[i * 3 + k], true);
  }
  for (let f = 0; f < nf; f++) {
    view.setUint8(o, 3);
    o += 1;
    for (let k = 0; k < 3; k++, o += 4) view.setUint32(o, indices![f * 3 + k], true);
  }
  return out;
}
