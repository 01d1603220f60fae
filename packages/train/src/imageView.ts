import type { TriangleMesh } from '@onet/io';
import { normalizeMesh, transformMesh } from '@onet/sampling';
import { randomView, renderMesh, meshToViewFrame, silhouetteOccupancy, viewDepthRange, type Camera } from '@onet/render';
import {
  DEFAULT_IMAGE_CAMERA,
  DEFAULT_IMAGE_SIZE,
  evaluateMeshes,
  generateMesh,
  reconstructImage,
  PipelineError,
  type GenerateMeshOptions,
  type GenerationResult,
  type ImageConditionableModel,
  type ModelConfig,
  type ReconstructionMetrics,
  type ReconstructionResult,
} from '@onet/model';
import { fitInSphere, sphereFitScale } from './trainingData.js';

/** Elevations of the views image models train on (and are evaluated on), degrees: −20° … 50°. */
export const TRAINING_ELEVATION_RANGE_DEG: readonly [number, number] = Object.freeze([-20, 50]) as readonly [number, number];

/**
 * The camera of a seeded view as image models see their shapes: `randomView(seed)` with the model's `imageCamera`
 * (default `DEFAULT_IMAGE_CAMERA`: 30° fov at distance 2.2), the training elevations
 * ({@link TRAINING_ELEVATION_RANGE_DEG}) and `imageSize`² pixels. Training's view `v` of shape `key` is this camera
 * at seed `viewSeed(key, v)`.
 */
export function imageViewCamera(model: Pick<ModelConfig, 'imageCamera' | 'imageSize'>, seed: number): Camera {
  const cam = model.imageCamera ?? DEFAULT_IMAGE_CAMERA;
  const S = model.imageSize ?? DEFAULT_IMAGE_SIZE;
  return randomView(seed, { fovDeg: cam.fovDeg, distance: cam.distance, elevationRangeDeg: [...TRAINING_ELEVATION_RANGE_DEG], width: S, height: S });
}

/** A mesh rendered as an image model's input: {@link renderImageView}'s result. */
export interface ImageView {
  /** The view's camera ({@link imageViewCamera}). */
  camera: Camera;
  /** The rendered input: RGB bytes `[S·S·3]`, row-major from the top-left pixel. */
  image: Uint8Array;
  /** Silhouette `[S·S]` (1 where the object covers the pixel centre). */
  mask: Uint8Array;
  /** The mesh as the model sees it, in the **view frame**: normalised, fitted in the radius-½ sphere, rotated by the camera. */
  mesh: TriangleMesh;
  /** Map of the input mesh's frame into the view frame: `p_view = R·((p − loc)·scale)`, `R` = `camera.rotation`. */
  loc: [number, number, number];
  /** See `loc`: bounding-box normalisation (longest side 1) times the `fitInSphere` factor. */
  scale: number;
}

/**
 * Render a mesh as image models are trained on it: normalised (bounding-box centre to the origin, longest side 1,
 * `normalizeMesh`), fitted in the radius-½ sphere (`fitInSphere`), drawn with `renderMesh` from the seeded view
 * {@link imageViewCamera}; the mesh is returned rotated into that view's frame (the frame of the model's output).
 *
 * @example
 * ```ts
 * const view = renderImageView(cow, model.config, 10_000);
 * const { mesh } = await reconstructImage(model, view.image); // compare with view.mesh
 * ```
 * @throws `SamplingError` for an empty or degenerate mesh, `RenderError` for a bad camera in the config.
 */
export function renderImageView(mesh: TriangleMesh, model: Pick<ModelConfig, 'imageCamera' | 'imageSize'>, seed: number): ImageView {
  const n = normalizeMesh(mesh);
  const fitted = fitInSphere(n.mesh);
  const k = sphereFitScale(n.mesh);
  const camera = imageViewCamera(model, seed);
  const { rgb, mask } = renderMesh(fitted, camera);
  return { camera, image: rgb, mask, mesh: meshToViewFrame(fitted, camera), loc: n.loc, scale: k / n.scale };
}

/**
 * Another mesh given in the frame of the mesh that {@link renderImageView} rendered (e.g. a ground truth) mapped the
 * same way into the view's frame: `p_view = R·((p − loc)·scale)`.
 */
export function toImageViewFrame(mesh: TriangleMesh, view: ImageView): TriangleMesh {
  const { loc, scale: k } = view;
  return meshToViewFrame(transformMesh(mesh, [k, 0, 0, -loc[0] * k, 0, k, 0, -loc[1] * k, 0, 0, k, -loc[2] * k]), view.camera);
}

/**
 * The silhouette-extrusion baseline of single-view reconstruction as a mesh: `silhouetteOccupancy` of the view's
 * mask through the ground truth's depth range (an oracle: the true near and far depths), turned into occupancy logits
 * ±10 and meshed like a model (`generateMesh`: MISE + marching cubes; `threshold` is fixed at ½, the surface midway
 * between occupied and empty grid points). The mesh is in the view frame. {@link reconstructImageView} passes only
 * the grid options (`resolution0`, `upsamplingSteps`, `batchSize`, `mode`) and the model's padding.
 * @param gt the ground truth in the view frame (its vertices give the depth range).
 * @throws `RenderError` `INVALID_OPTION` for an empty ground truth; `PipelineError` for bad generation options.
 */
