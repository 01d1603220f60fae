import type { BufferGeometry } from 'three';
import { OnetIOError } from '../errors.js';
import type { TriangleMesh } from '../types.js';

/**
 * A three.js `BufferGeometry` of triangles as a `TriangleMesh`: `positions` `Float32Array [V·3]` and `indices`
 * `Uint32Array [F·3]`, plus `normals` `[V·3]` when the geometry has a `normal` attribute. The arrays are copies,
 * so the mesh does not change with the geometry. A non-indexed geometry gets indices 0, 1, 2, …; interleaved
 * and other typed attributes are read through the attribute (`getX/getY/getZ`). Groups and draw ranges are
 * ignored: the whole geometry is converted.
 *
 * @example
 * ```ts
 * import { TorusKnotGeometry } from 'three';
 * import { fromBufferGeometry } from '@onet/io/three';
 * import { writePly } from '@onet/io';
 * const ply = writePly(fromBufferGeometry(new TorusKnotGeometry(0.3, 0.1)));
 * ```
 * @throws {@link OnetIOError} `EMPTY` when there is no `position` attribute; `PARSE_ERROR` when positions are not
 *   3-component, or the vertex/index count is not a multiple of 3 (not a triangle list);
 *   `INDEX_OUT_OF_RANGE` when an index names no vertex; `NON_FINITE` for a NaN or infinite coordinate.
 * @category three.js
 */
export function fromBufferGeometry(geometry: BufferGeometry): TriangleMesh {
  const position = geometry.getAttribute('position');
  if (!position) throw new OnetIOError('EMPTY', 'the geometry has no position attribute', '<BufferGeometry>');
  if (position.itemSize !== 3)
    throw new OnetIOError('PARSE_ERROR', `position has ${position.itemSize} components per vertex, expected 3`, '<BufferGeometry>');
  const v = position.count;
  const positions = readXyz(position, v);
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i]))
      throw new OnetIOError('NON_FINITE', `position of vertex ${Math.floor(i / 3)} is ${positions[i]}`, '<BufferGeometry>');
  }
  let indices: Uint32Array;
  const index = geometry.getIndex();
  if (index) {
    indices = new Uint32Array(index.count);
    for (let i = 0; i < index.count; i++) {
      const k = index.getX(i);
      if (!(k >= 0 && k < v && Number.isInteger(k)))
        throw new OnetIOError('INDEX_OUT_OF_RANGE', `index ${k} at ${i} names no vertex (the geometry has ${v})`, '<BufferGeometry>');
      indices[i] = k;
    }
  } else {
    indices = new Uint32Array(v);
    for (let i = 0; i < v; i++) indices[i] = i;
  }
  if (indices.length % 3 !== 0)
    throw new OnetIOError('PARSE_ERROR', `${indices.length} ${index ? 'indices' : 'vertices'} do not make whole triangles`, '<BufferGeometry>');
  const mesh: TriangleMesh = { positions, indices };
  const normal = geometry.getAttribute('normal');
  if (normal && normal.itemSize === 3 && normal.count === v) mesh.normals = readXyz(normal, v);
  return mesh;
}

interface XyzAttribute {
  getX(i: number): number;
  getY(i: number): number;
  getZ(i: number): number;
}

function readXyz(a: XyzAttribute, n: number): Float32Array {
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[3 * i] = a.getX(i);
    out[3 * i + 1] = a.getY(i);
    out[3 * i + 2] = a.getZ(i);
  }
  return out;
}
