import { OnetIOError, ownLookup } from './errors.js';
import { LineReader, decodeText, parseInteger, parseNumber } from './text.js';
import { U32Builder } from './buffers.js';

/** PLY scalar types by their canonical name. @internal */
export type PlyType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const TYPE_ALIASES: Record<string, PlyType> = {
  char: 'int8', int8: 'int8', uchar: 'uint8', uint8: 'uint8',
  short: 'int16', int16: 'int16', ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32', uint: 'uint32', uint32: 'uint32',
  float: 'float32', float32: 'float32', double: 'float64', float64: 'float64',
};
const TYPE_SIZE: Record<PlyType, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };
const isIntType = (t: PlyType) => t !== 'float32' && t !== 'float64';

/** @internal */
export interface PlyProperty {
  name: string;
  type: PlyType;
  /** Type of the item count for list properties; undefined for scalars. */
  countType?: PlyType;
}
/** @internal */
export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
  /** 1-based header line of the `element` statement. */
  line: number;
}
/** @internal */
export interface PlyHeader {
  format: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  elements: PlyElement[];
  /** Byte offset of the body. */
  bodyOffset: number;
  /** Number of header lines (the body of an ASCII file starts on the next line). */
  headerLines: number;
}

/** Parse the header of a PLY file. @internal */
export function parsePlyHeader(bytes: Uint8Array, source: string): PlyHeader {
  if (bytes.length === 0) throw new OnetIOError('EMPTY', 'the file is empty', source, 'byte 0');
  if (!(bytes[0] === 0x70 && bytes[1] === 0x6c && bytes[2] === 0x79 && (bytes[3] === 0x0a || bytes[3] === 0x0d || bytes[3] === 0x20))) {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      throw new OnetIOError('UNSUPPORTED_FORMAT', 'the file is UTF-16 text; convert it to ASCII/UTF-8', source, 'byte 0');
    }
    throw new OnetIOError('PARSE_ERROR', 'not a PLY file: it must start with the line "ply"', source, 'byte 0');
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
  const m = /(^|\n)end_header[ \t]*(\r\n|\n|\r|$)/.exec(head);
  if (!m) throw new OnetIOError('TRUNCATED', 'no "end_header" line in the first MiB: the header is truncated or malformed', source);
  const bodyOffset = m.index + m[0].length;
  const lines = head.slice(0, m.index + m[1].length).split(/\r\n|\n|\r/);
  let format: PlyHeader['format'] | undefined;
  const elements: PlyElement[] = [];
  for (let li = 1; li < lines.length; li++) {
    const where = `line ${li + 1}`;
    const t = lines[li].trim().split(/\s+/);
    if (t[0] === 'format') {
      if (t[1] !== 'ascii' && t[1] !== 'binary_little_endian' && t[1] !== 'binary_big_endian') {
        throw new OnetIOError('UNSUPPORTED_FORMAT', `unknown PLY format ${JSON.stringify(t[1] ?? '')}`, source, where);
      }
      format = t[1];
    } else if (t[0] === 'element') {
      if (t.length < 3) throw new OnetIOError('PARSE_ERROR', 'an element needs a name and a count', source, where);
      const count = parseInteger(t[2], source, where);
      if (count < 0) throw new OnetIOError('PARSE_ERROR', `negative element count ${count}`, source, where);
      elements.push({ name: t[1], count, properties: [], line: li + 1 });
    } else if (t[0] === 'property') {
      const el = elements[elements.length - 1];
      if (!el) throw new OnetIOError('PARSE_ERROR', 'a property before any element', source, where);
      if (t[1] === 'list') {
        const countType = ownLookup(TYPE_ALIASES, t[2]);
        const type = ownLookup(TYPE_ALIASES, t[3]);
        if (!countType || !type || t.length < 5) throw new OnetIOError('PARSE_ERROR', `bad list property "${lines[li].trim()}"`, source, where);
        if (!isIntType(countType)) throw new OnetIOError('PARSE_ERROR', 'a list count must have an integer type', source, where);
        el.properties.push({ name: t[4], type, countType });
      } else {
        const type = ownLookup(TYPE_ALIASES, t[1]);
        if (!type || t.length < 3) throw new OnetIOError('PARSE_ERROR', `bad property "${lines[li].trim()}"`, source, where);
        el.properties.push({ name: t[2], type });
      }
    }
    // comment, obj_info and unknown lines (some exporters write free text) are ignored.
  }
  if (!format) throw new OnetIOError('PARSE_ERROR', 'the header has no "format" line', source);
  return { format, elements, bodyOffset, headerLines: lines.length + 1 };
}

