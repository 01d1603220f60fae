import type { TriangleMesh } from '@onet/io';
import { normalizeMesh, sampleUniformPoints, contains } from '@onet/sampling';
import { generateMesh, type GenerateMeshOptions, type GenerationResult } from './generate.js';
import type { OccupancyNetwork } from './model.js';
import { PipelineError } from './errors.js';

/** Options of {@link sampleShapes} and {@link interpolateShapes}. */
export interface SampleShapesOptions {
  /** Seed of the prior samples z ~ N(0, I) ({@link sampleShapes}; the same seed gives the same shapes). */
  seed?: number;
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

function generationFor(model: OccupancyNetwork, g: GenerateMeshOptions | undefined): GenerateMeshOptions {
  return {
    ...g,
    threshold: g?.threshold ?? model.config.threshold ?? 0.2,
    fillCavities: g?.fillCavities ?? model.config.fillCavities ?? false,
    padding: g?.padding ?? model.config.padding,
  };
}

/** Decode each code `[zDim]` to a mesh, one at a time (each shape's tensors are freed before the next). */
async function decodeAll(model: OccupancyNetwork, codes: Float32Array[], o: SampleShapesOptions): Promise<GeneratedShape[]> {
  const out: GeneratedShape[] = [];
  const generation = generationFor(model, o.generation);
  for (const [i, z] of codes.entries()) {
    const t0 = performance.now();
    const shape = model.decodeLatent(z);
    try {
      out.push({ z, ...(await generateMesh(shape, generation)) });
    } finally {
      shape.dispose();
    }
    o.onShape?.(i, codes.length, performance.now() - t0);
  }
  return out;
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
  const seed = options.seed ?? SAMPLE_SHAPES_DEFAULTS.seed;
  const z = model.sampleLatent(count, seed);
  const zDim = model.zDim;
  return decodeAll(model, Array.from({ length: count }, (_, k) => z.slice(k * zDim, (k + 1) * zDim)), options);
}

/**
 * The code of a mesh under a `vae` model: the mesh is normalised to the unit cube (bbox centred, longest side 1), the
 * model's `inputPoints` uniform points in the padded box are labelled by the winding-number inside test, and q(z | p, o)
 * gives its posterior mean.
 * @param mesh a closed mesh (any frame).
 * @param seed seed of the labelled points.
 * @returns `[zDim]`.
 * @throws PipelineError `INVALID_OPTION` for a conditional model; `EMPTY_INPUT` for a mesh without faces.
 * @category Generation
 */
export function encodeShape(model: OccupancyNetwork, mesh: TriangleMesh, seed = 0): Float32Array {
  if (!mesh?.indices?.length) throw new PipelineError('EMPTY_INPUT', 'encodeShape needs a mesh with faces');
  const unit = normalizeMesh(mesh).mesh;
  const points = sampleUniformPoints(model.config.inputPoints, { seed, padding: model.config.padding });
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
  const codes = Array.from({ length: steps }, (_, k) => {
    const t = k / (steps - 1);
    return a.map((v, i) => (1 - t) * v + t * b[i]);
  });
  return decodeAll(model, codes, options);
}
