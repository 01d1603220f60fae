import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixturePath } from '@onet/test-utils';
import { isClosedOriented } from './helpers.js';
import { OnetIOError, parseMesh, parseObj, parseOff, parsePly, parseStl, detectMeshFormat } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** Expect `fn` to throw an OnetIOError with `code`, and return it. */
function ioError(fn: () => unknown, code: string): OnetIOError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OnetIOError);
    expect((e as OnetIOError).code).toBe(code);
    return e as OnetIOError;
  }
  throw new Error(`expected an OnetIOError ${code}`);
}

describe('OFF', () => {
  it('reads a triangle with header counts on the keyword line and comments', () => {
    const m = parseOff(enc('# c\nOFF 3 1 0 # counts here\n0 0 0\n1 0 0 # x\n0 1 0\n\n3 0 1 2\n'));
    expect(Array.from(m.positions)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(m.indices)).toEqual([0, 1, 2]);
  });

  it('fan-triangulates polygons and ignores face and vertex colours (COFF)', () => {
    const m = parseOff(enc('COFF\n5 1 0\n0 0 0 255 0 0 255\n1 0 0 1 1 1 1\n1 1 0 0 0 0 1\n0.5 2 0 0 0 0 1\n0 1 0 0 0 0 1\n5 0 1 2 3 4 0.1 0.2 0.3\n'));
    expect(Array.from(m.indices)).toEqual([0, 1, 2, 0, 2, 3, 0, 3, 4]);
    expect(m.positions[9]).toBe(0.5);
  });

  it('reads NOFF normals, 4OFF homogeneous coordinates and header-less files', () => {
    const n = parseOff(enc('NOFF\n3 1 0\n0 0 0 0 0 1\n1 0 0 0 0 1\n0 1 0 0 0 -1\n3 0 1 2\n'));
    expect(Array.from(n.normals!)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, -1]);
    const h = parseOff(enc('4OFF\n3 1 0\n2 4 6 2\n1 0 0 1\n0 1 0 0.5\n3 0 1 2\n'));
    expect(Array.from(h.positions)).toEqual([1, 2, 3, 1, 0, 0, 0, 2, 0]);
    const bare = parseOff(enc('3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 2 1 0\n'));
    expect(Array.from(bare.indices)).toEqual([2, 1, 0]);
  });

  it('refuses malformed files with the line number', () => {
    expect(ioError(() => parseOff(enc('OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n')), 'INDEX_OUT_OF_RANGE').location).toBe('line 6');
    expect(ioError(() => parseOff(enc('OFF\n3 1 0\n0 0 0\n1 nan 0\n0 1 0\n3 0 1 2\n')), 'NON_FINITE').location).toBe('line 4');
    expect(ioError(() => parseOff(enc('OFF\n3 1 0\n0 0 0\n1 1e39 0\n0 1 0\n3 0 1 2\n')), 'NON_FINITE').location).toBe('line 4');
    expect(ioError(() => parseOff(enc('OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n2 0 1\n')), 'PARSE_ERROR').location).toBe('line 6');
    expect(ioError(() => parseOff(enc('OFF\n3 2 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n')), 'TRUNCATED').message).toMatch(/1 of 2 faces/);
    expect(ioError(() => parseOff(enc('OFF\n3 1 0\n0 0 0\n1 x 0\n0 1 0\n3 0 1 2\n'), { source: 'a.off' }), 'PARSE_ERROR').message).toMatch(/^a\.off \(line 4\)/);
    ioError(() => parseOff(enc('OFF\n99999999999 6 0\n0 0 0\n')), 'TOO_LARGE');
    ioError(() => parseOff(new Uint8Array(0)), 'EMPTY');
    ioError(() => parseOff(enc('# only a comment\n')), 'EMPTY');
    ioError(() => parseOff(enc('OFF BINARY\n')), 'UNSUPPORTED_FORMAT');
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(enc('OFF')).flatMap((b) => [b, 0])]);
    ioError(() => parseOff(utf16), 'UNSUPPORTED_FORMAT');
    ioError(() => parseOff(new Uint8Array([0x4f, 0, 0x46, 0, 0x46, 0])), 'UNSUPPORTED_FORMAT');
  });

  it('reads the committed closed meshes (eight, elephant): header counts, closed and consistently oriented', () => {
    for (const f of ['eight.off', 'elephant.off']) {
      const bytes = readFileSync(fixturePath(`meshes/${f}`));
      const m = parseMesh(bytes, { source: f });
      const header = /OFF\s+(\d+)\s+(\d+)/.exec(new TextDecoder().decode(bytes))!;
      expect(m.positions.length / 3, f).toBe(Number(header[1]));
      expect(m.indices.length / 3, f).toBe(Number(header[2]));
      expect(isClosedOriented(m), f).toBe(true);
      expect(m.positions.every(Number.isFinite)).toBe(true);
    }
  });

  it('reads the open meshes, including CGAL comment headers (committed ones; all ten: meshes.large.test.ts)', () => {
    const shuffled = parseMesh(readFileSync(fixturePath('meshes-open/cube-shuffled.off')));
    expect(shuffled.indices.length).toBe(36);
    expect(Array.from(shuffled.positions.slice(3, 6))).toEqual([-1, 1, -1]);
    for (const f of ['cube-ouvert.off', 'cube-shuffled.off', 'elephant-with-holes.off', 'open_cube.off']) {
      const m = parseMesh(readFileSync(fixturePath(`meshes-open/${f}`)), { source: f });
      expect(m.indices.length, f).toBeGreaterThan(0);
      expect(Math.max(...m.indices)).toBeLessThan(m.positions.length / 3);
    }
  });
});

