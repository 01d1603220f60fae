import { writeGlb, writeObj, writeOff, writePly, type TriangleMesh } from '@onet/io';
import { writeFileAtomic } from '@onet/io/node';
import { PipelineError } from '../errors.js';

/** Mesh output formats, chosen by extension. */
export const MESH_OUTPUT_EXTENSIONS = ['ply', 'obj', 'off', 'glb'] as const;

/**
 * Write a mesh in the format given by the extension of `path` (`.ply` binary, `.obj`, `.off`, `.glb`),
 * creating the folder if needed. The write is atomic (a temporary file in the same folder, then a rename): a
 * process killed mid-write leaves the old file or the new one, never a truncated one.
 * @throws {@link PipelineError} `UNWRITABLE_OUTPUT` for another extension or when the file cannot be written.
 * @category Node
 */
export async function writeMeshFile(path: string, mesh: TriangleMesh): Promise<void> {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase();
  let bytes: Uint8Array;
  if (ext === 'ply') bytes = writePly(mesh);
  else if (ext === 'obj') bytes = writeObj(mesh);
  else if (ext === 'off') bytes = writeOff(mesh);
  else if (ext === 'glb') bytes = await writeGlb(mesh);
  else throw new PipelineError('UNWRITABLE_OUTPUT', `${path}: unknown output extension; use .ply, .obj, .off or .glb`);
  try {
    await writeFileAtomic(path, bytes);
  } catch (e) {
    throw new PipelineError('UNWRITABLE_OUTPUT', `${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}
