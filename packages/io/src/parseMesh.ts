import { OnetIOError, asIOError } from './errors.js';
import type { TriangleMesh } from './types.js';
import { parseOff } from './parseOff.js';
import { parseObj } from './parseObj.js';
import { parsePly } from './parsePly.js';
import { parseStl, isBinaryStl, looksLikeAsciiStl } from './parseStl.js';

/** Mesh file formats {@link parseMesh} reads. */
export type MeshFormat = 'off' | 'obj' | 'ply' | 'stl';

/** Options of {@link parseMesh}. */
export interface ParseMeshOptions {
  /** Format of the bytes; by default taken from the extension of `source`, else detected from the content. */
  format?: MeshFormat;
  /** File name or URL: used in error messages and, without `format`, for its extension. */
  source?: string;
}

/** Defaults of {@link ParseMeshOptions}. */
export const PARSE_MESH_DEFAULTS: Required<Pick<ParseMeshOptions, 'source'>> = { source: '<buffer>' };

/** Mesh format from a file name's extension (`.off`, `.obj`, `.ply`, `.stl`, any case), or undefined. */
export function meshFormatFromPath(path: string): MeshFormat | undefined {
  const m = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(path);
  const ext = m?.[1].toLowerCase();
  return ext === 'off' || ext === 'obj' || ext === 'ply' || ext === 'stl' ? ext : undefined;
}

/**
 * Guess the mesh format from the first bytes: `ply`, an OFF header, `solid` or the binary STL size rule,
 * or OBJ statements (`v`, `f`, `o`, `g`, `#`...). Returns undefined when nothing matches.
 */
export function detectMeshFormat(bytes: Uint8Array): MeshFormat | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  if (/^ply[\r\n ]/.test(head)) return 'ply';
  if (isBinaryStl(bytes)) return 'stl';
  const lines = head.split(/\r\n|\n|\r/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
  const first = lines[0] ?? '';
  if (/^(ST)?C?N?4?n?OFF(\s|$)/.test(first)) return 'off';
  if (looksLikeAsciiStl(bytes)) return 'stl';
  if (lines.some((l) => /^(v|vn|vt|f|o|g|usemtl|mtllib)\s/.test(l))) return 'obj';
  if (/^\d+\s+\d+(\s+\d+)?$/.test(first)) return 'off';
  return undefined;
}

/**
 * Parse a triangle mesh from the bytes of an OFF, OBJ, PLY or STL file. The format is `options.format`,
 * else the extension of `options.source`, else detected from the content ({@link detectMeshFormat}).
 * Polygons are fan-triangulated. See {@link parseOff}, {@link parseObj}, {@link parsePly},
 * {@link parseStl} for what each reader accepts.
 *
 * ```ts
 * const mesh = parseMesh(new Uint8Array(await (await fetch(url)).arrayBuffer()), { source: url });
 * mesh.positions; // Float32Array [V·3]
 * mesh.indices;   // Uint32Array  [F·3], counter-clockwise as stored in the file
 * ```
 * @throws {@link OnetIOError} `UNSUPPORTED_FORMAT` when the format cannot be determined, and every error of
 *   the format's reader (always an `OnetIOError` naming `source` and the line or byte; never another type).
 * @category Mesh I/O
 */
export function parseMesh(bytes: Uint8Array, options: ParseMeshOptions = {}): TriangleMesh {
  const source = options.source ?? PARSE_MESH_DEFAULTS.source;
  if (!(bytes instanceof Uint8Array)) throw new OnetIOError('PARSE_ERROR', 'expected the file contents as a Uint8Array', source);
  if (bytes.length === 0) throw new OnetIOError('EMPTY', 'the file is empty', source, 'byte 0');
  const format = options.format ?? meshFormatFromPath(source) ?? detectMeshFormat(bytes);
  const o = { source };
  try {
    switch (format) {
      case 'off':
        return parseOff(bytes, o);
      case 'obj':
        return parseObj(bytes, o);
      case 'ply':
        return parsePly(bytes, o);
      case 'stl':
        return parseStl(bytes, o);
      default:
        if (/\.(glb|gltf)$/i.test(source) || (bytes[0] === 0x67 && bytes[1] === 0x6c && bytes[2] === 0x54 && bytes[3] === 0x46)) {
          throw new OnetIOError('UNSUPPORTED_FORMAT', 'this is glTF: read GLB files with the async parseGlb', source);
        }
        throw new OnetIOError('UNSUPPORTED_FORMAT', 'cannot tell the mesh format; pass options.format (off, obj, ply or stl)', source);
    }
  } catch (e) {
    throw asIOError(e, source);
  }
}

export { asIOError } from './errors.js';