describe('OBJ', () => {
  it('reads v/vt/vn corners, negative indices, quads and line continuations', () => {
    const src = [
      'mtllib x.mtl', 'o cube', 'v 0 0 0', 'v 1 0 0 1.0', 'v 1 1 0 0.5 0.5 0.5', 'v 0 1 0',
      'vt 0 0', 'vn 0 0 1', 'g side', 's off', 'usemtl m',
      'f 1/1/1 2/1/1 3/1/1 4/1/1', 'f -4//1 -3//1 \\', '-2//1', 'l 1 2', 'p 3',
    ].join('\r\n');
    const m = parseObj(enc(src));
    expect(m.positions.length).toBe(12);
    expect(Array.from(m.indices)).toEqual([0, 1, 2, 0, 2, 3, 0, 1, 2]);
  });

  it('refuses bad indices, NaN and empty files', () => {
    expect(ioError(() => parseObj(enc('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n')), 'INDEX_OUT_OF_RANGE').location).toBe('line 4');
    ioError(() => parseObj(enc('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n')), 'INDEX_OUT_OF_RANGE');
    ioError(() => parseObj(enc('v 0 0 0\nv 1 0 0\nf -3 -2 -1\nv 0 1 0\n')), 'INDEX_OUT_OF_RANGE');
    expect(ioError(() => parseObj(enc('v 0 0 0\nv NaN 0 0\n')), 'NON_FINITE').location).toBe('line 2');
    ioError(() => parseObj(enc('v 0 0 0\nv 1 0 0\nv 0 1 0\n')), 'EMPTY');
    ioError(() => parseObj(enc('\n\n')), 'EMPTY');
    ioError(() => parseObj(enc('v 0 0 0\nf 1 1\n')), 'PARSE_ERROR');
  });
});

/** Build a PLY body with a DataView writer. */
function binaryPly(little: boolean): Uint8Array {
  const header = enc(
    `ply\nformat binary_${little ? 'little' : 'big'}_endian 1.0\ncomment extra props\nelement vertex 4\nproperty double x\nproperty float y\nproperty float z\nproperty uchar red\nproperty list uchar int extra\nproperty float nx\nproperty float ny\nproperty float nz\nelement face 1\nproperty uchar flags\nproperty list uchar uint vertex_indices\nelement edge 1\nproperty int a\nproperty int b\nend_header\n`,
  );
  const body = new DataView(new ArrayBuffer(4 * (8 + 4 + 4 + 1 + 1 + 8 + 12) + 1 + 1 + 16 + 8));
  let o = 0;
  const verts = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]];
  for (const [x, y, z] of verts) {
    body.setFloat64(o, x, little); o += 8;
    body.setFloat32(o, y, little); o += 4;
    body.setFloat32(o, z, little); o += 4;
    body.setUint8(o, 200); o += 1;
    body.setUint8(o, 2); o += 1;
    body.setInt32(o, -7, little); o += 4;
    body.setInt32(o, 9, little); o += 4;
    body.setFloat32(o, 0, little); o += 4;
    body.setFloat32(o, 0, little); o += 4;
    body.setFloat32(o, 1, little); o += 4;
  }
  body.setUint8(o, 1); o += 1;
  body.setUint8(o, 4); o += 1;
  for (const v of [0, 1, 2, 3]) { body.setUint32(o, v, little); o += 4; }
  body.setInt32(o, 0, little); o += 4;
  body.setInt32(o, 1, little); o += 4;
  const out = new Uint8Array(header.length + o);
  out.set(header);
  out.set(new Uint8Array(body.buffer, 0, o), header.length);
  return out;
}

