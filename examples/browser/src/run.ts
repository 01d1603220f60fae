import type { TriangleMesh } from '@onet/io';
import type { MiseProgress } from '@onet/mise';
import { isWatertight } from '@onet/marching-cubes';
import {
  decodeShape,
  evaluateMeshes,
  interpolateLatent,
  sampleCodes,
  reconstruct,
  reconstructFromMesh,
  meshToVoxelInput,
  reconstructVoxels,
  reconstructImage,
  imageToModelInput,
  DEFAULT_IMAGE_SIZE,
  type ConditionableModel,
  type DecodedImage,
  type ImageConditionableModel,
  type ConditionedShape,
  type OptimizableShape,
  type LatentDecoder,
  type OccupancyNetwork,
  type VoxelConditionableModel,
  type GenerationStats,
  type ReconstructionMetrics,
  type TestTimeOptimizationOptions,
  type TestTimeOptimizationStats,
} from '@onet/model';
import type { PageInput } from './samples.js';

/**
 * `RunSettings.testTimeOptimization` from the page's checkbox: `undefined` (the model's own setting, options and all)
 * unless the user changed it (`chosen`: the checkbox was toggled or the URL gives `tto`); ticked: the model's setting,
 * or `true` (the defaults) for a model without one; cleared: `false`. `model`: the model's
 * `config.testTimeOptimization`.
 */
export function ttoSetting(
  checked: boolean,
  chosen: boolean,
  model: boolean | TestTimeOptimizationOptions | undefined,
): boolean | TestTimeOptimizationOptions | undefined {
  if (!chosen) return undefined;
  return checked ? model || true : false;
}

/** Settings of one reconstruction (the page's controls and URL parameters). */
export interface RunSettings {
  /**
   * Noisy surface points drawn from a mesh input / points fed to the encoder for a point-cloud input
   * (subsampled when larger). `undefined` = the model's `config.inputPoints`.
   */
  points?: number | undefined;
  /** Seed of the point sampling, the noise and the evaluation samples. */
  seed: number;
  /**
   * Occupancy threshold τ as a probability. `undefined` = the model's for the number of points actually encoded
   * (its `thresholdByInputPoints`, else `threshold`, else 0.2), as `reconstruct` picks it.
   */
  threshold?: number | undefined;
  /** Fill enclosed cavities before marching cubes (`GenerateMeshOptions.fillCavities`). */
  fillCavities: boolean;
  /**
   * Point-cloud task: test-time optimisation of the encoding (`ReconstructOptions.testTimeOptimization`; from the
   * checkbox by {@link ttoSetting}). `undefined` = the model's setting (the shipped default turns it on).
   */
  testTimeOptimization?: boolean | TestTimeOptimizationOptions | undefined;
  /** Coarse MISE grid. */
  resolution0: number;
  /** MISE subdivision levels (final grid resolution0·2^upsamplingSteps). */
  upsamplingSteps: number;
  /** Points per network call (smaller = smoother progress, same result). */
  batchSize: number;
  /** Points for IoU / Chamfer-L1 against a mesh input's ground truth (reference 100 000); 0 = skip. */
  evalPoints: number;
}

/** Defaults of {@link RunSettings}: the reference's MISE settings and the model's own input size and τ. */
export const RUN_DEFAULTS: RunSettings = {
  points: undefined,
  seed: 0,
  threshold: undefined,
  fillCavities: false,
  resolution0: 32,
  upsamplingSteps: 2,
  batchSize: 16_384,
  evalPoints: 100_000,
};

/** Result of {@link runReconstruction}. */
export interface RunResult {
  /** What test-time optimisation did (point-cloud task); absent when it did not run. */
  testTimeOptimization?: TestTimeOptimizationStats;
  /** The encoder's input points `[N·3]` in the input's frame (what the left view shows). */
  points: Float32Array;
  /** The reconstruction in the input's frame. */
  mesh: TriangleMesh;
  stats: GenerationStats;
  /** Metrics against the mesh input (ground truth), `undefined` for point-cloud inputs or evalPoints 0. */
  metrics?: ReconstructionMetrics;
  /** Wall-clock milliseconds of the evaluation. */
  evaluateMs: number;
}

/** Hooks of {@link runReconstruction}. */
export interface RunHooks {
  onProgress?: (p: MiseProgress) => void;
  signal?: AbortSignal;
  /** Awaited before every network call (the page yields to the browser there so it stays responsive). */
  beforeBatch?: () => Promise<void>;
}

/** Wrap a conditioned shape so that `beforeBatch` runs before each logits call. */
function hookShape(shape: ConditionedShape, beforeBatch?: () => Promise<void>): ConditionedShape {
  if (!beforeBatch) return shape;
  return {
    async logits(q) {
      await beforeBatch();
      return shape.logits(q);
    },
    dispose: () => shape.dispose(),
  };
}

