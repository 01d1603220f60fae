import { Document, WebIO } from '@gltf-transform/core';
import type { TriangleMesh } from './types.js';
import { checkMesh } from './format.js';

/** Options of {@link writeGlb}. */
export interface WriteGlbOptions {
  /** Name of the glTF mesh and node. */
  name?: string;
}

/** Defaults of {@link WriteGlbOptions}. */
export const WRITE_GLB_DEFAULTS: Required<WriteGlbOptions> = { name: 'mesh' };

/**
 * Serialise a {@link TriangleMesh} as binary glTF 2.0 (GLB) with glTF-Transform: one scene, one node, one
 * mesh with one triangle primitive (`POSITION` float32 `[V, 3]`, `NORMAL` when present, uint32 indices).
 * glTF is right-handed with +Y up and counter-clockwise front faces, as our meshes; coordinates are
 * written unchanged (metres in glTF terms). Works in browsers and Node.
 *
 * ```ts
 * const glb = await writeGlb(mesh); // open in any glTF viewer, or three.js GLTFLoader
 * ```
 * @throws {@link OnetIOError} when the mesh has bad shapes, non-finite vertices or out-of-range indices.
 * @category Mesh I/O
 */
export async function writeGlb(mesh: TriangleMesh, options: WriteGlbOptions = {}): Promise<Uint8Array> {
  const opts = { ...WRITE_GLB_DEFAULTS, ...options };
  checkMesh(mesh);
  const doc = new Document();
  const buffer = doc.createBuffer();
  const position = doc.createAccessor('POSITION').setType('VEC3').setArray(mesh.positions.slice()).setBuffer(buffer);
  const indices = doc.createAccessor('indices').setType('SCALAR').setArray(mesh.indices.slice()).setBuffer(buffer);
  const prim = doc.createPrimitive().setAttribute('POSITION', position).setIndices(indices);
  if (mesh.normals) {
    const normal = doc.createAccessor('NORMAL').setType('VEC3').setArray(mesh.normals.slice()).setBuffer(buffer);
    prim.setAttribute('NORMAL', normal);
  }
  const gmesh = doc.createMesh(opts.name).addPrimitive(prim);
  const node = doc.createNode(opts.name).setMesh(gmesh);
  doc.createScene('scene').addChild(node);
  return new WebIO().writeBinary(doc);
}
