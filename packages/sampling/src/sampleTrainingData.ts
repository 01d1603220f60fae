import { float16ToFloat32, float32ToFloat16, type TriangleMesh } from '@onet/io';
import { contains } from './contains.js';
import { normalizeMesh } from './normalizeMesh.js';
import { resolveRng, type RandomOptions } from './rng.js';
import { sampleSurface } from './sampleSurface.js';
import { sampleUniformPoints } from './sampleUniformPoints.js';
import { checkCount } from './validate.js';
import { voxelize } from './voxelize.js';

/** Options of {@link sampleTrainingData}. */
export interface SampleTrainingDataOptions extends RandomOptions {
  /** Uniform points with occupancy labels (`points.npz`; reference 100,000). */
  numPoints?: number;
  /** Padding of the uniform-point box: `[−(1+p)/2, (1+p)/2]³` (reference 0.1). */
  pointsPadding?: number;
  /** Surface samples with face normals (`pointcloud.npz`; reference 100,000). */
  numSurfacePoints?: number;
  /** Voxel grid resolution over [−½, ½]³ (`model.binvox`; 0 = no voxels). */
  voxelResolution?: number;
  /** Padding of the normalisation: the longest side becomes `1 − padding` (reference step 4: 0). */
  padding?: number;
  /** Round points to float16 before labelling them, so stored float16 points and labels agree (reference). */
  float16?: boolean;
  /** Inside test (see {@link contains}). */
  method?: 'winding' | 'ray-parity';
}

/** Defaults of {@link SampleTrainingDataOptions}: the reference's `sample_mesh.py` settings. */
export const SAMPLE_TRAINING_DATA_DEFAULTS = {
  numPoints: 100_000,
  pointsPadding: 0.1,
  numSurfacePoints: 100_000,
  voxelResolution: 32,
  padding: 0,
  float16: true,
  method: 'winding' as 'winding' | 'ray-parity',
  seed: 0,
};

/** Everything the reference stores for one model, in the normalised frame. */
export interface TrainingData {
  /** The normalised mesh. */
  mesh: TriangleMesh;
  /** Normalisation: normalised = (original − loc) / scale. */
  loc: [number, number, number];
  scale: number;
  /** `[N·3]` uniform points (float16-representable when `float16`). */
  points: Float32Array;
  /** `[N]` 0/1 occupancy of `points`. */
  occupancies: Uint8Array;
  /** `[M·3]` surface points and `[M·3]` unit face normals. */
  surfacePoints: Float32Array;
  surfaceNormals: Float32Array;
  /** `[R³]` voxels (C order, i along x) or undefined when `voxelResolution` is 0. */
  voxels?: Uint8Array;
}

/**
 * The per-model part of the reference's data pipeline (REFERENCE §2.1 step 4, ON:scripts/sample_mesh.py):
 * normalise (bbox centre → origin, longest side → 1 − padding), draw uniform points in the padded cube and
 * label them with {@link contains}, draw area-weighted surface points with face normals, and voxelise.
 * Random draws, in order: uniform points, then surface samples, from one generator.
 * Browser-safe; `@onet/sampling/node` `buildDataset` writes the result in the ShapeNet layout.
 *
 * @example
 * ```ts
 * const data = sampleTrainingData(mesh, { seed: 1, numPoints: 10_000 });
 * ```
 * @throws {@link SamplingError} as {@link normalizeMesh}, {@link sampleSurface} and {@link contains}.
 * @category Dataset
 */
export function sampleTrainingData(mesh: TriangleMesh, options: SampleTrainingDataOptions = {}): TrainingData {
  const o = { ...SAMPLE_TRAINING_DATA_DEFAULTS, ...options };
  checkCount(o.numPoints, 'numPoints');
  checkCount(o.numSurfacePoints, 'numSurfacePoints');
  const rng = resolveRng(options);
  const { mesh: unit, loc, scale } = normalizeMesh(mesh, { padding: o.padding });
  let points = sampleUniformPoints(o.numPoints, { padding: o.pointsPadding, rng });
  if (o.float16) points = float16ToFloat32(float32ToFloat16(points));
  const occupancies = contains(unit, points, { method: o.method });
  const surf = sampleSurface(unit, o.numSurfacePoints, { rng });
  const out: TrainingData = {
    mesh: unit,
    loc,
    scale,
    points,
    occupancies,
    surfacePoints: surf.points,
    surfaceNormals: surf.normals,
  };
  if (o.voxelResolution > 0) out.voxels = voxelize(unit, { resolution: o.voxelResolution, method: o.method });
  return out;
}
