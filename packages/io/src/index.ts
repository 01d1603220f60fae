export type { TriangleMesh, PointCloud } from './types.js';
export { OnetIOError, type OnetIOErrorCode } from './errors.js';
export { parseNpy, parseNpz, writeNpy, writeNpz, float16ToFloat32, type NpyArray, type NpyData } from './npy.js';
