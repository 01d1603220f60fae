import type { TriangleMesh } from '@onet/io';
import { evaluateMeshes } from '../evaluate.js';
import { meshToVoxelInput, reconstructVoxels, type VoxelConditionableModel, type VoxelGridInput } from '../reconstructVoxels.js';
import { PipelineError } from '../errors.js';
import { readMeshFile, type InputData } from './readInput.js';
import { writeMeshFile } from './writeMeshFile.js';
import type { ReconstructFileOptions, ReconstructFileResult } from './reconstructFile.js';


/**
 * The voxel branch of `reconstructFile`: a voxel file (`data.kind === 'voxels'`), or a mesh voxelised at the model's
 * resolution (`options.input === 'voxels'`; the mesh is then the ground truth). With a ground truth, scores the model's
 * mesh (`metrics`) and the input voxels as a blocky mesh (`voxelMetrics`, the baseline), both in the ground truth's
 * unit frame. @internal
 */
export async function reconstructVoxelFile(model: VoxelConditionableModel, data: InputData, options: ReconstructFileOptions): Promise<ReconstructFileResult> {
  let voxels: VoxelGridInput;
  let gt: TriangleMesh | undefined;
  if (data.kind === 'voxels') voxels = data.voxels;
  else if (data.kind === 'mesh') {
    voxels = meshToVoxelInput(data.mesh, model.config.voxelResolution ?? 32);
    gt = data.mesh;
  } else throw new PipelineError('INVALID_OPTION', `${data.path}: a point cloud cannot be voxelised; give a mesh or a voxel file`);
  const result = await reconstructVoxels(model, voxels, options);
  if (options.gtMesh) gt = options.gtMesh;
  else if (options.gt) gt = await readMeshFile(options.gt);
  if (result.mesh.indices.length === 0) {
    throw new PipelineError(
      'EMPTY_OUTPUT',
      `${data.path}: the reconstruction is empty (no surface at τ = ${result.stats.threshold}); nothing was written. Check the grid, or try a lower threshold`,
    );
  }
  if (options.output) await writeMeshFile(options.output, result.mesh);
  const out: ReconstructFileResult = { ...result, inputKind: 'voxels', points: new Float32Array(0), voxelMesh: result.voxelMesh, warnings: [] };
  if (gt) {
    const o = { frame: 'gt-unit' as const, points: options.evalPoints, seed: options.seed ?? 0 };
    out.metrics = evaluateMeshes(result.mesh, gt, o);
    out.voxelMetrics = evaluateMeshes(result.voxelMesh, gt, o);
  }
  return out;
}
