/**
 * @onet/render — Deterministic software rendering of meshes to RGB images from seeded random viewpoints, with the
 * camera recorded: the inputs of single-view reconstruction (ONet paper §4.2). No tfjs, no browser, no GPU.
 * @module @onet/render
 * @packageDocumentation
 */
export { RenderError, type RenderErrorCode } from './errors.js';
export { lookAtCamera, randomView, toViewFrame, fromViewFrame, meshToViewFrame, VIEW_DEFAULTS, type Camera, type ViewOptions } from './camera.js';
export { renderMesh, RENDER_DEFAULTS, type RenderOptions, type RenderedImage } from './renderMesh.js';
export { silhouetteOccupancy, viewDepthRange } from './silhouetteOccupancy.js';
