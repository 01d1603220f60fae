import { OnetIOError, parseBinvox, parseNpy, parseNpz, type NpyArray } from '@onet/io';
import { PipelineError } from './errors.js';
import type { VoxelGridInput } from './reconstructVoxels.js';

/** File extensions read as voxel grids by {@link parseVoxelFile} (`.npz` only when it holds a 3-D array and no `points`). */
export const VOXEL_EXTENSIONS = ['binvox', 'npy', 'npz'] as const;

function fromNpy(a: NpyArray, what: string): VoxelGridInput {
  if (a.shape.length !== 3) throw new PipelineError('BAD_VOXEL_GRID', `${what}: a voxel grid is a 3-D array of 0/1 or booleans, got shape (${a.shape.join(', ')})`);
  const [d0, d1, d2] = a.shape;
  if (d0 !== d1 || d1 !== d2) throw new PipelineError('BAD_VOXEL_GRID', `${what}: the voxel grid must be cubic (R, R, R), got (${a.shape.join(', ')})`);
  const data = new Uint8Array(d0 * d1 * d2);
  for (let i = 0; i < data.length; i++) {
    const v = Number(a.data[i]);
    if (v !== 0 && v !== 1) throw new PipelineError('BAD_VOXEL_GRID', `${what}: voxel values must be 0 or 1 (or booleans), got ${v} at flat index ${i}; threshold the array first`);
    data[i] = v;
  }
  // numpy index [i, j, k] = (x, y, z), cell i spanning [i, i + 1]: voxel units
  return { grid: data, resolution: d0, transform: { loc: [d0 / 2, d0 / 2, d0 / 2], scale: d0 } };
}

/**
 * Parse a voxel file: `.binvox` (its `translate`/`scale` header honoured: the output is in the file's world
 * coordinates), `.npy` or `.npz` with a cubic 3-D array of 0/1 or booleans, index `[i, j, k]` = (x, y, z) (read in
 * voxel units: cell (i, j, k) spans `[i, i + 1] × [j, j + 1] × [k, k + 1]`). An `.npz` uses its `voxels` (or
 * `occupancies`) array, else its only 3-D array. Returns `undefined` for an `.npz` that holds a `points` array (a point
 * cloud) and no voxels.
 * @throws {@link PipelineError} `UNREADABLE_INPUT` (corrupt file), `BAD_VOXEL_GRID` (not 3-D, not cubic, values other
 *   than 0/1), `EMPTY_INPUT`.
 * @category Node
 */
export function parseVoxelFile(bytes: Uint8Array, path: string): VoxelGridInput | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase() ?? '';
  try {
    if (ext === 'binvox') {
      const g = parseBinvox(bytes, { source: path });
      const [d0, d1, d2] = g.dims;
      if (d0 !== d1 || d1 !== d2) throw new PipelineError('BAD_VOXEL_GRID', `${path}: the voxel grid must be cubic, got ${g.dims.join('×')}`);
      // binvox: voxel centre i at translate + scale·(i + ½)/D, i.e. the grid spans [translate, translate + scale]
      const half = g.scale / 2;
      return { grid: g.data, resolution: d0, transform: { loc: [g.translate[0] + half, g.translate[1] + half, g.translate[2] + half], scale: g.scale } };
    }
    if (ext === 'npy') return fromNpy(parseNpy(bytes, path), path);
    if (ext === 'npz') {
      const arrays = parseNpz(bytes, path);
      const named = arrays.get('voxels') ?? arrays.get('occupancies');
      if (named) return fromNpy(named, `${path}:${arrays.get('voxels') ? 'voxels' : 'occupancies'}`);
      if (arrays.has('points')) return undefined;
      const cubes = [...arrays.entries()].filter(([, a]) => a.shape.length === 3);
      if (cubes.length === 1) return fromNpy(cubes[0][1], `${path}:${cubes[0][0]}`);
      throw new PipelineError('UNREADABLE_INPUT', `${path}: an .npz input needs a "points" array (point cloud) or one 3-D array of 0/1 (voxels; name it "voxels"); found ${[...arrays.keys()].join(', ') || 'no arrays'}`);
    }
  } catch (e) {
    if (e instanceof OnetIOError) throw new PipelineError(e.code === 'EMPTY' ? 'EMPTY_INPUT' : 'UNREADABLE_INPUT', e.message, { cause: e });
    throw e;
  }
  throw new PipelineError('UNREADABLE_INPUT', `${path}: not a voxel file (.binvox .npy .npz)`);
}
