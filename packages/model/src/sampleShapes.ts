import type { TriangleMesh } from '@onet/io';
import { normalizeMesh, sampleNearSurface, sampleUniformPoints, contains } from '@onet/sampling';
import { generateMesh, type GenerateMeshOptions, type GenerationResult } from './generate.js';
import { OccupancyNetwork } from './model.js';
import { PipelineError } from './errors.js';

/** Options of {@link sampleShapes} and {@link interpolateShapes}. */
export interface SampleShapesOptions {
  /** Seed of the latent samples ({@link sampleShapes}; the same seed gives the same shapes). */
  seed?: number;
  /**
   * Where codes come from: `'model'` (default) the model's fitted `ModelConfig.latentPrior` when it has one,
   * else N(0, I); `'standard'` always N(0, I) (the paper's prior).
   */
  prior?: 'model' | 'standard';
  /** Mesh extraction (MISE + marching cubes); τ defaults to the model's `threshold`, else 0.2. */
  generation?: GenerateMeshOptions;
  /** Called after each shape: index, total, milliseconds. */
  onShape?: (index: number, total: number, ms: number) => void;
}

/** One generated shape: its latent code and mesh. */
export interface GeneratedShape extends GenerationResult {
  /** `[zDim]` latent code it was decoded from. */
  z: Float32Array;
}

/** Defaults of {@link SampleShapesOptions}. */
export const SAMPLE_SHAPES_DEFAULTS = { seed: 0 };

/**
 * What decoding a latent code needs: a `vae` model's config (τ, padding, fillCavities defaults) and `decodeLatent`.
 * An {@link OccupancyNetwork} is one; a caller may wrap `decodeLatent` (e.g. to yield to the browser between batches).
 */
export type LatentDecoder = Pick<OccupancyNetwork, 'config' | 'decodeLatent'>;

function generationFor(model: LatentDecoder, g: GenerateMeshOptions | undefined): GenerateMeshOptions {
  return {
    ...g,
    threshold: g?.threshold ?? model.config.threshold ?? 0.2,
    fillCavities: g?.fillCavities ?? model.config.fillCavities ?? false,
    padding: g?.padding ?? model.config.padding,
  };
}

/**
 * The mesh of one latent code: `z` decoded by a `vae` model and meshed by MISE + marching cubes (watertight, in the
 * model's unit-cube frame), with the generation settings `onet sample` uses (τ: the option's, else the model's
 * `threshold`, else 0.2; fillCavities and padding likewise). The shape's tensors are freed before it returns.
 *
 * @example
 * ```ts
 * const [a, b] = sampleCodes(model, 2, 7);
 * const mid = await decodeShape(model, interpolateLatent(a, b, 0.5));
 * ```
 * @param z `[zDim]` latent code.
 * @throws PipelineError `INVALID_OPTION` for a conditional model or a code of the wrong size; `NON_FINITE_INPUT`;
 * those of `generateMesh` (an aborted `generation.signal` rejects with its reason).
 * @category Generation
 */
export async function decodeShape(model: LatentDecoder, z: Float32Array, options: Pick<SampleShapesOptions, 'generation'> = {}): Promise<GeneratedShape> {
  const shape = model.decodeLatent(z);
  try {
    return { z, ...(await generateMesh(shape, generationFor(model, options.generation))) };
  } finally {
    shape.dispose();
  }
}

/** Decode each code `[zDim]` to a mesh, one at a time (each shape's tensors are freed before the next). */
async function decodeAll(model: OccupancyNetwork, codes: Float32Array[], o: SampleShapesOptions): Promise<GeneratedShape[]> {
  const out: GeneratedShape[] = [];
  for (const [i, z] of codes.entries()) {
    const t0 = performance.now();
    out.push(await decodeShape(model, z, o));
    o.onShape?.(i, codes.length, performance.now() - t0);
  }
  return out;
}

/**
 * `count` latent codes drawn with `seed` (from the model's fitted `latentPrior` if it has one and `prior` is
 * `'model'`, else z ~ N(0, I)): the codes {@link sampleShapes} decodes (code k of a seed is
 * the same whatever the count, so `sampleCodes(model, 2, s)[1]` is `onet sample -n 2 --seed s`'s second shape).
 * @returns `count` arrays `[zDim]`.
 * @throws PipelineError `INVALID_OPTION` for a conditional model or a bad count/seed.
 * @category Generation
 */
export function sampleCodes(
  model: Pick<OccupancyNetwork, 'sampleLatent' | 'zDim'>,
  count: number,
  seed: number = SAMPLE_SHAPES_DEFAULTS.seed,
  prior: 'model' | 'standard' = 'model',
): Float32Array[] {
  const z = model.sampleLatent(count, seed, prior);
  const zDim = model.zDim;
  return Array.from({ length: count }, (_, k) => z.slice(k * zDim, (k + 1) * zDim));
}

/**
 * The point at `t` on the straight line between two codes: z = (1 − t)·a + t·b (t = 0 gives `a`, t = 1 gives `b`
 * exactly; t outside [0, 1] extrapolates).
 * @param a `[zDim]`. @param b `[zDim]`. @param t a finite number.
 * @returns a new `[zDim]` array.
 * @throws PipelineError `INVALID_OPTION` for codes of different sizes or a non-finite t.
 * @category Generation
 */
export function interpolateLatent(a: Float32Array, b: Float32Array, t: number): Float32Array {
  if (a.length !== b.length) throw new PipelineError('INVALID_OPTION', `codes must have the same size, got ${a.length} and ${b.length}`);
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new PipelineError('INVALID_OPTION', `t must be a finite number, got ${t}`);
  return a.map((v, i) => (1 - t) * v + t * b[i]);
}

