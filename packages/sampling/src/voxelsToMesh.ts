import type { TriangleMesh } from '@onet/io';
import { SamplingError } from './errors.js';

/** Options of {@link voxelsToMesh}. */
export interface VoxelsToMeshOptions {
  /** The grid covers `[−(1 + padding)/2, (1 + padding)/2]³` (0: the unit cube, as {@link voxelizeMesh}). */
  padding?: number;
}

/** Defaults of {@link VoxelsToMeshOptions}. */
export const VOXELS_TO_MESH_DEFAULTS: Required<VoxelsToMeshOptions> = { padding: 0 };

/**
 * The occupied cells of a cubic grid as one closed, blocky triangle mesh: every face between an occupied cell and an
 * empty one (or the outside of the grid) becomes two triangles facing the empty side, with vertices shared at cell
 * corners — the reference's `VoxelGrid.to_mesh` (ON:im2mesh/utils/voxels.py), the "input voxels" baseline of ONet's
 * voxel super-resolution table. Layout as `voxelizeMesh`: `grid [R³]`, cell (i, j, k) at `(i·R + j)·R + k` (i along
 * x) spanning `[−h + i·s, −h + (i + 1)·s]` etc., `h = (1 + padding)/2`, `s = 2h/R`.
 *
 * @returns a watertight mesh (outward normals); empty (no faces) when no cell is occupied.
 * @example
 * ```ts
 * const blocks = voxelsToMesh(voxelizeMesh(mesh)); // 32³ → blocky mesh in [−½, ½]³
 * ```
 * @throws {@link SamplingError} `SHAPE_MISMATCH` when the length is not a cube R³.
 * @category Voxels
 */
export function voxelsToMesh(grid: ArrayLike<number>, options: VoxelsToMeshOptions = {}): TriangleMesh {
  const { padding } = { ...VOXELS_TO_MESH_DEFAULTS, ...options };
  const R = Math.round(Math.cbrt(grid.length));
  if (R < 1 || R ** 3 !== grid.length) throw new SamplingError('SHAPE_MISMATCH', `a voxel grid has R³ cells, got ${grid.length}`);
  const h = (1 + padding) / 2;
  const s = (2 * h) / R;
  const V = R + 1;
  const vertexOf = new Int32Array(V * V * V).fill(-1);
  const positions: number[] = [];
  const indices: number[] = [];
  const occ = (i: number, j: number, k: number) => i >= 0 && j >= 0 && k >= 0 && i < R && j < R && k < R && grid[(i * R + j) * R + k] > 0;
  const vertex = (i: number, j: number, k: number) => {
    const key = (i * V + j) * V + k;
    if (vertexOf[key] < 0) {
      vertexOf[key] = positions.length / 3;
      positions.push(-h + i * s, -h + j * s, -h + k * s);
    }
    return vertexOf[key];
  };
  // per direction: the neighbour offset and the face's four corners (offsets from the cell's low corner), counter-
  // clockwise seen from outside
  const faces: [number[], number[][]][] = [
    [[-1, 0, 0], [[0, 0, 0], [0, 0, 1], [0, 1, 1], [0, 1, 0]]],
    [[1, 0, 0], [[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0, 1]]],
    [[0, -1, 0], [[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]]],
    [[0, 1, 0], [[0, 1, 0], [0, 1, 1], [1, 1, 1], [1, 1, 0]]],
    [[0, 0, -1], [[0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 0, 0]]],
    [[0, 0, 1], [[0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]]],
  ];
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < R; j++) {
      for (let k = 0; k < R; k++) {
        if (!occ(i, j, k)) continue;
        for (const [d, corners] of faces) {
          if (occ(i + d[0], j + d[1], k + d[2])) continue;
          const q = corners.map((c) => vertex(i + c[0], j + c[1], k + c[2]));
          indices.push(q[0], q[1], q[2], q[0], q[2], q[3]);
        }
      }
    }
  }
  return { positions: new Float32Array(positions), indices: new Uint32Array(indices) };
}