describe('PLY', () => {
  it('reads binary little- and big-endian files with extra properties, lists and elements', () => {
    for (const little of [true, false]) {
      const m = parsePly(binaryPly(little));
      expect(Array.from(m.positions)).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]);
      expect(Array.from(m.indices)).toEqual([0, 1, 2, 0, 2, 3]);
      expect(Array.from(m.normals!)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    }
  });

  it('reads ASCII with CRLF and free-text header lines', () => {
    const s = 'ply\r\nformat ascii 1.0\r\nCreated by some exporter\r\nelement vertex 3\r\nproperty float x\r\nproperty float y\r\nproperty float z\r\nproperty float s\r\nelement face 1\r\nproperty list uchar int vertex_index\r\nend_header\r\n0 0 0 9\r\n1 0 0 9\r\n0 1 0 9\r\n3 2 1 0\r\n';
    const m = parsePly(enc(s));
    expect(Array.from(m.indices)).toEqual([2, 1, 0]);
    expect(m.normals).toBeUndefined();
  });

  it('refuses truncated, absurd and malformed files', () => {
    const good = binaryPly(true);
    const e = ioError(() => parsePly(good.subarray(0, good.length - 5)), 'TRUNCATED');
    expect(e.location).toMatch(/^(byte|line) \d+$/);
    const head = 'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n';
    ioError(() => parsePly(enc(head.replace('vertex 3', 'vertex 3000000000000') + '0 0 0\n')), 'TOO_LARGE');
    expect(ioError(() => parsePly(enc(head + '0 0 0\n1 0 0\n0 1 0\n3 0 1 5\n')), 'INDEX_OUT_OF_RANGE').message).toMatch(/vertex 5/);
    expect(ioError(() => parsePly(enc(head + '0 0 0\n1 inf 0\n0 1 0\n3 0 1 2\n')), 'NON_FINITE').location).toBe('line 11');
    ioError(() => parsePly(enc(head + '0 0 0\n1 0 0\n0 1 0\n3 0 1.5 2\n')), 'PARSE_ERROR');
    ioError(() => parsePly(enc(head + '0 0 0\n1 0 0\n0 1 0\n')), 'TRUNCATED');
    ioError(() => parsePly(enc(head.replace('end_header\n', ''))), 'TRUNCATED');
    ioError(() => parsePly(enc('ply\nelement vertex 1\nend_header\n')), 'PARSE_ERROR');
    ioError(() => parsePly(enc('plx\n')), 'PARSE_ERROR');
  });
});

describe('STL', () => {
  const ascii = 'solid t\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n   vertex 1 0 0\n   vertex 0 1 0\n  endloop\n endfacet\n facet normal 0 0 1\n  outer loop\n   vertex 1 0 0\n   vertex 1 1 0\n   vertex 0 1 0\n  endloop\n endfacet\nendsolid t\n';
  function binary(tris: number[][], header = 'solid binary but not ascii'): Uint8Array {
    const out = new Uint8Array(84 + 50 * tris.length);
    out.set(enc(header));
    const v = new DataView(out.buffer);
    v.setUint32(80, tris.length, true);
    tris.forEach((t, i) => t.forEach((x, k) => v.setFloat32(84 + 50 * i + 12 + 4 * k, x, true)));
    return out;
  }

  it('reads ASCII and binary (even with a "solid" header) and merges shared corners', () => {
    const a = parseStl(enc(ascii));
    expect(a.positions.length / 3).toBe(4);
    expect(Array.from(a.indices)).toEqual([0, 1, 2, 1, 3, 2]);
    const b = parseStl(binary([[0, 0, 0, 1, 0, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0, -0, 1, 0]]));
    expect(Array.from(b.indices)).toEqual([0, 1, 2, 1, 3, 2]);
    expect(parseStl(enc(ascii), { mergeVertices: false }).positions.length / 3).toBe(6);
    expect(detectMeshFormat(binary([[0, 0, 0, 1, 0, 0, 0, 1, 0]]))).toBe('stl');
  });

  it('refuses truncated binaries, NaN and broken ASCII', () => {
    const b = binary([[0, 0, 0, 1, 0, 0, 0, 1, 0]], 'bin');
    ioError(() => parseStl(b.subarray(0, 120)), 'TRUNCATED');
    ioError(() => parseStl(binary([[0, 0, 0, NaN, 0, 0, 0, 1, 0]], 'bin')), 'NON_FINITE');
    ioError(() => parseStl(enc(ascii.slice(0, 60))), 'TRUNCATED');
    ioError(() => parseStl(enc('solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nendloop\n')), 'PARSE_ERROR');
    ioError(() => parseStl(binary([], 'bin')), 'EMPTY');
  });
});

