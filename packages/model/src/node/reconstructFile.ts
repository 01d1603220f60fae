import type { TriangleMesh } from '@onet/io';
import { boundingBox } from '@onet/sampling';
import { PipelineError } from '../errors.js';
import { assertOutputNotInput } from './assertOutputNotInput.js';
import { reconstruct, type ReconstructOptions, type ReconstructionResult } from '../reconstruct.js';
import { evaluateMeshes, type ReconstructionMetrics } from '../evaluate.js';
import { reconstructFromMesh } from '../reconstructFromMesh.js';
import { readInput, readMeshFile, type InputData } from './readInput.js';
import { writeMeshFile } from './writeMeshFile.js';
import { reconstructVoxelFile } from './reconstructVoxelFile.js';
import type { ConditionableModel } from '../reconstruct.js';
import { reconstructImage } from '../reconstructImage.js';
import { DEFAULT_IMAGE_SIZE } from '../imageModel.js';
import { imageToModelInput } from './readImage.js';

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
  inputKind: 'mesh' | 'points' | 'voxels' | 'image';
  /** The input points in the input's frame `[N·3]` (all of them for a cloud, the drawn ones for a mesh). */
  points: Float32Array;
  /** Metrics in the ground truth's unit-cube frame (longest side 1), when a ground truth was available. */
  metrics?: ReconstructionMetrics;
  /**
   * Things the caller should tell the user, one line each: so far, a ground truth (`gt`/`gtMesh`) whose bounding
   * box barely overlaps the reconstruction's (box IoU below {@link GT_OVERLAP_WARNING}), i.e. probably another frame.
   */
  warnings: string[];
  /** Voxel input: the input voxels as a blocky closed mesh (the baseline), in the input's frame … */
  voxelMesh?: TriangleMesh;
  /** … and its metrics against the ground truth, when there is one. */
  voxelMetrics?: ReconstructionMetrics;
}

/** Bounding-box IoU of ground truth and reconstruction below which {@link reconstructFile} warns. */
export const GT_OVERLAP_WARNING = 0.1;

/** IoU of the axis-aligned bounding boxes of two meshes (0 when disjoint; a flat box counts its extent as 0). */
function boxIoU(a: TriangleMesh, b: TriangleMesh): number {
  const A = boundingBox(a), B = boundingBox(b);
  let inter = 1, va = 1, vb = 1;
  for (let k = 0; k < 3; k++) {
    inter *= Math.max(0, Math.min(A.max[k], B.max[k]) - Math.max(A.min[k], B.min[k]));
    va *= A.max[k] - A.min[k];
    vb *= B.max[k] - B.min[k];
  }
  const union = va + vb - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * `onet reconstruct` as a function: read a point cloud or a mesh (a path, or what {@link readInput} returned), reconstruct with `model`, optionally write
 * the mesh and score it.
 *
 * - A **picture** (`.png`, `.jpg`) needs an image model: it is resized by `imageToModelInput`'s rule (alpha on white,
 *   padded to a square with white, area-averaged to the model's `imageSize`) and reconstructed in its view frame
 *   (`reconstructImage`); `gt` is refused for pictures.
 *
 * - A **mesh** input is treated as the reference treats a dataset shape (REFERENCE §2.1–2.2): normalised
 *   (bounding-box centre to the origin, longest side 1), `points` surface samples drawn by area with
 *   N(0, noiseStd²) noise, reconstructed in that unit frame, mapped back; it is also the ground truth.
 * - A **point-cloud** input is normalised by its bounding box (see {@link reconstruct}).
 * - Metrics (IoU, Chamfer-L1, normal consistency, F-score@0.01) are computed in the ground truth's unit
 *   frame, so Chamfer-L1 is in the reference's unit-cube units.
 *
 * - The output is refused before any work when it is one of the inputs ({@link assertOutputNotInput}), and an
 *   empty mesh is an error, not an empty file.
 *
 * @throws {@link PipelineError} for unreadable/empty inputs (`UNREADABLE_INPUT`, `EMPTY_INPUT`,
 *   `NON_FINITE_INPUT`, `DEGENERATE_INPUT`), `OUTPUT_IS_INPUT`, `EMPTY_OUTPUT` (no surface: nothing written),
 *   `UNWRITABLE_OUTPUT`, and generation errors.
 * @category Node
 */
export async function reconstructFile(
  model: ConditionableModel & { config: { noiseStd?: number } },
  input: string | InputData,
  options: ReconstructFileOptions = {},
): Promise<ReconstructFileResult> {
  if (options.output) await assertOutputNotInput(options.output, [typeof input === 'string' ? input : input.path, options.gt]);
  const data = typeof input === 'string' ? await readInput(input) : input;
  if (data.kind === 'image') {
    // a picture: resized by imageToModelInput's rule, reconstructed in its view frame; no ground truth frame to score in yet
    const cfg = model.config as { input?: string; imageSize?: number };
    if (cfg.input !== 'image') throw new PipelineError('INVALID_OPTION', `${data.path}: a picture needs an image model (model.json with "input": "image"; npm run train:image trains one)`);
    if (options.gt || options.gtMesh) throw new PipelineError('INVALID_OPTION', `${data.path}: --gt is not supported for pictures yet (the ground truth would have to be in the picture's camera frame)`);
    const r = await reconstructImage(model as Parameters<typeof reconstructImage>[0], imageToModelInput(data.image, cfg.imageSize ?? DEFAULT_IMAGE_SIZE), options);
    if (r.mesh.indices.length === 0) {
      throw new PipelineError('EMPTY_OUTPUT', `${data.path}: the reconstruction is empty (no surface at τ = ${r.stats.threshold}); nothing was written. Check that the picture shows one object on a plain background, or try a lower threshold`);
    }
    if (options.output) await writeMeshFile(options.output, r.mesh);
    return { ...r, inputKind: 'image', points: new Float32Array(0), warnings: [] };
  }
  if (data.kind === 'voxels' || (data.kind === 'mesh' && options.input === 'voxels')) return reconstructVoxelFile(model, data, options);
  const givenGt = options.gtMesh ?? (options.gt ? await readMeshFile(options.gt) : undefined);
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
  if (givenGt) gt = givenGt;
  if (result.mesh.indices.length === 0) {
    throw new PipelineError(
      'EMPTY_OUTPUT',
      `${data.path}: the reconstruction is empty (no surface at τ = ${result.stats.threshold}); nothing was written. Check that the input is one object, or try a lower threshold`,
    );
  }
  if (options.output) await writeMeshFile(options.output, result.mesh);
  const out: ReconstructFileResult = { ...result, inputKind: data.kind, points, warnings: [] };
  if (givenGt) {
    const iou = boxIoU(result.mesh, givenGt);
    if (iou < GT_OVERLAP_WARNING) {
      out.warnings.push(
        `the ground truth's bounding box barely overlaps the reconstruction's (box IoU ${iou.toFixed(3)}): it is probably in another frame (units, offset), so the metrics are meaningless`,
      );
    }
  }
  if (gt) out.metrics = evaluateMeshes(result.mesh, gt, { frame: 'gt-unit', points: options.evalPoints, seed: options.seed ?? 0 });
  return out;
}