/** Wrap a model so that `beforeBatch` runs before each logits call (test-time optimisation's gradient steps run as they are). */
function withHook(model: ConditionableModel, beforeBatch?: () => Promise<void>): ConditionableModel {
  if (!beforeBatch) return model;
  const hooked: ConditionableModel = { config: model.config, condition: (p) => hookShape(model.condition(p), beforeBatch) };
  const optimizable = model.conditionOptimizable?.bind(model);
  if (optimizable) {
    hooked.conditionOptimizable = (p): OptimizableShape => {
      const shape = optimizable(p);
      const hookedShape = hookShape(shape, beforeBatch);
      return { variables: shape.variables, logitsTensor: (q) => shape.logitsTensor(q), logits: hookedShape.logits, dispose: () => shape.dispose() };
    };
  }
  return hooked;
}

/** The generation options of the page's settings and hooks, the same for both tasks. */
function generationOptions(settings: RunSettings, hooks: RunHooks) {
  return {
    threshold: settings.threshold,
    fillCavities: settings.fillCavities,
    resolution0: settings.resolution0,
    upsamplingSteps: settings.upsamplingSteps,
    batchSize: settings.batchSize,
    onProgress: hooks.onProgress,
    signal: hooks.signal,
  };
}

/**
 * The page's reconstruction, free of DOM code so the end-to-end test runs the very same function in Node:
 * a mesh input goes through `reconstructFromMesh` (normalise, `points` noisy surface samples, seeded) and is
 * then scored against itself as ground truth with `evaluateMeshes` (IoU etc. in its unit frame); a point
 * cloud goes through `reconstruct` (subsampled to `points` when larger).
 */
export async function runReconstruction(
  model: ConditionableModel & { config: { noiseStd?: number } },
  input: PageInput,
  settings: RunSettings,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const m = withHook(model, hooks.beforeBatch) as ConditionableModel & { config: { noiseStd?: number } };
  const tto = settings.testTimeOptimization === undefined ? {} : { testTimeOptimization: settings.testTimeOptimization };
  const gen = { seed: settings.seed, ...generationOptions(settings, hooks), ...tto };
  if (input.kind === 'mesh') {
    const r = await reconstructFromMesh(m, input.mesh, { ...gen, points: settings.points });
    let metrics: ReconstructionMetrics | undefined;
    const t0 = performance.now();
    if (settings.evalPoints > 0) metrics = evaluateMeshes(r.mesh, input.mesh, { frame: 'gt-unit', points: settings.evalPoints, seed: settings.seed });
    return { points: r.points, mesh: r.mesh, stats: r.stats, metrics, evaluateMs: performance.now() - t0, ...(r.testTimeOptimization ? { testTimeOptimization: r.testTimeOptimization } : {}) };
  }
  if (input.kind === 'voxels') throw new Error('a voxel grid is the voxel task\'s input: choose "Voxels → mesh"');
  if (input.kind === 'image') throw new Error('a picture is the image task\'s input: choose "Picture → mesh"');
  const r = await reconstruct(m, input.points, { ...gen, inputPoints: settings.points });
  const { loc, scale } = r.transform;
  const points = new Float32Array(r.input.length);
  for (let i = 0; i < points.length; i += 3) for (let k = 0; k < 3; k++) points[i + k] = r.input[i + k] * scale + loc[k];
  return { points, mesh: r.mesh, stats: r.stats, evaluateMs: 0, ...(r.testTimeOptimization ? { testTimeOptimization: r.testTimeOptimization } : {}) };
}

/** Result of {@link runVoxelReconstruction}: a {@link RunResult} (no points) with the input voxels as a mesh. */
export interface VoxelRunResult extends RunResult {
  /** The input voxels as a closed blocky mesh in the input's frame (what the left view shows): the baseline. */
  voxelMesh: TriangleMesh;
  /** The baseline's metrics against a mesh input (ground truth), beside the model's `metrics`. */
  voxelMetrics?: ReconstructionMetrics;
}

/**
 * The page's voxel super-resolution (paper §4.3), free of DOM code like {@link runReconstruction}: a voxel file's grid
 * goes to the voxel model as it is; a mesh input is voxelised at the model's resolution (`meshToVoxelInput`: normalised,
 * surface + fill, like binvox) and is then the ground truth for both the model's mesh and the input voxels' blocks.
 * @throws Error for a point cloud (it cannot be voxelised), and `reconstructVoxels`' errors (`BAD_VOXEL_GRID`, …).
 */
