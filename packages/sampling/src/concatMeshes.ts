import type { TriangleMesh } from '@onet/io';

/**
 * Concatenate meshes into one: positions `[ΣV·3]` appended in order, each part's indices offset by the vertices
 * before it; normals are dropped. Closed parts give a CSG union when labelled by winding number (w ≥ 1 inside any
 * part, see {@link contains}). No validation (the parts are assumed valid).
 */
export function concatMeshes(parts: TriangleMesh[]): TriangleMesh {
  let nv = 0;
  let nf = 0;
  for (const p of parts) {
    nv += p.positions.length;
    nf += p.indices.length;
  }
  const positions = new Float32Array(nv);
  const indices = new Uint32Array(nf);
  let vo = 0;
  let fo = 0;
  for (const p of parts) {
    positions.set(p.positions, vo);
    for (let i = 0; i < p.indices.length; i++) indices[fo + i] = p.indices[i] + vo / 3;
    vo += p.positions.length;
    fo += p.indices.length;
  }
  return { positions, indices };
}
