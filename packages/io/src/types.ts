/**
 * A triangle mesh as plain typed arrays (the interchange format of every onet package; converts to a
 * three.js `BufferGeometry` in one line: `geometry.setAttribute('position', new BufferAttribute(m.positions, 3))`).
 *
 * - `positions`: `[V·3]` vertex coordinates, x-y-z interleaved.
 * - `indices`: `[F·3]` vertex indices of each triangle, counter-clockwise seen from outside.
 * - `normals`: optional `[V·3]` unit per-vertex normals.
 */
export interface TriangleMesh {
  positions: Float32Array;
  indices: Uint32Array;
  normals?: Float32Array;
}

/**
 * A point cloud: `points` `[N·3]` and optional unit `normals` `[N·3]`.
 */
export interface PointCloud {
  points: Float32Array;
  normals?: Float32Array;
}
