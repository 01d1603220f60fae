export type { TriangleMesh, PointCloud } from './types.js';
export { OnetIOError, type OnetIOErrorCode } from './errors.js';
export { parseNpy, parseNpz, writeNpy, writeNpz, float16ToFloat32, type NpyArray, type NpyData } from './npy.js';
export type { ReadOptions } from './text.js';
export { parseMesh, detectMeshFormat, meshFormatFromPath, PARSE_MESH_DEFAULTS, type MeshFormat, type ParseMeshOptions } from './parseMesh.js';
export { parseOff, type ParseOffOptions } from './parseOff.js';
export { parseObj, type ParseObjOptions } from './parseObj.js';
export { parsePly, type ParsePlyOptions } from './parsePly.js';
export { parseStl, PARSE_STL_DEFAULTS, type ParseStlOptions } from './parseStl.js';
