import { OnetIOError } from './errors.js';
import type { TriangleMesh } from './types.js';

/**
 * Shortest decimal text that reads back as exactly the same float32 (so text writers round-trip exactly).
 * @internal
 */
export function formatFloat32(x: number): string {
  if (x === 0) return '0';
  // 9 significant digits always identify a float32; a value that 6 digits identify rounds to those at 7.
  let s = x.toPrecision(7);
  if (Math.fround(+s) !== x) {
    s = x.toPrecision(8);
    if (Math.fround(+s) !== x) s = x.toPrecision(9);
  }
  return String(+s);
}

/**
 * Check a mesh before writing: `positions` `[V·3]` finite, `indices` `[F·3]` in range, `normals` `[V·3]`.
 * @throws {@link OnetIOError} `PARSE_ERROR` (bad shapes), `NON_FINITE`, `INDEX_OUT_OF_RANGE`.
 * @internal
 */
export function checkMesh(mesh: TriangleMesh, what = 'mesh'): void {
  const { positions, indices, normals } = mesh;
  if (!(positions instanceof Float32Array) || positions.length % 3 !== 0) {
    throw new OnetIOError('PARSE_ERROR', `${what}.positions must be a Float32Array [V·3]`, what);
  }
  if (!(indices instanceof Uint32Array) || indices.length % 3 !== 0) {
    throw new OnetIOError('PARSE_ERROR', `${what}.indices must be a Uint32Array [F·3]`, what);
  }
  if (normals && normals.length !== positions.length) {
    throw new OnetIOError('PARSE_ERROR', `${what}.normals must have the length of positions (${positions.length}), got ${normals.length}`, what);
  }
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i])) throw new OnetIOError('NON_FINITE', `vertex ${Math.floor(i / 3)} is not finite`, what);
  }
  const nv = positions.length / 3;
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= nv) throw new OnetIOError('INDEX_OUT_OF_RANGE', `triangle ${Math.floor(i / 3)} refers to vertex ${indices[i]} of ${nv}`, what);
  }
}

/** Join text lines into UTF-8 bytes. @internal */
export function linesToBytes(lines: string[]): Uint8Array {
  lines.push('');
  return new TextEncoder().encode(lines.join('\n'));
}
