import { BufferAttribute, BufferGeometry } from 'three';
import { OnetIOError } from '../errors.js';
import type { TriangleMesh } from '../types.js';

/**
 * A `TriangleMesh` as a three.js indexed `BufferGeometry`, sharing its typed arrays (no copy):
 * `position` ← `positions` `[V·3]`, index ← `indices` `[F·3]`, and `normal` ← `normals` `[V·3]` when the mesh has
 * them (otherwise call `geometry.computeVertexNormals()`). Units are the mesh's own. Changing the geometry's
 * arrays changes the mesh; `.clone()` the geometry to decouple them.
 *
 * @example
 * ```ts
 * import { Mesh, MeshStandardMaterial } from 'three';
 * import { toBufferGeometry } from '@onet/io/three';
 * scene.add(new Mesh(toBufferGeometry(mesh), new MeshStandardMaterial()));
 * ```
 * @throws {@link OnetIOError} `PARSE_ERROR` when `positions` is not a multiple of 3 long, `indices` not a multiple
 *   of 3, or `normals` not as long as `positions`; `INDEX_OUT_OF_RANGE` when an index names no vertex.
 * @category three.js
 */
export function toBufferGeometry(mesh: TriangleMesh): BufferGeometry {
  checkMesh(mesh);
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(mesh.positions, 3));
  geometry.setIndex(new BufferAttribute(mesh.indices, 1));
  if (mesh.normals) geometry.setAttribute('normal', new BufferAttribute(mesh.normals, 3));
  return geometry;
}

function checkMesh(mesh: TriangleMesh): void {
  const { positions, indices, normals } = mesh;
  if (!(positions instanceof Float32Array) || positions.length % 3 !== 0)
    throw new OnetIOError('PARSE_ERROR', 'mesh.positions must be a Float32Array [V·3]', '<mesh>');
  if (!(indices instanceof Uint32Array) || indices.length % 3 !== 0)
    throw new OnetIOError('PARSE_ERROR', 'mesh.indices must be a Uint32Array [F·3]', '<mesh>');
  if (normals !== undefined && (!(normals instanceof Float32Array) || normals.length !== positions.length))
    throw new OnetIOError('PARSE_ERROR', `mesh.normals must be a Float32Array as long as positions (${positions.length})`, '<mesh>');
  const v = positions.length / 3;
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= v)
      throw new OnetIOError('INDEX_OUT_OF_RANGE', `index ${indices[i]} at ${i} names no vertex (the mesh has ${v})`, '<mesh>');
  }
}
