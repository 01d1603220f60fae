/**
 * A triangle mesh, structurally identical to `@onet/io`'s `TriangleMesh` (this package has no dependencies).
 * Converts to a three.js `BufferGeometry` in one line: `geometry.setAttribute('position', new
 * BufferAttribute(mesh.positions, 3)); geometry.setIndex(new BufferAttribute(mesh.indices, 1))`.
 */
export interface IsoSurfaceMesh {
  /** Vertex positions `[V·3]` (x, y, z per vertex), in the units of `origin` and `spacing`. */
  positions: Float32Array;
  /** Triangle vertex indices `[F·3]`, counter-clockwise seen from outside (from the low-value side). */
  indices: Uint32Array;
  /** Unit vertex normals `[V·3]` pointing from high values (inside) to low values, when requested. */
  normals?: Float32Array;
}
