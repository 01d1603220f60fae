import type { TriangleMesh } from '@onet/io';
import { reconstruct, type ReconstructOptions, type ReconstructionResult } from '../reconstruct.js';
import { evaluateMeshes, type ReconstructionMetrics } from '../evaluate.js';
import { reconstructFromMesh } from '../reconstructFromMesh.js';
import { readInput, readMeshFile, type InputData } from './readInput.js';
import { writeMeshFile } from './writeMeshFile.js';
import { reconstructVoxelFile } from './reconstructVoxelFile.js';
import type { ConditionableModel } from '../reconstruct.js';

/** Options of {@link reconstructFile}. */
export interface ReconstructFileOptions extends ReconstructOptions {
  /** Write the mesh here (`.ply`, `.obj`, `.off`, `.glb`); nothing is written when absent. */
  output?: string;
  /** Ground-truth mesh file to score against; a mesh input is its own ground truth. */
  gt?: string;
  /** Ground-truth mesh already in memory (wins over `gt`). */
  gtMesh?: TriangleMesh | undefined;
  /** Mesh input: number of noisy surface points drawn (default: the model's `config.inputPoints`, 300 in the reference). */
  points?: number;
  /** Mesh input: standard deviation of the Gaussian noise, in unit-cube units (default: the model's `config.noiseStd`, 0.005). */
  noiseStd?: number;
  /** Points per mesh for the metrics (reference 100 000). */
  evalPoints?: number;
  /** Mesh input: what the model gets, noisy surface `points` (default) or the mesh voxelised at its resolution (`voxels`). */
  input?: 'points' | 'voxels';
}

/** Result of {@link reconstructFile}. */
export interface ReconstructFileResult extends ReconstructionResult {
  /** `'mesh'` when the input was a mesh (then `points` were drawn from it), `'voxels'` for a grid (a file, or the mesh voxelised), else `'points'`. */
  inputKind: 'mesh' | 'points' | 'voxels';
  /** The input points in the input's frame `[N·3]` (all of them for a cloud, the drawn ones for a mesh). */
  points: Float32Array;
  /** Metrics in the ground truth's unit-cube frame (longest side 1), when a ground truth was available. */
  metrics?: ReconstructionMetrics;
  /** Voxel input: the input voxels as a blocky closed mesh (the baseline), in the input's frame … */
  voxelMesh?: TriangleMesh;
  /** … and its metrics against the ground truth, when there is one. */
  voxelMetrics?: ReconstructionMetrics;
}

/**
 * `onet reconstruct` as a function: read a point cloud or a mesh (a path, or what {@link readInput} returned), reconstruct with `model`, optionally write
 * the mesh and score it.
 *
 * - A **mesh** input is treated as the reference treats a dataset shape (REFERENCE §2.1–2.2): normalised
 *   (bounding-box centre to the origin, longest side 1), `points` surface samples drawn by area with
 *   N(0, noiseStd²) noise, reconstructed in that unit frame, mapped back; it is also the ground truth.
 * - A **point-cloud** input is normalised by its bounding box (see {@link reconstruct}).
 * - Metrics (IoU, Chamfer-L1, normal consistency, F-score@0.01) are computed in the ground truth's unit
 *   frame, so Chamfer-L1 is in the reference's unit-cube units.
 *
 * @throws {@link PipelineError} for unreadable/empty inputs (`UNREADABLE_INPUT`, `EMPTY_INPUT`,
 *   `NON_FINITE_INPUT`), `UNWRITABLE_OUTPUT`, and generation errors.
 * @category Node
 */
export async function reconstructFile(
  model: ConditionableModel & { config: { noiseStd?: number } },
  input: string | InputData,
  options: ReconstructFileOptions = {},
): Promise<ReconstructFileResult> {
  const data = typeof input === 'string' ? await readInput(input) : input;
  if (data.kind === 'voxels' || (data.kind === 'mesh' && options.input === 'voxels')) return reconstructVoxelFile(model, data, options);
  let result: ReconstructionResult;
  let points: Float32Array;
  let gt: TriangleMesh | undefined;
  if (data.kind === 'mesh') {
    const r = await reconstructFromMesh(model, data.mesh, options);
    points = r.points;
    result = r;
    gt = data.mesh;
  } else {
    points = data.cloud.points;
    result = await reconstruct(model, points, options);
  }
  if (options.gtMesh) gt = options.gtMesh;
  else if (options.gt) gt = await readMeshFile(options.gt);
  if (options.output) await writeMeshFile(options.output, result.mesh);
  const out: ReconstructFileResult = { ...result, inputKind: data.kind, points };
  if (gt) out.metrics = evaluateMeshes(result.mesh, gt, { frame: 'gt-unit', points: options.evalPoints, seed: options.seed ?? 0 });
  return out;
}
