import type { TriangleMesh } from '@onet/io';
import { normalizeMesh, voxelizeMesh, voxelsToMesh } from '@onet/sampling';
import { PipelineError } from './errors.js';
import { fromUnitFrame } from './unitFrame.js';
import type { GenerateMeshOptions } from './generate.js';
import { checkVoxelInput } from './voxelModel.js';
import { conditionAndGenerate, meshFromUnitFrame, type ConditionableModel, type ReconstructionResult } from './reconstruct.js';

/**
 * An occupancy grid with its place in the user's frame: `grid [R³]` 0/1, cell (i, j, k) at `(i·R + j)·R + k` (i along
 * x; `voxelizeMesh`'s and `parseBinvox`'s layout), cells tiling the model's box [−½, ½]³, which maps to the user's
 * frame by `x = x_unit·scale + loc`.
 */
export interface VoxelGridInput {
  /** Occupancy `[R³]`, 1 = occupied. */
  grid: Uint8Array | Float32Array;
  /** R, cells per axis. */
  resolution: number;
  /** Unit frame → user frame: `x = x_unit·scale + loc` (identity: `{ loc: [0, 0, 0], scale: 1 }`). */
  transform: { loc: [number, number, number]; scale: number };
}

/** A model that takes occupancy grids (`config.input === 'voxels'`). */
export type VoxelConditionableModel = ConditionableModel & { readonly config: ConditionableModel['config'] & { input?: string; voxelResolution?: number } };

/** Result of {@link reconstructVoxels}: a {@link ReconstructionResult} (`input` = the grid as floats) plus the input as a mesh. */
export interface VoxelReconstructionResult extends ReconstructionResult {
  /** The input voxels as a closed blocky mesh (`voxelsToMesh`) in the user's frame: the baseline to compare with. */
  voxelMesh: TriangleMesh;
}

/**
 * Voxel super-resolution (ONet §4.3): an occupancy grid in, a smooth watertight mesh out. Conditions a voxel model on
 * the grid, runs {@link generateMesh} (MISE + marching cubes) over the padded box and maps the mesh into the grid's
 * frame (`input.transform`, e.g. a binvox file's translate/scale). τ: `options.threshold`, else the model's
 * `config.threshold`, else 0.2. Tensors are released before returning.
 *
 * @example
 * ```ts
 * const { model } = await loadModel('packages/pipeline/models/voxels');
 * const grid = voxelizeMesh(normalizeMesh(mesh).mesh);                      // [32³]
 * const { mesh: smooth, voxelMesh } = await reconstructVoxels(model, { grid, resolution: 32, transform: { loc: [0, 0, 0], scale: 1 } });
 * ```
 * @throws {@link PipelineError} `INVALID_OPTION` (a point-cloud model), `BAD_VOXEL_GRID` (a grid of another size — the
 *   message names the model's — or a full grid), `EMPTY_INPUT` (no occupied cell), `BAD_NETWORK_OUTPUT`.
 * @category Generation
 */
export async function reconstructVoxels(model: VoxelConditionableModel, input: VoxelGridInput, options: GenerateMeshOptions = {}): Promise<VoxelReconstructionResult> {
  if (model.config.input !== 'voxels') {
    throw new PipelineError('INVALID_OPTION', 'this model takes point clouds, not voxels; load a voxel model (e.g. --model packages/pipeline/models/voxels)');
  }
  const R = model.config.voxelResolution ?? 32;
  const { grid, transform } = input;
  if (!(transform?.scale > 0) || !transform.loc?.every(Number.isFinite)) {
    throw new PipelineError('INVALID_OPTION', `the voxel grid's transform needs a scale > 0 and a finite loc, got ${JSON.stringify(transform)}`);
  }
  checkVoxelInput(grid, R);
  const floats = grid instanceof Float32Array ? grid : Float32Array.from(grid);
  const { mesh: unitMesh, stats } = await conditionAndGenerate(model, floats, { ...options, threshold: options.threshold ?? model.config.threshold ?? 0.2 });
  const { loc, scale } = transform;
  const mesh = meshFromUnitFrame(unitMesh, loc, scale);
  const blocks = voxelsToMesh(grid);
  const voxelMesh = { positions: fromUnitFrame(blocks.positions, loc, scale), indices: blocks.indices };
  return { mesh, unitMesh, input: floats, transform: { loc: [loc[0], loc[1], loc[2]], scale }, stats, voxelMesh };
}

/**
 * A mesh voxelised as a voxel model's input: normalised (bbox centre to the origin, longest side 1, the training
 * frame), `voxelizeMesh` at the model's resolution (surface + fill, like binvox), with the transform back to the
 * mesh's frame: the input `onet reconstruct mesh.off --input voxels` gives a voxel model.
 * @throws {@link PipelineError} `INVALID_OPTION` for a mesh that cannot be normalised (no extent).
 */
export function meshToVoxelInput(mesh: TriangleMesh, resolution: number): VoxelGridInput {
  let n;
  try {
    n = normalizeMesh(mesh);
  } catch (e) {
    throw new PipelineError('INVALID_OPTION', `cannot normalise the mesh: ${(e as Error).message}`, { cause: e });
  }
  return { grid: voxelizeMesh(n.mesh, { resolution }), resolution, transform: { loc: [n.loc[0], n.loc[1], n.loc[2]], scale: n.scale } };
}
