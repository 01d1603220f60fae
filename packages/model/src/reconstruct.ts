import type { PointCloud, TriangleMesh } from '@onet/io';
import { boundingBox, subsamplePointCloud } from '@onet/sampling';
import { PipelineError } from './errors.js';
import { checkNotDegenerate, type MIN_INPUT_POINTS } from './checkNotDegenerate.js';
import { fromUnitFrame, toUnitFrame } from './unitFrame.js';
import { GENERATE_MESH_DEFAULTS, generateMesh, type GenerateMeshOptions, type GenerationResult, type GenerationStats, type LogitsSource } from './generate.js';
import { thresholdForInput, type ThresholdSettings } from './threshold.js';
import { checkTestTimeOptimization, optimizeEncoding, type OptimizableShape, type TestTimeOptimizationOptions, type TestTimeOptimizationStats } from './testTimeOptimization.js';

/** The part of an `OccupancyNetwork` that {@link reconstruct} uses (structural, so any model with it works). */
export interface ConditionableModel {
  /** At least the fields generation reads; `inputPoints` and `padding` come from the model's training. */
  readonly config: ThresholdSettings & { inputPoints?: number; padding?: number; fillCavities?: boolean; testTimeOptimization?: boolean | TestTimeOptimizationOptions };
  /** Encode a point cloud `[N·3]` (unit-cube frame) into a shape that answers logits; caller disposes it. */
  condition(pointCloud: Float32Array): LogitsSource & { dispose(): void };
  /** The same encoding held as trainable variables; needed only for `ReconstructOptions.testTimeOptimization`. */
  conditionOptimizable?(pointCloud: Float32Array): OptimizableShape;
}

/** Options of {@link reconstruct}: those of {@link GenerateMeshOptions} plus input handling. */
export interface ReconstructOptions extends GenerateMeshOptions {
  /**
   * Map the input into the model's frame first (centre of its bounding box at the origin, longest side 1,
   * the reference's normalisation, REFERENCE §2.1/§6.7) and map the mesh back afterwards. Turn off only
   * for inputs already in that frame.
   */
  normalize?: boolean;
  /**
   * Points fed to the encoder: when the cloud has more, a random subset of this many is drawn (with
   * replacement, no noise, seeded by `seed`). Default: the model's `config.inputPoints` (300 for the
   * reference); 0 = use every point.
   */
  inputPoints?: number;
  /**
   * Test-time optimisation of the encoding before MISE ({@link optimizeEncoding}): the encoder's features are moved
   * by Adam, network frozen, so that the encoded input points lie on the τ level set. `true` = the defaults
   * (`TEST_TIME_OPTIMIZATION_DEFAULTS`), options = those over the defaults, `false` = off. Absent: the model's
   * `config.testTimeOptimization` (the shipped default model turns it on), else off. Needs a model with
   * `conditionOptimizable` (`OccupancyNetwork`, `OccupancyEnsemble`). Not in the references.
   */
  testTimeOptimization?: boolean | TestTimeOptimizationOptions;
}

/** Result of {@link reconstruct}. */
export interface ReconstructionResult {
  /** The mesh in the **input's** frame (mapped back when `normalize` is on); normals `[V·3]` when requested. */
  mesh: TriangleMesh;
  /** The same mesh in the model's unit-cube frame. */
  unitMesh: TriangleMesh;
  /** The encoder input actually used, `[M·3]`, in the model's frame. */
  input: Float32Array;
  /** The transform input → model frame: `x' = (x − loc) / scale`; identity when `normalize` is off. */
  transform: { loc: [number, number, number]; scale: number };
  stats: GenerationStats;
  /** What test-time optimisation did (its time is also in `stats.timeMs.encode`); absent when it was off. */
  testTimeOptimization?: TestTimeOptimizationStats;
}

/**
 * Check a point array: non-empty, length a multiple of 3, all finite.
 * @throws {@link PipelineError} `EMPTY_INPUT`, `INVALID_OPTION`, `NON_FINITE_INPUT`.
 * @internal
 */
export function checkPointCloud(points: Float32Array, what = 'input point cloud'): void {
  if (!(points instanceof Float32Array)) throw new PipelineError('INVALID_OPTION', `${what} must be a Float32Array [N·3]`);
  if (points.length === 0) throw new PipelineError('EMPTY_INPUT', `${what} has no points; give at least one point (x y z)`);
  if (points.length % 3 !== 0) throw new PipelineError('INVALID_OPTION', `${what} length ${points.length} is not a multiple of 3`);
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) {
      throw new PipelineError('NON_FINITE_INPUT', `${what} has a non-finite coordinate at point ${Math.floor(i / 3)}; remove NaN/Inf points`);
    }
  }
}

