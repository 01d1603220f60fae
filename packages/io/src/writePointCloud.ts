import { OnetIOError } from './errors.js';
import type { PointCloud } from './types.js';
import { formatFloat32, linesToBytes } from './format.js';
import { plyBytes, WRITE_PLY_DEFAULTS, type WritePlyOptions } from './writePly.js';

function checkCloud(pc: PointCloud): void {
  if (!(pc.points instanceof Float32Array) || pc.points.length % 3 !== 0) {
    throw new OnetIOError('PARSE_ERROR', 'points must be a Float32Array [N·3]', 'pointCloud');
  }
  if (pc.normals && pc.normals.length !== pc.points.length) {
    throw new OnetIOError('PARSE_ERROR', `normals must have the length of points (${pc.points.length}), got ${pc.normals.length}`, 'pointCloud');
  }
  for (const a of pc.normals ? [pc.points, pc.normals] : [pc.points]) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new OnetIOError('NON_FINITE', `point ${Math.floor(i / 3)} is not finite`, 'pointCloud');
    }
  }
}

/**
 * Serialise a {@link PointCloud} as a vertex-only PLY (`x y z`, plus `nx ny nz` when it has normals),
 * binary little-endian by default. {@link parsePointCloud} reads back the same arrays.
 *
 * ```ts
 * const bytes = writePointCloudPly({ points, normals }, { binary: false });
 * ```
 * @throws {@link OnetIOError} on bad shapes or non-finite values.
 * @category Point-cloud I/O
 */
export function writePointCloudPly(pc: PointCloud, options: WritePlyOptions = {}): Uint8Array {
  const opts = { ...WRITE_PLY_DEFAULTS, ...options };
  checkCloud(pc);
  return plyBytes(pc.points, pc.normals, undefined, opts);
}

/**
 * Serialise a {@link PointCloud} as XYZ text: one `x y z` (or `x y z nx ny nz`) line per point, each
 * number the shortest text that reads back as the same float32.
 *
 * ```ts
 * const bytes = writeXyz({ points });
 * ```
 * @throws {@link OnetIOError} on bad shapes or non-finite values.
 * @category Point-cloud I/O
 */
export function writeXyz(pc: PointCloud): Uint8Array {
  checkCloud(pc);
  const { points: p, normals: n } = pc;
  const lines: string[] = [];
  for (let i = 0; i < p.length; i += 3) {
    let s = `${formatFloat32(p[i])} ${formatFloat32(p[i + 1])} ${formatFloat32(p[i + 2])}`;
    if (n) s += ` ${formatFloat32(n[i])} ${formatFloat32(n[i + 1])} ${formatFloat32(n[i + 2])}`;
    lines.push(s);
  }
  return linesToBytes(lines);
}