export async function runVoxelReconstruction(model: VoxelConditionableModel, input: PageInput, settings: RunSettings, hooks: RunHooks = {}): Promise<VoxelRunResult> {
  if (input.kind === 'points' || input.kind === 'image') throw new Error(`a ${input.kind === 'image' ? 'picture' : 'point cloud'} cannot be voxelised: choose a mesh or a voxel file (.binvox, .npy, .npz) for the voxel task`);
  const voxels = input.kind === 'voxels' ? input.voxels : meshToVoxelInput(input.mesh, model.config.voxelResolution ?? 32);
  const m = withHook(model, hooks.beforeBatch) as VoxelConditionableModel;
  const r = await reconstructVoxels(m, voxels, generationOptions(settings, hooks));
  const t0 = performance.now();
  let metrics: ReconstructionMetrics | undefined;
  let voxelMetrics: ReconstructionMetrics | undefined;
  if (input.kind === 'mesh' && settings.evalPoints > 0) {
    const o = { frame: 'gt-unit' as const, points: settings.evalPoints, seed: settings.seed };
    metrics = evaluateMeshes(r.mesh, input.mesh, o);
    voxelMetrics = evaluateMeshes(r.voxelMesh, input.mesh, o);
  }
  return { points: new Float32Array(0), mesh: r.mesh, stats: r.stats, metrics, voxelMetrics, voxelMesh: r.voxelMesh, evaluateMs: performance.now() - t0 };
}

/** Result of {@link runImageReconstruction}. */
export interface ImageRunResult {
  /** The model's input `[S·S·3]`, RGB in [0, 1] (the picture padded to a square and resized; what the left view shows). */
  image: Float32Array;
  /** The reconstruction in the picture's view frame (x right, y up, the camera on +z, the object's centre at the origin). */
  mesh: TriangleMesh;
  stats: GenerationStats;
  /** Every edge of the mesh in exactly two faces (`isWatertight` of @onet/marching-cubes). */
  watertight: boolean;
}

/**
 * The page's single-view reconstruction (ONet paper §4.2), free of DOM code like {@link runReconstruction}: a decoded
 * picture becomes the model's `[S·S·3]` input by `imageToModelInput` (S = the model's `imageSize`; the rule of
 * `onet reconstruct picture.png`: alpha on white, padded to a centred square with white, area-averaged to S²), then
 * `reconstructImage` runs MISE + marching cubes with the page's settings (τ `undefined` = the model's).
 * @throws PipelineError `INVALID_OPTION` (not an image model), those of `generateMesh`.
 */
export async function runImageReconstruction(model: ImageConditionableModel, picture: DecodedImage, settings: RunSettings, hooks: RunHooks = {}): Promise<ImageRunResult> {
  const image = imageToModelInput(picture, model.config.imageSize ?? DEFAULT_IMAGE_SIZE);
  const m = withHook(model, hooks.beforeBatch) as ImageConditionableModel;
  const r = await reconstructImage(m, image, generationOptions(settings, hooks));
  return { image, mesh: r.mesh, stats: r.stats, watertight: isWatertight(r.mesh) };
}

/** Result of {@link runSample}. */
export interface SampleRunResult {
  /** The shape at t, in the model's unit-cube frame. */
  mesh: TriangleMesh;
  stats: GenerationStats;
  /** The seed's two codes `[zDim]` (`onet sample -n 2 --seed <seed>` decodes the same two) and the decoded code at t. */
  a: Float32Array;
  b: Float32Array;
  z: Float32Array;
  /** Every edge of the mesh in exactly two faces (`isWatertight` of @onet/marching-cubes). */
  watertight: boolean;
}

/**
 * The page's sample task (ONet paper §4.4), free of DOM code like {@link runReconstruction}: the two codes
 * z_a, z_b ~ N(0, I) of `settings.seed` (`sampleCodes`, the codes `onet sample` draws), the point
 * z = (1 − t)·z_a + t·z_b between them (`interpolateLatent`) decoded and meshed by `decodeShape` with the page's MISE
 * settings (τ `undefined` = the model's, as `onet sample`). t = 0 is sample a, t = 1 sample b, exactly.
 * @throws PipelineError `INVALID_OPTION` for a conditional model or a non-finite t; those of `generateMesh`.
 */
export async function runSample(model: OccupancyNetwork, t: number, settings: RunSettings, hooks: RunHooks = {}): Promise<SampleRunResult> {
  const [a, b] = sampleCodes(model, 2, settings.seed);
  const decoder: LatentDecoder = { config: model.config, decodeLatent: (z) => hookShape(model.decodeLatent(z), hooks.beforeBatch) };
  const r = await decodeShape(decoder, interpolateLatent(a, b, t), { generation: generationOptions(settings, hooks) });
  return { mesh: r.mesh, stats: r.stats, a, b, z: r.z, watertight: isWatertight(r.mesh) };
}