/** What {@link readPly} returns. @internal */
export interface PlyMeshData {
  vertexCount: number;
  /** Requested vertex columns that exist, as float32 `[V]`. */
  columns: Map<string, Float32Array>;
  /** Fan-triangulated face indices `[F·3]` (not yet range-checked), or empty. */
  indices: Uint32Array;
  faceCount: number;
}

interface ValueReader {
  num(type: PlyType): number;
  skip(type: PlyType): void;
  where(): string;
}

class BinaryReader implements ValueReader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public off: number,
    readonly little: boolean,
    private source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  where(): string {
    return `byte ${this.off}`;
  }
  private need(n: number): void {
    if (this.off + n > this.bytes.length) {
      throw new OnetIOError('TRUNCATED', 'the file ends inside the binary body', this.source, `byte ${this.off}`);
    }
  }
  num(type: PlyType): number {
    const v = this.view;
    const o = this.off;
    switch (type) {
      case 'int8': this.need(1); this.off += 1; return v.getInt8(o);
      case 'uint8': this.need(1); this.off += 1; return v.getUint8(o);
      case 'int16': this.need(2); this.off += 2; return v.getInt16(o, this.little);
      case 'uint16': this.need(2); this.off += 2; return v.getUint16(o, this.little);
      case 'int32': this.need(4); this.off += 4; return v.getInt32(o, this.little);
      case 'uint32': this.need(4); this.off += 4; return v.getUint32(o, this.little);
      case 'float32': this.need(4); this.off += 4; return v.getFloat32(o, this.little);
      default: this.need(8); this.off += 8; return v.getFloat64(o, this.little);
    }
  }
  skip(type: PlyType): void {
    const n = TYPE_SIZE[type];
    this.need(n);
    this.off += n;
  }
}

class AsciiReader implements ValueReader {
  private toks: string[] = [];
  private i = 0;
  constructor(
    private r: LineReader,
    private source: string,
  ) {}
  where(): string {
    return this.r.where();
  }
  private tok(): string {
    while (this.i >= this.toks.length) {
      const t = this.r.next();
      if (t === null) throw new OnetIOError('TRUNCATED', 'the file ends before all elements were read', this.source, this.r.where());
      this.toks = t;
      this.i = 0;
    }
    return this.toks[this.i++];
  }
  num(type: PlyType): number {
    const s = this.tok();
    if (isIntType(type)) return parseInteger(s, this.source, this.r.where());
    return parseNumber(s, this.source, this.r.where());
  }
  skip(): void {
    this.tok();
  }
}

/**
 * Read the `vertex` element's requested columns and the `face` element's index lists of a PLY file
 * (ASCII or binary, either endianness). Other elements and properties are skipped. Element counts are
 * checked against the bytes left before any allocation.
 * @internal
 */
