import { readFile, stat } from 'node:fs/promises';
import { OnetIOError, parseGlb, parseMesh, parsePointCloud, meshFormatFromPath, type PointCloud, type TriangleMesh } from '@onet/io';
import { PipelineError } from '../errors.js';
import type { VoxelGridInput } from '../reconstructVoxels.js';
import { parseVoxelFile } from '../readVoxels.js';
import { decodeImage, type DecodedImage } from './readImage.js';

/** What {@link readInput} found in a file: a mesh (with faces), a point cloud, a voxel grid or a picture (decoded, full size). */
export type InputData =
  | { kind: 'mesh'; mesh: TriangleMesh; path: string }
  | { kind: 'points'; cloud: PointCloud; path: string }
  | { kind: 'voxels'; voxels: VoxelGridInput; path: string }
  | { kind: 'image'; image: DecodedImage; path: string };

/** Largest input file read (bytes); larger files are refused before reading. */
export const MAX_INPUT_BYTES = 2 ** 31 - 1;

/** Read a file's bytes with a one-line {@link PipelineError} for missing/unreadable files. @internal */
export async function readBytes(path: string, what = 'input'): Promise<Uint8Array> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new PipelineError('UNREADABLE_INPUT', `${path}: ${what} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof PipelineError) throw e;
    throw new PipelineError('UNREADABLE_INPUT', `${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`, { cause: e });
  }
  if (size > MAX_INPUT_BYTES) throw new PipelineError('UNREADABLE_INPUT', `${path}: ${what} is ${size} bytes, larger than the 2 GiB limit`);
  return new Uint8Array(await readFile(path));
}

function wrapIO(e: unknown, _path: string): never {
  if (e instanceof OnetIOError) {
    const code = e.code === 'EMPTY' ? 'EMPTY_INPUT' : e.code === 'NON_FINITE' ? 'NON_FINITE_INPUT' : 'UNREADABLE_INPUT';
    throw new PipelineError(code, e.message, { cause: e });
  }
  throw e;
}

/**
 * Read a reconstruction input: a **mesh** (`.off`, `.obj`, `.stl`, `.glb`, or a `.ply` with faces), a **point
 * cloud** (`.xyz`/`.txt`/`.pts`, `.npz` with a `points` array, a `.ply` without faces) or a **voxel grid**
 * (`.binvox`, `.npy`, `.npz` with a 3-D array; see `parseVoxelFile`) or a **picture** (`.png`, `.jpg`, `.jpeg`;
 * `decodeImage`, for image models).
 * @throws {@link PipelineError} `UNREADABLE_INPUT` (missing, unknown format, corrupt — the message names the
 *   file and line/byte), `EMPTY_INPUT` (no points), `NON_FINITE_INPUT`, `BAD_IMAGE` (a picture too small or large).
 * @category Node
 */
export async function readInput(path: string): Promise<InputData> {
  const bytes = await readBytes(path);
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase() ?? '';
  if (ext === 'png' || ext === 'jpg' || ext === 'jpeg') return { kind: 'image', image: decodeImage(bytes, path), path };
  try {
    if (ext === 'binvox' || ext === 'npy' || ext === 'npz') {
      const voxels = parseVoxelFile(bytes, path);
      if (voxels) return { kind: 'voxels', voxels, path };
    }
    if (['xyz', 'txt', 'pts', 'csv', 'npz'].includes(ext)) return { kind: 'points', cloud: parsePointCloud(bytes, { source: path }), path };
    if (ext === 'ply') {
      try {
        return { kind: 'mesh', mesh: parseMesh(bytes, { source: path }), path };
      } catch (e) {
        // A PLY with vertices and no faces is a point cloud.
        if (e instanceof OnetIOError && e.code === 'EMPTY' && /no faces|0 faces/.test(e.message)) {
          return { kind: 'points', cloud: parsePointCloud(bytes, { source: path }), path };
        }
        throw e;
      }
    }
    if (ext === 'glb') return { kind: 'mesh', mesh: await parseGlb(bytes, { source: path }), path };
    if (meshFormatFromPath(path)) return { kind: 'mesh', mesh: parseMesh(bytes, { source: path }), path };
    throw new PipelineError(
      'UNREADABLE_INPUT',
      `${path}: unknown input extension ".${ext}"; give a point cloud (.ply .xyz .txt .pts .csv .npz), a mesh (.ply .obj .off .stl .glb), voxels (.binvox .npy .npz) or a picture (.png .jpg)`,
    );
  } catch (e) {
    return wrapIO(e, path);
  }
}

/**
 * Read a mesh file (`.off`, `.obj`, `.ply`, `.stl`, `.glb`), e.g. a ground truth.
 * @throws {@link PipelineError} `UNREADABLE_INPUT`, `EMPTY_INPUT`, `NON_FINITE_INPUT`.
 * @category Node
 */
export async function readMeshFile(path: string): Promise<TriangleMesh> {
  const bytes = await readBytes(path, 'mesh');
  try {
    if (/\.glb$/i.test(path)) return await parseGlb(bytes, { source: path });
    return parseMesh(bytes, { source: path });
  } catch (e) {
    return wrapIO(e, path);
  }
}