/**
 * `model` as an unconditional (`vae`) network, for callers that loaded "some model" and need one to sample from.
 * @param source where the model came from (a folder or URL), for the message.
 * @throws PipelineError `BAD_MODEL` for an ensemble or a conditional model (the caller still owns and disposes it).
 * @category Generation
 */
export function asVaeModel(model: OccupancyNetwork | { config: { kind?: string } }, source: string): OccupancyNetwork {
  if (!(model instanceof OccupancyNetwork) || model.config.kind !== 'vae') {
    throw new PipelineError('BAD_MODEL', `${source} is not an unconditional (vae) model; sampling needs one (e.g. the shipped chair-vae)`);
  }
  return model;
}

/**
 * Unconditional generation (ONet paper §4.4): `count` codes z ~ N(0, I) drawn with `seed`, each decoded by a `vae`
 * model and meshed by MISE + marching cubes (watertight, in the model's unit-cube frame).
 *
 * @example
 * ```ts
 * const shapes = await sampleShapes(model, 8, { seed: 1 });
 * for (const s of shapes) console.log(s.stats.faces);
 * ```
 * @throws PipelineError `INVALID_OPTION` for a conditional model or a bad count; those of `generateMesh`.
 * @category Generation
 */
export async function sampleShapes(model: OccupancyNetwork, count: number, options: SampleShapesOptions = {}): Promise<GeneratedShape[]> {
  return decodeAll(model, sampleCodes(model, count, options.seed ?? SAMPLE_SHAPES_DEFAULTS.seed, options.prior), options);
}

/** Which labelled points {@link encodeShape} gives q(z | p, o). */
export interface EncodeShapeOptions {
  /**
   * Fraction of the `inputPoints` points drawn near the surface (surface samples + N(0, nearSigma²) noise), the rest
   * uniform in the padded box (default 0.5: what training feeds the encoder — each batch's query points, half near
   * the surface; 0 gives the reference's uniform points, which on chair-vae's val chairs reconstruct worse: IoU 0.416
   * against 0.445).
   */
  nearFraction?: number;
  /** σ of the near-surface points in the unit-cube frame (default 0.01, the shipped models' `sampling.nearSigma`). */
  nearSigma?: number;
}

/** {@link encodeShape}'s defaults. */
export const ENCODE_SHAPE_DEFAULTS: Readonly<Required<EncodeShapeOptions>> = Object.freeze({ nearFraction: 0.5, nearSigma: 0.01 });

/**
 * The code of a mesh under a `vae` model: the mesh is normalised to the unit cube (bbox centred, longest side 1), the
 * model's `inputPoints` points — `nearFraction` of them near the surface, the rest uniform in the padded box — are
 * labelled by the winding-number inside test, and q(z | p, o) gives its posterior mean.
 * @param mesh a closed mesh (any frame).
 * @param seed seed of the labelled points.
 * @returns `[zDim]`.
 * @throws PipelineError `INVALID_OPTION` for a conditional model or options outside nearFraction ∈ [0, 1], nearSigma ≥ 0;
 *   `EMPTY_INPUT` for a mesh without faces.
 * @category Generation
 */
export function encodeShape(model: OccupancyNetwork, mesh: TriangleMesh, seed = 0, options: EncodeShapeOptions = {}): Float32Array {
  if (!mesh?.indices?.length) throw new PipelineError('EMPTY_INPUT', 'encodeShape needs a mesh with faces');
  const { nearFraction, nearSigma } = { ...ENCODE_SHAPE_DEFAULTS, ...options };
  if (!(nearFraction >= 0 && nearFraction <= 1)) throw new PipelineError('INVALID_OPTION', `nearFraction must be in [0, 1], got ${nearFraction}`);
  if (!(nearSigma >= 0 && Number.isFinite(nearSigma))) throw new PipelineError('INVALID_OPTION', `nearSigma must be a finite number ≥ 0, got ${nearSigma}`);
  const unit = normalizeMesh(mesh).mesh;
  const n = model.config.inputPoints;
  const near = Math.round(n * nearFraction);
  const points = new Float32Array(3 * n);
  // uniform points first (with nearFraction 0 exactly the reference's points of this seed), then the near ones
  if (near < n) points.set(sampleUniformPoints(n - near, { seed, padding: model.config.padding }));
  if (near > 0) points.set(sampleNearSurface(unit, near, { seed: seed + 1, sigma: nearSigma }), 3 * (n - near));
  return model.encodeLatent(points, contains(unit, points));
}

/**
 * Meshes along the straight line between two codes: `steps` shapes at t = 0, 1/(steps−1), …, 1 (z = (1 − t)·a + t·b).
 * @param a `[zDim]` (e.g. {@link encodeShape} of one mesh). @param b `[zDim]`.
 * @param steps ≥ 2.
 * @throws PipelineError `INVALID_OPTION` for a conditional model, codes of the wrong size or steps < 2.
 * @category Generation
 */
export async function interpolateShapes(model: OccupancyNetwork, a: Float32Array, b: Float32Array, steps: number, options: SampleShapesOptions = {}): Promise<GeneratedShape[]> {
  if (!Number.isInteger(steps) || steps < 2 || steps > 10_000) throw new PipelineError('INVALID_OPTION', `steps must be an integer in [2, 10000], got ${steps}`);
  if (a.length !== model.zDim || b.length !== model.zDim) throw new PipelineError('INVALID_OPTION', `codes must hold zDim = ${model.zDim} values, got ${a.length} and ${b.length}`);
  const codes = Array.from({ length: steps }, (_, k) => interpolateLatent(a, b, k / (steps - 1)));
  return decodeAll(model, codes, options);
}