export function readPly(bytes: Uint8Array, source: string, wanted: string[], wantFaces: boolean): PlyMeshData {
  const h = parsePlyHeader(bytes, source);
  let reader: ValueReader;
  if (h.format === 'ascii') {
    const text = h.bodyOffset < bytes.length ? decodeText(bytes, source, h.bodyOffset) : '';
    reader = new AsciiReader(new LineReader(text, null, h.headerLines), source);
  } else {
    reader = new BinaryReader(bytes, h.bodyOffset, h.format === 'binary_little_endian', source);
  }
  const columns = new Map<string, Float32Array>();
  let vertexCount = 0;
  let seenVertex = false;
  let faceCount = 0;
  let seenFace = false;
  let indices = new U32Builder(16);
  const poly: number[] = [];
  let consumedMin = h.bodyOffset;
  for (const el of h.elements) {
    if (el.properties.length === 0 || el.count === 0) continue;
    // Lower bound of the bytes this element occupies, checked before allocating anything for it.
    const rowMin =
      h.format === 'ascii'
        ? el.properties.length * 2
        : el.properties.reduce((s, p) => s + TYPE_SIZE[p.countType ?? p.type], 0);
    const left = bytes.length - consumedMin + (h.format === 'ascii' ? 1 : 0);
    if (el.count * rowMin > left) {
      throw new OnetIOError(
        el.count * rowMin > 4 * bytes.length ? 'TOO_LARGE' : 'TRUNCATED',
        `element "${el.name}" declares ${el.count} rows, which needs at least ${el.count * rowMin} bytes, but only ${left} are left: the count is wrong or the file is truncated`,
        source,
        `line ${el.line}`,
      );
    }
    consumedMin += el.count * rowMin;
    const isVertex = el.name === 'vertex' && !seenVertex;
    const isFace = wantFaces && el.name === 'face' && !seenFace;
    const cols: (Float32Array | undefined)[] = el.properties.map((p) => {
      if (!isVertex || p.countType || !wanted.includes(p.name)) return undefined;
      const a = new Float32Array(el.count);
      columns.set(p.name, a);
      return a;
    });
    let faceProp = -1;
    if (isFace) {
      faceProp = el.properties.findIndex((p) => p.countType && (p.name === 'vertex_indices' || p.name === 'vertex_index'));
      if (faceProp < 0) faceProp = el.properties.findIndex((p) => p.countType);
      if (faceProp >= 0 && !isIntType(el.properties[faceProp].type)) {
        throw new OnetIOError('PARSE_ERROR', 'face vertex indices must have an integer type', source, `line ${el.line}`);
      }
      indices = new U32Builder(el.count * 3);
    }
    const props = el.properties;
    if (reader instanceof BinaryReader && props.every((p) => !p.countType)) {
      readFixedRows(reader, el, cols, source);
    } else for (let row = 0; row < el.count; row++) {
      for (let k = 0; k < props.length; k++) {
        const p = props[k];
        if (p.countType) {
          const n = reader.num(p.countType);
          if (n < 0) throw new OnetIOError('PARSE_ERROR', `negative list length ${n}`, source, reader.where());
          if (k === faceProp) {
            if (n < 3) {
              throw new OnetIOError('PARSE_ERROR', `face ${row} has ${n} vertices; a face needs at least 3`, source, reader.where());
            }
            poly.length = 0;
            for (let j = 0; j < n; j++) {
              const v = reader.num(p.type);
              if (v < 0) throw new OnetIOError('INDEX_OUT_OF_RANGE', `face ${row} has negative vertex index ${v}`, source, reader.where());
              poly.push(v);
            }
            indices.pushFan(poly, n);
          } else {
            for (let j = 0; j < n; j++) reader.skip(p.type);
          }
        } else {
          const c = cols[k];
          if (c) c[row] = reader.num(p.type);
          else reader.skip(p.type);
        }
      }
    }
    if (isVertex) {
      seenVertex = true;
      vertexCount = el.count;
    }
    if (isFace) {
      seenFace = true;
      faceCount = el.count;
    }
  }
  return { vertexCount, columns, indices: indices.finish(), faceCount };
}

/** Fast path for binary elements without list properties: fixed row stride, one typed loop per column. */
function readFixedRows(reader: BinaryReader, el: PlyElement, cols: (Float32Array | undefined)[], source: string): void {
  const stride = el.properties.reduce((s, p) => s + TYPE_SIZE[p.type], 0);
  const base = reader.off;
  if (base + el.count * stride > reader.bytes.length) {
    const rows = Math.floor((reader.bytes.length - base) / stride);
    throw new OnetIOError('TRUNCATED', `the file ends inside row ${rows} of element "${el.name}" (${el.count} rows)`, source, `byte ${base + rows * stride}`);
  }
  const { view, little } = reader;
  let offset = 0;
  el.properties.forEach((p, k) => {
    const c = cols[k];
    if (c) {
      const n = el.count;
      let o = base + offset;
      switch (p.type) {
        case 'float32': for (let r = 0; r < n; r++, o += stride) c[r] = view.getFloat32(o, little); break;
        case 'float64': for (let r = 0; r < n; r++, o += stride) c[r] = view.getFloat64(o, little); break;
        case 'int8': for (let r = 0; r < n; r++, o += stride) c[r] = view.getInt8(o); break;
        case 'uint8': for (let r = 0; r < n; r++, o += stride) c[r] = view.getUint8(o); break;
        case 'int16': for (let r = 0; r < n; r++, o += stride) c[r] = view.getInt16(o, little); break;
        case 'uint16': for (let r = 0; r < n; r++, o += stride) c[r] = view.getUint16(o, little); break;
        case 'int32': for (let r = 0; r < n; r++, o += stride) c[r] = view.getInt32(o, little); break;
        default: for (let r = 0; r < n; r++, o += stride) c[r] = view.getUint32(o, little); break;
      }
    }
    offset += TYPE_SIZE[p.type];
  });
  reader.off = base + el.count * stride;
}