/**
 * Point cloud in, watertight mesh out: normalise the input into the model's unit cube (by default),
 * condition the network on it (encoder), run {@link generateMesh} (MISE + marching cubes + optional normals
 * and refinement), and map the mesh back into the input's frame. Tensors are released before returning.
 * τ: `options.threshold`, else the model's for the encoder input's size (`thresholdForInput`: its
 * `thresholdByInputPoints` at the number of points actually encoded, else its `threshold`), else 0.2.
 *
 * @example
 * ```ts
 * const model = OccupancyNetwork.fromWeights(modelJson, weights);
 * const { mesh, stats } = await reconstruct(model, cloud.points);   // cloud in any frame, [N·3]
 * console.log(stats.timeMs, mesh.indices.length / 3, 'faces');
 * ```
 * @throws {@link PipelineError} `EMPTY_INPUT`, `NON_FINITE_INPUT`, `DEGENERATE_INPUT` (fewer than {@link MIN_INPUT_POINTS} points, identical, collinear or coplanar), `INVALID_OPTION`, `BAD_NETWORK_OUTPUT`;
 *   all input checks run before the first network evaluation.
 * @category Generation
 */
export async function reconstruct(
  model: ConditionableModel,
  pointCloud: Float32Array | PointCloud,
  options: ReconstructOptions = {},
): Promise<ReconstructionResult> {
  const points = pointCloud instanceof Float32Array ? pointCloud : pointCloud?.points;
  checkPointCloud(points);
  checkNotDegenerate(points);
  const normalize = options.normalize ?? true;
  const wanted = options.inputPoints ?? model.config.inputPoints ?? 0;
  if (!Number.isInteger(wanted) || wanted < 0) throw new PipelineError('INVALID_OPTION', `inputPoints must be an integer ≥ 0, got ${wanted}`);

  let loc: [number, number, number] = [0, 0, 0];
  let scale = 1;
  if (normalize) {
    const b = boundingBox(points);
    if (!(b.side > 0)) {
      throw new PipelineError('INVALID_OPTION', 'all input points coincide, so the cloud cannot be normalised; give a cloud with extent, or pass normalize: false (CLI: --no-normalize) for a cloud already in the unit cube');
    }
    loc = b.center;
    scale = b.side;
  }
  let input = points;
  if (wanted > 0 && points.length / 3 > wanted) input = subsamplePointCloud(points, wanted, { noiseStd: 0, seed: options.seed ?? 0 });
  if (normalize) {
    input = toUnitFrame(input, loc, scale);
  } else if (input === points) {
    input = points.slice();
  }

  const threshold = options.threshold ?? thresholdForInput(model.config, input.length / 3);
  const ttoSetting = options.testTimeOptimization ?? model.config.testTimeOptimization;
  const tto = ttoSetting === true ? {} : ttoSetting || undefined;
  if (tto) checkTestTimeOptimization(tto);
  let ttoStats: TestTimeOptimizationStats | undefined;
  let source: ConditionableModel = model;
  if (tto) {
    const conditionOptimizable = model.conditionOptimizable?.bind(model);
    if (!conditionOptimizable) throw new PipelineError('INVALID_OPTION', 'testTimeOptimization needs a model with conditionOptimizable (an OccupancyNetwork or OccupancyEnsemble of point-cloud models)');
    // the encoder's features, optimised, then handed to generation as the conditioned shape (disposed there)
    const t0 = performance.now();
    const shape = conditionOptimizable(input);
    try {
      ttoStats = await optimizeEncoding(shape, input, threshold ?? GENERATE_MESH_DEFAULTS.threshold, tto);
    } catch (e) {
      shape.dispose();
      throw e;
    }
    ttoStats.timeMs = performance.now() - t0;
    source = { config: model.config, condition: () => shape };
  }
  const { mesh: unitMesh, stats } = await conditionAndGenerate(source, input, { ...options, threshold });
  if (ttoStats) {
    stats.timeMs.encode += ttoStats.timeMs;
    stats.timeMs.total += ttoStats.timeMs;
  }
  let mesh = unitMesh;
  if (normalize) mesh = meshFromUnitFrame(unitMesh, loc, scale);
  const result: ReconstructionResult = { mesh, unitMesh, input, transform: { loc, scale }, stats };
  if (ttoStats) result.testTimeOptimization = ttoStats;
  return result;
}

/**
 * Encode `input` with `model` (its encoder's input: points `[N·3]` or a voxel grid `[R³]`), extract the isosurface with
 * the model's padding and fillCavities unless `options` sets them, dispose the conditioned shape, and count the
 * encoding in `stats.timeMs`. The one generation path of {@link reconstruct} and `reconstructVoxels`. @internal
 */
export async function conditionAndGenerate(model: ConditionableModel, input: Float32Array, options: GenerateMeshOptions): Promise<GenerationResult> {
  const t0 = performance.now();
  const shape = model.condition(input);
  const encode = performance.now() - t0;
  let result: GenerationResult;
  try {
    result = await generateMesh(shape, {
      padding: model.config.padding,
      ...options,
      fillCavities: options.fillCavities ?? model.config.fillCavities,
    });
  } finally {
    shape.dispose();
  }
  result.stats.timeMs.encode = encode;
  result.stats.timeMs.total += encode;
  return result;
}

/** A unit-frame mesh mapped back to the user's frame, `x·scale + loc` (uniform scale: normals unchanged). @internal */
export function meshFromUnitFrame(unitMesh: TriangleMesh, loc: ArrayLike<number>, scale: number): TriangleMesh {
  const mesh: TriangleMesh = { positions: fromUnitFrame(unitMesh.positions, loc, scale), indices: unitMesh.indices };
  if (unitMesh.normals) mesh.normals = unitMesh.normals;
  return mesh;
}
