import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { Document, WebIO } from '@gltf-transform/core';
import { glbEdit } from '../fuzz/fuzz.js';
import {
  OnetIOError,
  parseBinvox,
  parseGlb,
  parseMesh,
  parseNpy,
  parseNpz,
  parseObj,
  parseOff,
  parsePly,
  parsePointCloud,
  parseStl,
  writeGlb,
  writeNpy,
} from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const fromLatin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** The OnetIOError `f` throws (or rejects with); fails the test for anything else. */
async function ioError(f: () => unknown): Promise<OnetIOError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(OnetIOError);
    return e as OnetIOError;
  }
  throw new Error('expected an OnetIOError, nothing was thrown');
}

describe('type and dtype names of Object.prototype members', () => {
  const ply = (type: string, listType = 'uchar') =>
    enc(
      `ply\nformat ascii 1.0\nelement vertex 3\nproperty ${type} x\nproperty float y\nproperty float z\n` +
        `element face 1\nproperty list ${listType} int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n`,
    );
  it('PLY property types valueOf, constructor, toString, __proto__ are refused as PARSE_ERROR', async () => {
    expect(parsePly(ply('float')).positions.length).toBe(9); // the control parses
    for (const name of ['valueOf', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const e = await ioError(() => parsePly(ply(name)));
      expect([e.code, e.location]).toEqual(['PARSE_ERROR', 'line 4']);
      expect((await ioError(() => parsePly(ply('float', name)))).location).toBe('line 8');
    }
  });

  it('npy and npz dtypes valueOf / constructor are UNSUPPORTED_DTYPE, not empty arrays', async () => {
    const good = writeNpy(new Float32Array([1, 2, 3]), [3]);
    for (const kind of ['valueOf', 'constructor', '__proto__']) {
      const bad = fromLatin1(latin1(good).replace("'<f4'", `'<${kind}'`));
      expect((await ioError(() => parseNpy(bad))).code).toBe('UNSUPPORTED_DTYPE');
      expect((await ioError(() => parseNpz(zipSync({ 'points.npy': bad })))).code).toBe('UNSUPPORTED_DTYPE');
    }
    expect(Array.from(parseNpy(good).data as Float32Array)).toEqual([1, 2, 3]);
  });
});

describe('OBJ line continuations', () => {
  it('joins 200 000 continuation lines into one face in linear time (quadratic before)', () => {
    const n = 200_000;
    const lines = ['v 0 0 0', 'v 1 0 0', 'v 0 1 0', 'f 1 \\'];
    for (let i = 0; i < n; i++) lines.push(`${(i % 2) + 2} \\`);
    lines.push('3', 'f 1 2 \\', '3');
    const m = parseObj(enc(lines.join('\n')));
    // A fan of n + 2 corners gives n triangles, plus the last face.
    expect(m.indices.length / 3).toBe(n + 1);
    expect(Array.from(m.indices.slice(0, 6))).toEqual([0, 1, 2, 0, 2, 1]);
    expect(Array.from(m.indices.slice(-3))).toEqual([0, 1, 2]);
  });
});

/** A GLB with `json` as its JSON chunk and the binary chunk of a one-triangle mesh written by writeGlb. */
async function glbWith(edit: (json: Record<string, any>) => void): Promise<Uint8Array> {
  return glbEdit(await writeGlb({ positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]) }), edit);
}

describe('GLB', () => {
  it('reads a 20 000-deep node chain (the recursive walk overflowed the stack) with its transforms', async () => {
    const n = 20_000;
    const bytes = await glbWith((j) => {
      j.nodes = Array.from({ length: n }, (_, i) => (i < n - 1 ? { children: [i + 1], translation: [1, 0, 0] } : { mesh: 0 }));
      j.scenes = [{ nodes: [0] }];
      j.scene = 0;
    });
    const m = await parseGlb(bytes);
    expect(Array.from(m.positions)).toEqual([n - 1, 0, 0, n, 0, 0, n - 1, 1, 0]);
  }, 30_000);

  it('refuses node cycles and nodes with two parents instead of looping', async () => {
    const cycle = await glbWith((j) => {
      j.nodes = [{ children: [1] }, { children: [0], mesh: 0 }];
      j.scenes = [{ nodes: [0] }];
    });
    expect((await ioError(() => parseGlb(cycle))).message).toMatch(/cycle|more than one parent/);
    const self = await glbWith((j) => {
      j.nodes = [{ children: [0], mesh: 0 }];
    });
    expect((await ioError(() => parseGlb(self))).code).toBe('PARSE_ERROR');
  });

  it('refuses an accessor with a huge count and no buffer view before allocating it', async () => {
    const bytes = await glbWith((j) => {
      j.accessors.push({ componentType: 5126, type: 'VEC3', count: 5_000_000 });
      j.meshes[0].primitives[0].attributes.NORMAL = j.accessors.length - 1;
    });
    const e = await ioError(() => parseGlb(bytes));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toContain('accessors[2] declares 5000000 elements');
    const overView = await glbWith((j) => {
      j.accessors[0].count = 1_000_000;
    });
    expect((await ioError(() => parseGlb(overView))).code).toBe('TRUNCATED');
  });

  it('refuses NaN and Infinity normals', async () => {
    for (const bad of [NaN, Infinity]) {
      const doc = new Document();
      const buf = doc.createBuffer();
      const prim = doc
        .createPrimitive()
        .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])).setBuffer(buf))
        .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(new Float32Array([0, 0, 1, 0, bad, 1, 0, 0, 1])).setBuffer(buf));
      doc.createScene().addChild(doc.createNode().setMesh(doc.createMesh().addPrimitive(prim)));
      const e = await ioError(async () => parseGlb(await new WebIO().writeBinary(doc)));
      expect(e.code).toBe('NON_FINITE');
    }
  });
});

