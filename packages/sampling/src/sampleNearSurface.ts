import type { TriangleMesh } from '@onet/io';
import { SamplingError } from './errors.js';
import { resolveRng, type RandomOptions } from './rng.js';
import { faceTable, sampleSurfaceInto } from './sampleSurface.js';
import { checkCount, checkMesh, checkNumber } from './validate.js';

/** Options of {@link sampleNearSurface}. */
export interface SampleNearSurfaceOptions extends RandomOptions {
  /** Standard deviation of the isotropic Gaussian offset, in mesh units (reference 0.01 in the unit cube). */
  sigma?: number;
}

/** Defaults of {@link SampleNearSurfaceOptions}. */
export const SAMPLE_NEAR_SURFACE_DEFAULTS = { sigma: 0.01, seed: 0 };

/**
 * `n` near-surface points: area-weighted surface samples ({@link sampleSurface}) plus i.i.d. N(0, σ²)
 * noise on each coordinate — the reference's `points_surface.npz` ablation (REFERENCE §2.1 step 4a).
 * All surface samples are drawn first, then the 3n normal variates.
 *
 * @returns `Float32Array [N·3]`.
 * @example
 * ```ts
 * const near = sampleNearSurface(mesh, 50_000, { sigma: 0.01, seed: 3 });
 * ```
 * @throws {@link SamplingError} as {@link sampleSurface}, and `INVALID_ARGUMENT` for a negative sigma.
 * @category Sampling
 */
export function sampleNearSurface(mesh: TriangleMesh, n: number, options: SampleNearSurfaceOptions = {}): Float32Array {
  const { sigma } = { ...SAMPLE_NEAR_SURFACE_DEFAULTS, ...options };
  checkCount(n, 'n');
  checkNumber(sigma, 'sigma', 0);
  checkMesh(mesh);
  const table = faceTable(mesh);
  if (!(table.total > 0)) throw new SamplingError('DEGENERATE', 'mesh has zero surface area; cannot sample near its surface');
  const rng = resolveRng(options);
  const points = new Float32Array(3 * n);
  sampleSurfaceInto(mesh, n, rng, table, { points, normals: new Float32Array(3 * n), faceIndex: new Uint32Array(n) });
  for (let i = 0; i < points.length; i++) points[i] += sigma * rng.normal();
  return points;
}