export async function silhouetteBaseline(view: ImageView, gt: TriangleMesh, options: GenerateMeshOptions = {}): Promise<GenerationResult> {
  const range = viewDepthRange(gt.positions, view.camera);
  const logits = (points: Float32Array) => Float32Array.from(silhouetteOccupancy(points, view.mask, view.camera, range), (o) => (o ? 10 : -10));
  return generateMesh(logits, { ...options, threshold: 0.5 });
}

/** Options of {@link reconstructImageView} (and generation options: `resolution0`, `upsamplingSteps`, `threshold` τ, …). */
export interface ReconstructImageViewOptions extends GenerateMeshOptions {
  /** Seed of the view ({@link imageViewCamera}). */
  viewSeed?: number;
  /** Ground truth in the input mesh's frame (default: the input mesh itself). */
  gt?: TriangleMesh | undefined;
  /** Score the reconstruction against the ground truth in the view frame. */
  evaluate?: boolean;
  /** Also mesh and score the silhouette-extrusion baseline ({@link silhouetteBaseline}). */
  baseline?: boolean;
  /** Surface points per mesh and uniform points for IoU (reference 100 000). */
  evalPoints?: number;
  /** Seed of the evaluation samples. */
  evalSeed?: number;
}

/** Defaults of {@link ReconstructImageViewOptions}' own fields. */
export const RECONSTRUCT_IMAGE_VIEW_DEFAULTS = { viewSeed: 0, evaluate: true, baseline: false, evalPoints: 100_000, evalSeed: 0 } as const;

/** Result of {@link reconstructImageView}; every mesh in it is in the view's frame. */
export interface ImageViewReconstruction {
  /** The rendered view (camera, input image, silhouette, the input mesh in the view frame). */
  view: ImageView;
  /** The ground truth in the view frame. */
  gt: TriangleMesh;
  /** The model's reconstruction (`reconstructImage`). */
  result: ReconstructionResult;
  /** Its scores against `gt` (when `evaluate`). */
  metrics?: ReconstructionMetrics;
  /** The silhouette baseline (when `baseline`), scored when `evaluate`. */
  baseline?: { mesh: TriangleMesh; metrics?: ReconstructionMetrics };
}

/**
 * Single-view reconstruction of a mesh, scored (ONet §4.2 in a viewer-centred frame): render it as training does
 * ({@link renderImageView}), reconstruct from the picture (`reconstructImage`, the model's τ unless `threshold` is
 * given), and score the mesh in the view's frame against the ground truth rotated into it (`evaluateMeshes`
 * `frame: 'as-is'`: IoU on uniform points in the padded box with the ground truth's inside test, Chamfer-L1, normal
 * consistency, F-score@0.01; distances in the view frame's units, where the shape fits the radius-½ sphere).
 * Optionally the silhouette-extrusion baseline, meshed and scored the same way. An empty reconstruction scores the
 * reference's penalties (IoU 0).
 *
 * @example
 * ```ts
 * const r = await reconstructImageView(model, cow, { viewSeed: 3, baseline: true, evalPoints: 20_000 });
 * console.log(r.metrics?.iou, r.baseline?.metrics?.iou);
 * ```
 * @throws {@link PipelineError} `INVALID_OPTION` (not an image model, bad options), `BAD_NETWORK_OUTPUT`; `SamplingError`
 *   for an empty or degenerate mesh; `EMPTY_INPUT` for a ground truth with no faces.
 */
export async function reconstructImageView(model: ImageConditionableModel, mesh: TriangleMesh, options: ReconstructImageViewOptions = {}): Promise<ImageViewReconstruction> {
  if (model.config.input !== 'image') throw new PipelineError('INVALID_OPTION', 'this model does not take images; load an image model (model.json with "input": "image")');
  const D = RECONSTRUCT_IMAGE_VIEW_DEFAULTS;
  const { viewSeed = D.viewSeed, gt: gtMesh, evaluate = D.evaluate, baseline = D.baseline, evalPoints = D.evalPoints, evalSeed = D.evalSeed, ...generation } = options;
  const view = renderImageView(mesh, model.config as ModelConfig, viewSeed);
  const gt = gtMesh && gtMesh !== mesh ? toImageViewFrame(gtMesh, view) : view.mesh;
  const result = await reconstructImage(model, view.image, generation);
  const o = { frame: 'as-is' as const, points: evalPoints, seed: evalSeed, padding: model.config.padding };
  const out: ImageViewReconstruction = { view, gt, result };
  if (evaluate) out.metrics = evaluateMeshes(result.mesh, gt, o);
  if (baseline) {
    // meshed on the same grid (refinement, normals and τ are the network's business)
    const { resolution0, upsamplingSteps, batchSize, mode } = generation;
    const b = await silhouetteBaseline(view, gt, { resolution0, upsamplingSteps, batchSize, mode, padding: model.config.padding });
    out.baseline = { mesh: b.mesh, ...(evaluate ? { metrics: evaluateMeshes(b.mesh, gt, o) } : {}) };
  }
  return out;
}