describe('non-finite normals in text formats', () => {
  it('NOFF normal 1e39 (finite as a double, Infinity as float32) is NON_FINITE', async () => {
    const off = enc('NOFF\n3 1 0\n0 0 0 0 0 1\n1 0 0 0 0 1e39\n0 1 0 0 0 1\n3 0 1 2\n');
    const e = await ioError(() => parseOff(off));
    expect([e.code, e.location]).toEqual(['NON_FINITE', 'line 4']);
    expect((await ioError(() => parsePointCloud(off, { format: 'off' }))).code).toBe('NON_FINITE');
  });
});

/** Patch a little-endian uint32 at every central-directory entry (PK\x01\x02) at `field` bytes into it. */
function patchCentral(zip: Uint8Array, field: number, value: number): Uint8Array {
  const out = zip.slice();
  const v = new DataView(out.buffer);
  for (let i = 0; i + 46 <= out.length; i++) if (v.getUint32(i, true) === 0x02014b50) v.setUint32(i + field, value, true);
  return out;
}

describe('npz limits', () => {
  const member = writeNpy(new Float32Array(1 << 18), [1 << 18]); // 1 MiB of zeros
  it('a deflate bomb over maxInflatedBytes is TOO_LARGE before inflating', async () => {
    const zip = zipSync({ 'points.npy': member }, { level: 9 });
    expect(zip.length).toBeLessThan(5000);
    expect(parseNpz(zip).get('points')!.data.length).toBe(1 << 18);
    const e = await ioError(() => parseNpz(zip, 'bomb.npz', { maxInflatedBytes: 1 << 19 }));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toContain('declares 1048704 inflated bytes');
  });

  it('a member declaring 4 GiB, or a size it does not inflate to, is refused', async () => {
    for (const level of [0, 9] as const) {
      const zip = zipSync({ 'a.npy': member }, { level });
      // Uncompressed size is at offset 24 of a central-directory entry.
      expect((await ioError(() => parseNpz(patchCentral(zip, 24, 0xfffffffe)))).code).toBe('TOO_LARGE');
      const e = await ioError(() => parseNpz(patchCentral(zip, 24, 1000)));
      // Stored: the member holds more than declared. Deflated: inflation stops at the declared 1000 bytes,
      // which are too few for the npy header's shape.
      expect(e.message).toContain(level === 0 ? 'inflates to 1048704 bytes but declares 1000' : 'expected 1048576 data bytes, found 872');
    }
  });

  it('a directory declaring more entries than the file can hold is TRUNCATED', async () => {
    const zip = zipSync({ 'a.npy': writeNpy(new Float32Array(3), [3]) }, { level: 0 });
    const out = zip.slice();
    const v = new DataView(out.buffer);
    const eocd = out.length - 22;
    expect(v.getUint32(eocd, true)).toBe(0x06054b50);
    v.setUint16(eocd + 8, 0xffff, true);
    v.setUint16(eocd + 10, 0xffff, true);
    expect((await ioError(() => parseNpz(out))).code).toBe('TRUNCATED');
  });
});

describe('only OnetIOError escapes', () => {
  it('every public reader wraps even a non-Uint8Array argument', async () => {
    const readers: [string, (b: Uint8Array) => unknown][] = [
      ['parseOff', (b) => parseOff(b)],
      ['parseObj', (b) => parseObj(b)],
      ['parsePly', (b) => parsePly(b)],
      ['parseStl', (b) => parseStl(b)],
      ['parseMesh', (b) => parseMesh(b)],
      ['parsePointCloud', (b) => parsePointCloud(b)],
      ['parseGlb', (b) => parseGlb(b)],
      ['parseNpy', (b) => parseNpy(b)],
      ['parseNpz', (b) => parseNpz(b)],
      ['parseBinvox', (b) => parseBinvox(b)],
    ];
    for (const [name, read] of readers) {
      for (const arg of [undefined, null, 42, {}]) {
        const e = await ioError(() => read(arg as unknown as Uint8Array));
        expect([name, e.code]).toEqual([name, 'PARSE_ERROR']);
      }
    }
  });
});