describe('parseMesh', () => {
  it('detects the format from the source extension or the content', () => {
    const off = enc('OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n');
    expect(parseMesh(off).indices.length).toBe(3);
    expect(parseMesh(enc('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n')).indices.length).toBe(3);
    expect(detectMeshFormat(enc('ply\nformat ascii 1.0\n'))).toBe('ply');
    expect(detectMeshFormat(enc('solid x\n'))).toBe('stl');
    expect(detectMeshFormat(enc('hello'))).toBeUndefined();
    ioError(() => parseMesh(enc('hello')), 'UNSUPPORTED_FORMAT');
    // The extension wins over the content.
    ioError(() => parseMesh(off, { source: 'x.obj' }), 'EMPTY');
    expect(parseMesh(off, { source: 'X.OFF' }).positions.length).toBe(9);
  });
});

describe('number syntax', () => {
  it('accepts decimal forms and refuses hex, binary and words', () => {
    const tri = (a: string) => enc(`v ${a} 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n`);
    for (const [s, v] of [['+1.', 1], ['-.5', -0.5], ['1E2', 100], ['2.e-1', 0.2], ['007', 7]] as const) {
      expect(parseObj(tri(s)).positions[0]).toBeCloseTo(v, 6);
    }
    for (const s of ['0x10', '0b1', '1,5', '1.2.3', '--1', 'e5']) ioError(() => parseObj(tri(s)), 'PARSE_ERROR');
    ioError(() => parseObj(tri('Infinity')), 'NON_FINITE');
    ioError(() => parseObj(tri('1e999')), 'NON_FINITE');
  });
});

describe('corrupted files', () => {
  it('truncated, byte-flipped and digit-scrambled copies of every written format only ever throw OnetIOError', async () => {
    const { writePly, writeStl, writeObj, writeOff, parsePointCloud, parseBinvox, writeBinvox } = await import('../src/index.js');
    const torus = parseMesh(readFileSync(fixturePath('meshes/3torus.off')));
    const samples: [string, Uint8Array][] = [
      ['a.ply', writePly(torus)], ['a.ply', writePly(torus, { binary: false })], ['a.stl', writeStl(torus)],
      ['a.obj', writeObj(torus)], ['a.off', writeOff(torus)], ['p.ply', writePly({ ...torus, normals: torus.positions })],
    ];
    const vox = writeBinvox({ data: new Uint8Array(64).map((_, i) => (i % 3 ? 1 : 0)), dims: [4, 4, 4], translate: [0, 0, 0], scale: 1 });
    let seed = 99;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const outcomes = new Map<string, number>();
    for (let trial = 0; trial < 600; trial++) {
      const [name, bytes] = trial % 7 === 6 ? ['v.binvox', vox] : samples[trial % samples.length];
      const c = new Uint8Array(bytes);
      const op = Math.floor(rand() * 3);
      const cut = op === 0 ? c.subarray(0, Math.floor(rand() * c.length)) : c;
      for (let k = 0; op > 0 && k < 4; k++) {
        const i = Math.floor(rand() * c.length);
        c[i] = op === 1 ? Math.floor(rand() * 256) : '0123456789 -.e\n#'.charCodeAt(Math.floor(rand() * 16));
      }
      const fns = name.endsWith('.binvox') ? [() => parseBinvox(cut)] : [() => parseMesh(cut, { source: name }), () => parsePointCloud(cut, { source: name })];
      for (const fn of fns) {
        try {
          fn();
          outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
        } catch (e) {
          expect(e).toBeInstanceOf(OnetIOError);
          outcomes.set((e as OnetIOError).code, (outcomes.get((e as OnetIOError).code) ?? 0) + 1);
        }
      }
    }
    // Both outcomes occur: the corruption is real, and some copies still parse.
    expect(outcomes.get('ok')).toBeGreaterThan(0);
    expect(outcomes.get('TRUNCATED')).toBeGreaterThan(0);
    expect(outcomes.get('PARSE_ERROR')).toBeGreaterThan(0);
  });
});
