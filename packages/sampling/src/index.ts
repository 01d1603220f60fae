/**
 * @onet/sampling — Point sampling, inside/outside labels (fast winding numbers), voxelisation and the dataset builder for
 * occupancy networks. No tfjs.
 * @module @onet/sampling
 * @packageDocumentation
 */
export { SamplingError, type SamplingErrorCode } from './errors.js';
export { createRng, shuffle, type Rng, type RandomOptions } from './rng.js';
export { normalizeMesh, NORMALIZE_MESH_DEFAULTS, type NormalizeMeshOptions, type NormalizedMesh } from './normalizeMesh.js';
export { sampleUniformPoints, SAMPLE_UNIFORM_POINTS_DEFAULTS, type SampleUniformPointsOptions } from './sampleUniformPoints.js';
export { sampleSurface, type SampleSurfaceOptions, type SurfaceSamples } from './sampleSurface.js';
export { sampleNearSurface, SAMPLE_NEAR_SURFACE_DEFAULTS, type SampleNearSurfaceOptions } from './sampleNearSurface.js';
export { subsamplePointCloud, SUBSAMPLE_POINT_CLOUD_DEFAULTS, type SubsamplePointCloudOptions } from './subsamplePointCloud.js';
export { signedVolume } from './signedVolume.js';
export { boundingBox, type BoundingBox } from './boundingBox.js';
export { icosphere, box, cylinder, torus } from './primitives/index.js';
export { concatMeshes } from './concatMeshes.js';
export { windingNumbers, WINDING_NUMBERS_DEFAULTS, type WindingNumbersOptions } from './windingNumbers.js';
export { contains, CONTAINS_DEFAULTS, type ContainsOptions } from './contains.js';
export { containsWithDiagnostics, type ContainsDiagnostics, type ContainsWithDiagnosticsResult } from './containsWithDiagnostics.js';
export { voxelize, VOXELIZE_DEFAULTS, type VoxelizeOptions } from './voxelize.js';
export { voxelizeMesh, VOXELIZE_MESH_DEFAULTS, type VoxelizeMeshOptions } from './voxelizeMesh.js';
export { voxelsToMesh, VOXELS_TO_MESH_DEFAULTS, type VoxelsToMeshOptions } from './voxelsToMesh.js';
export { randomAffine, transformMesh, RANDOM_AFFINE_DEFAULTS, type RandomAffineOptions } from './affine.js';
export {
  packBits,
  unpackBits,
  encodePointsNpz,
  encodePointcloudNpz,
  decodePointsNpz,
  decodePointcloudNpz,
  parseSplitList,
  ENCODE_NPZ_DEFAULTS,
  type EncodeNpzOptions,
  type NpzTransform,
  type PointsNpz,
} from './shapenet.js';
/** Re-exported from `@onet/io` (the one float16 encoder), where it lives. */
export { float32ToFloat16 } from '@onet/io';
export { sampleTrainingData, SAMPLE_TRAINING_DATA_DEFAULTS, type SampleTrainingDataOptions, type TrainingData } from './sampleTrainingData.js';
export { lathe, sweepTube } from './primitives/index.js';
export {
  shapeFamily,
  familyIndices,
  SHAPE_FAMILIES,
  FAMILY_SPLITS,
  type ShapeFamilyName,
  type FamilySplit,
  type FamilyShape,
} from './shapeFamily.js';
