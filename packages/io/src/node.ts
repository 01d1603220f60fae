/**
 * Node-only file helpers of `@onet/io` (import from `@onet/io/node`). The main entry stays free of Node
 * built-ins so it bundles for browsers.
 * @module @onet/io/node
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { OnetIOError } from './errors.js';
import type { PointCloud, TriangleMesh } from './types.js';
import { parseMesh, type MeshFormat } from './parseMesh.js';
import { parseGlb } from './parseGlb.js';
import { parsePointCloud } from './parsePointCloud.js';
import { parseNpz, type NpyArray } from './npy.js';
import { writePly, type WritePlyOptions } from './writePly.js';
import { writeObj } from './writeObj.js';
import { writeOff } from './writeOff.js';
import { writeGlb } from './writeGlb.js';
import { writeStl } from './writeStl.js';
import { writeFileAtomic } from './writeFileAtomic.js';

export { writeFileAtomic, atomicTempPrefix, WRITE_FILE_ATOMIC_DEFAULTS, type WriteFileAtomicOptions } from './writeFileAtomic.js';

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new OnetIOError('NOT_FOUND', 'no such file; check the path', path);
    if (err.code === 'ERR_FS_FILE_TOO_LARGE' || err instanceof RangeError) {
      throw new OnetIOError('TOO_LARGE', `the file is too large to read into memory (${err.message})`, path);
    }
    throw new OnetIOError('PARSE_ERROR', `cannot read the file: ${err.message}`, path);
  }
}

/**
 * Read a triangle mesh file (`.off`, `.obj`, `.ply`, `.stl`, `.glb`; format from the extension, else the
 * content).
 * @throws {@link OnetIOError} `NOT_FOUND`, and every error of {@link parseMesh} / {@link parseGlb}.
 * @category Mesh I/O
 */
export async function readMesh(path: string, options: { format?: MeshFormat | 'glb' } = {}): Promise<TriangleMesh> {
  const bytes = await readBytes(path);
  const glb = options.format === 'glb' || (options.format === undefined && extname(path).toLowerCase() === '.glb');
  if (glb) return parseGlb(bytes, { source: path });
  return parseMesh(bytes, { source: path, format: options.format as MeshFormat | undefined });
}

/** Options of {@link writeMesh}. */
export interface WriteMeshOptions {
  /** For `.ply`: binary little-endian (true) or ASCII. */
  binary?: boolean;
}

/** Defaults of {@link WriteMeshOptions}. */
export const WRITE_MESH_DEFAULTS: Required<WriteMeshOptions> = { binary: true };

/**
 * Write a triangle mesh; the format comes from the extension: `.ply` (binary unless `binary: false`),
 * `.obj`, `.off`, `.glb`, `.stl` (binary). The file is written to a temporary name and renamed, so readers
 * never see half a file.
 * @throws {@link OnetIOError} `UNSUPPORTED_FORMAT` for other extensions, and the writers' errors.
 * @category Mesh I/O
 */
export async function writeMesh(path: string, mesh: TriangleMesh, options: WriteMeshOptions = {}): Promise<void> {
  const opts = { ...WRITE_MESH_DEFAULTS, ...options };
  const ext = extname(path).toLowerCase();
  let bytes: Uint8Array;
  if (ext === '.ply') bytes = writePly(mesh, { binary: opts.binary } satisfies WritePlyOptions);
  else if (ext === '.obj') bytes = writeObj(mesh);
  else if (ext === '.off') bytes = writeOff(mesh);
  else if (ext === '.glb') bytes = await writeGlb(mesh);
  else if (ext === '.stl') bytes = writeStl(mesh);
  else throw new OnetIOError('UNSUPPORTED_FORMAT', `cannot write "${ext}" meshes; use .ply, .obj, .off, .glb or .stl`, path);
  await writeFileAtomic(path, bytes);
}

/**
 * Read a point cloud file (`.ply`, `.xyz`/`.txt`/`.pts`, `.npz` with `points` [and `normals`]).
 * @throws {@link OnetIOError} `NOT_FOUND`, and every error of {@link parsePointCloud}.
 * @category Point-cloud I/O
 */
export async function readPointCloud(path: string): Promise<PointCloud> {
  return parsePointCloud(await readBytes(path), { source: path });
}

/**
 * Read an `.npz` archive into a map from array name to {@link NpyArray} (float16 widened to float32).
 * @throws {@link OnetIOError} `NOT_FOUND`, and every error of {@link parseNpz}.
 * @category Array I/O
 */
export async function readNpz(path: string): Promise<Map<string, NpyArray>> {
  return parseNpz(await readBytes(path), path);
}
