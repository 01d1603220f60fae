/**
 * @onet/mise — Multiresolution IsoSurface Extraction (Mescheder et al., Occupancy Networks, CVPR 2019,
 * §3.3) for any implicit function given as a batched, possibly async callback. No tfjs.
 * @module @onet/mise
 * @packageDocumentation
 */
export { MISE, MISE_DEFAULTS, MAX_RESOLUTION, type MiseOptions } from './mise.js';
export {
  extractIsosurface,
  EXTRACT_ISOSURFACE_DEFAULTS,
  type ExtractIsosurfaceOptions,
  type ExtractIsosurfaceResult,
  type ImplicitFunction,
  type ImplicitValues,
  type MiseProgress,
  type MiseStats,
} from './extractIsosurface.js';
export { gridAxes, REFERENCE_BOUNDS, type Bounds } from './bounds.js';
export { packSignGrid } from './packSignGrid.js';
export { MiseError, type MiseErrorCode } from './errors.js';
