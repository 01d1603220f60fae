/**
 * @onet/io — Mesh and point-cloud types and file I/O (OFF, OBJ, PLY, STL, GLB, XYZ, npy/npz) for onet. No tfjs.
 * @module @onet/io
 * @packageDocumentation
 */
export type { TriangleMesh, PointCloud } from './types.js';
export { OnetIOError, type OnetIOErrorCode } from './errors.js';
export { parseNpy, parseNpz, writeNpy, writeNpz, WRITE_NPY_DEFAULTS, PARSE_NPZ_DEFAULTS, type NpyArray, type NpyData, type ParseNpzOptions, type WriteNpyOptions } from './npy.js';
export { float16ToFloat32, float32ToFloat16 } from './float16.js';
export type { ReadOptions } from './text.js';
export { parseMesh, detectMeshFormat, meshFormatFromPath, PARSE_MESH_DEFAULTS, type MeshFormat, type ParseMeshOptions } from './parseMesh.js';
export { parseOff, type ParseOffOptions } from './parseOff.js';
export { parseObj, type ParseObjOptions } from './parseObj.js';
export { parsePly, type ParsePlyOptions } from './parsePly.js';
export { parseStl, PARSE_STL_DEFAULTS, type ParseStlOptions } from './parseStl.js';
export { writePly, WRITE_PLY_DEFAULTS, type WritePlyOptions } from './writePly.js';
export { writeObj, WRITE_OBJ_DEFAULTS, type WriteObjOptions } from './writeObj.js';
export { writeOff } from './writeOff.js';
export { writeGlb, WRITE_GLB_DEFAULTS, type WriteGlbOptions } from './writeGlb.js';
export { parsePointCloud, PARSE_POINT_CLOUD_DEFAULTS, type ParsePointCloudOptions, type PointCloudFormat } from './parsePointCloud.js';
export { writePointCloudPly, writeXyz } from './writePointCloud.js';
export { parseBinvox, writeBinvox, PARSE_BINVOX_DEFAULTS, type BinvoxGrid, type ParseBinvoxOptions } from './binvox.js';
export { writeStl } from './writeStl.js';
export { parseGlb, type ParseGlbOptions } from './parseGlb.js';
