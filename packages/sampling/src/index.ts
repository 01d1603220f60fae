export { SamplingError, type SamplingErrorCode } from './errors.js';
export { createRng, shuffle, type Rng, type RandomOptions } from './rng.js';
export { normalizeMesh, NORMALIZE_MESH_DEFAULTS, type NormalizeMeshOptions, type NormalizedMesh } from './normalizeMesh.js';
export { sampleUniformPoints, SAMPLE_UNIFORM_POINTS_DEFAULTS, type SampleUniformPointsOptions } from './sampleUniformPoints.js';
export { sampleSurface, type SampleSurfaceOptions, type SurfaceSamples } from './sampleSurface.js';
export { sampleNearSurface, SAMPLE_NEAR_SURFACE_DEFAULTS, type SampleNearSurfaceOptions } from './sampleNearSurface.js';
export { subsamplePointCloud, SUBSAMPLE_POINT_CLOUD_DEFAULTS, type SubsamplePointCloudOptions } from './subsamplePointCloud.js';
export { signedVolume } from './signedVolume.js';
export { icosphere, box, cylinder, torus } from './primitives/index.js';
