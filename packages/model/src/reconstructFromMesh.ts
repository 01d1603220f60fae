import type { TriangleMesh } from '@onet/io';
import { createRng, normalizeMesh, sampleSurface } from '@onet/sampling';
import { checkNotDegenerate } from './checkNotDegenerate.js';
import { PipelineError } from './errors.js';
import { fromUnitFrame } from './unitFrame.js';
import { reconstruct, type ConditionableModel, type ReconstructOptions, type ReconstructionResult } from './reconstruct.js';

/** Options of {@link reconstructFromMesh}. */
export interface ReconstructFromMeshOptions extends Omit<ReconstructOptions, 'normalize' | 'inputPoints'> {
  /** Number of noisy surface points drawn (default: the model's `config.inputPoints`, 300 in the reference). */
  points?: number;
  /** Standard deviation of the Gaussian noise, unit-cube units (default: the model's `config.noiseStd`, 0.005). */
  noiseStd?: number;
}

/** Result of {@link reconstructFromMesh}: a {@link ReconstructionResult} plus the drawn points. */
export interface ReconstructFromMeshResult extends ReconstructionResult {
  /** The drawn noisy points in the mesh's own frame, `[N·3]` (`input` holds them in the unit frame). */
  points: Float32Array;
}

/**
 * The reference's point-cloud-completion protocol on a mesh (REFERENCE §2.1–2.2): normalise the mesh
 * (bounding-box centre to the origin, longest side 1), draw `points` surface samples by area, add
 * N(0, noiseStd²) noise to every coordinate, reconstruct in that unit frame, and map the mesh back into
 * the mesh's frame (`result.mesh`; `result.unitMesh` stays in the unit frame).
 *
 * @example
 * ```ts
 * const { mesh, points, stats } = await reconstructFromMesh(model, bunny, { points: 300, seed: 0 });
 * ```
 * @throws {@link PipelineError} `EMPTY_INPUT` (no faces), `DEGENERATE_INPUT` (all vertices on a line or a plane: no
 *   volume to reconstruct), `INVALID_OPTION`, and those of {@link reconstruct}.
 * @category Generation
 */
export async function reconstructFromMesh(
  model: ConditionableModel & { config: { noiseStd?: number } },
  mesh: TriangleMesh,
  options: ReconstructFromMeshOptions = {},
): Promise<ReconstructFromMeshResult> {
  if (!mesh?.indices || mesh.indices.length === 0) throw new PipelineError('EMPTY_INPUT', 'the mesh has no faces; cannot draw surface points');
  checkNotDegenerate(mesh.positions, 'input mesh\'s vertices', 4);
  const n = options.points ?? model.config.inputPoints ?? 300;
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new PipelineError('INVALID_OPTION', `points must be an integer in [1, 1e7], got ${n}`);
  const sigma = options.noiseStd ?? model.config.noiseStd ?? 0.005;
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw new PipelineError('INVALID_OPTION', `noiseStd must be a finite number ≥ 0, got ${sigma}`);
  let normalized;
  try {
    normalized = normalizeMesh(mesh);
  } catch (e) {
    throw new PipelineError('INVALID_OPTION', `cannot normalise the mesh: ${(e as Error).message}`, { cause: e });
  }
  const { mesh: unit, loc, scale } = normalized;
  const rng = createRng(options.seed ?? 0);
  const unitPoints = sampleSurface(unit, n, { rng }).points;
  for (let i = 0; i < unitPoints.length; i++) unitPoints[i] += sigma * rng.normal();
  const r = await reconstruct(model, unitPoints, { ...options, normalize: false, inputPoints: 0 });
  const back = (a: Float32Array): Float32Array => fromUnitFrame(a, loc, scale);
  const out: TriangleMesh = { positions: back(r.unitMesh.positions), indices: r.unitMesh.indices };
  if (r.unitMesh.normals) out.normals = r.unitMesh.normals;
  return { ...r, mesh: out, transform: { loc, scale }, points: back(unitPoints) };
}
