/**
 * @onet/marching-cubes — Dense scalar grid to a welded, watertight triangle mesh. No dependencies.
 * @module @onet/marching-cubes
 * @packageDocumentation
 */
export { marchingCubes, MARCHING_CUBES_DEFAULTS } from './marchingCubes.js';
export type { MarchingCubesOptions } from './marchingCubes.js';
export type { IsoSurfaceMesh } from './types.js';
export { MarchingCubesRangeError, MarchingCubesNaNError, MarchingCubesTypeError } from './errors.js';
export type { MarchingCubesRangeErrorCode } from './errors.js';
export { meshArea } from './meshArea.js';
export { meshVolume } from './meshVolume.js';
export { meshEdges, isWatertight, eulerCharacteristic } from './meshEdges.js';
export type { MeshEdgeReport } from './meshEdges.js';
export { fillCavities } from './fillCavities.js';
