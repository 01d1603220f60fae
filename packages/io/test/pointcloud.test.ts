import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { fixturePath } from '@onet/test-utils';
import { OnetIOError, parsePointCloud, writePointCloudPly, writeXyz, writeNpz, parseBinvox, writeBinvox } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OnetIOError);
    return (e as OnetIOError).code;
  }
  return 'no error';
}

describe('point clouds', () => {
  const points = new Float32Array([0, 0, 0, 1, 2, 3, -0.1, 1e-7, 12345.678]);
  const normals = new Float32Array([0, 0, 1, 0, 1, 0, 1, 0, 0]);

  it('round-trips PLY (binary and ASCII) and XYZ, with and without normals', () => {
    for (const pc of [{ points }, { points, normals }]) {
      for (const bytes of [writePointCloudPly(pc), writePointCloudPly(pc, { binary: false })]) {
        const back = parsePointCloud(bytes);
        expect(back.points).toEqual(pc.points);
        expect(back.normals).toEqual(pc.normals);
      }
      const xyz = parsePointCloud(writeXyz(pc), { source: 'a.xyz' });
      expect(xyz.points).toEqual(pc.points);
      expect(xyz.normals).toEqual(pc.normals);
    }
  });

  it('reads npz with float16 points and normals (the reference pointcloud.npz layout)', () => {
    const half = new Uint16Array([0x3c00, 0x4000, 0xc200, 0, 0, 0x3c00]); // 1, 2, -3, 0, 0, 1
    const bytes = zipSync({ 'points.npy': npyF16(half, [2, 3]), 'normals.npy': npyF16(half, [2, 3]) });
    const pc = parsePointCloud(bytes, { source: 'pointcloud.npz' });
    expect(Array.from(pc.points)).toEqual([1, 2, -3, 0, 0, 1]);
    expect(pc.normals!.length).toBe(6);
    expect(code(() => parsePointCloud(writeNpz({ pts: { data: points, shape: [3, 3] } }), { source: 'x.npz' }))).toBe('PARSE_ERROR');
    expect(code(() => parsePointCloud(writeNpz({ points: { data: points, shape: [9] } }), { source: 'x.npz' }))).toBe('PARSE_ERROR');
  });

  it('names the arrays it found when an npz has no "points" (metrics fixture)', () => {
    const npz = readFileSync(fixturePath('metrics/pointclouds.npz'));
    let msg = '';
    try {
      parsePointCloud(npz, { source: 'pointclouds.npz' });
    } catch (e) {
      expect((e as OnetIOError).code).toBe('PARSE_ERROR');
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/gt_points/);
  });

  it('reads XYZ with commas and comments, refuses ragged or bad files', () => {
    const pc = parsePointCloud(enc('# x,y,z\n1,2,3\n4, 5, 6\n'), { source: 'p.csv' });
    expect(Array.from(pc.points)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(code(() => parsePointCloud(enc('1 2 3\n4 5\n'), { source: 'p.xyz' }))).toBe('PARSE_ERROR');
    expect(code(() => parsePointCloud(enc('1 2 3 4\n'), { source: 'p.xyz' }))).toBe('PARSE_ERROR');
    expect(code(() => parsePointCloud(enc('1 2 nan\n'), { source: 'p.xyz' }))).toBe('NON_FINITE');
    expect(code(() => parsePointCloud(enc('# nothing\n'), { source: 'p.xyz' }))).toBe('EMPTY');
    expect(code(() => parsePointCloud(new Uint8Array(0)))).toBe('EMPTY');
    expect(code(() => writeXyz({ points: new Float32Array([0, NaN, 0]) }))).toBe('NON_FINITE');
  });
});

/** An .npy file of float16 (`<f2`), as numpy writes the reference's pointcloud.npz. */
function npyF16(data: Uint16Array, shape: number[]): Uint8Array {
  let header = `{'descr': '<f2', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(enc(header), 10);
  out.set(new Uint8Array(data.buffer), 10 + header.length);
  return out;
}

describe('binvox', () => {
  it('applies the reference xzy→xyz transpose (fix_coords)', () => {
    // dim 2 2 2; stored order x, z, y (y fastest). Only stored index 1 (x=0, z=0, y=1) is set.
    const head = enc('#binvox 1\ndim 2 2 2\ntranslate -0.5 -0.25 0\nscale 1.5\ndata\n');
    const file = new Uint8Array([...head, 0, 1, 1, 1, 0, 6]);
    const g = parseBinvox(file);
    expect(g.dims).toEqual([2, 2, 2]);
    expect(Array.from(g.data)).toEqual([0, 0, 1, 0, 0, 0, 0, 0]); // data[x=0, y=1, z=0]
    expect(g.translate).toEqual([-0.5, -0.25, 0]);
    expect(g.scale).toBe(1.5);
  });

  it('handles non-cubic grids and round-trips through writeBinvox', () => {
    // Header dim 2 3 4 = stored [x=2, z=3, y=4]; stored index (x=0, z=1, y=2) = 6 → xyz dims [2, 4, 3], index (0·4+2)·3+1 = 7.
    const head = enc('#binvox 1\ndim 2 3 4\ntranslate 0 0 0\nscale 1\ndata\n');
    const g = parseBinvox(new Uint8Array([...head, 0, 6, 1, 1, 0, 17]));
    expect(g.dims).toEqual([2, 4, 3]);
    expect([...g.data.keys()].filter((i) => g.data[i])).toEqual([7]);
    const back = parseBinvox(writeBinvox(g));
    expect(back).toEqual(g);
    // A 32³ grid with long runs (> 255) and a sphere.
    const data = new Uint8Array(32 ** 3).map((_, i) => {
      const x = Math.floor(i / 1024), y = Math.floor(i / 32) % 32, z = i % 32;
      return (x - 15.5) ** 2 + (y - 12) ** 2 + (z - 18) ** 2 < 100 ? 1 : 0;
    });
    const sphere = { data, dims: [32, 32, 32] as [number, number, number], translate: [-0.55, -0.55, -0.55] as [number, number, number], scale: 1.1 };
    expect(parseBinvox(writeBinvox(sphere))).toEqual(sphere);
  });

  it('accepts zero-length runs (the reference writer emits them) and refuses bad files', () => {
    const head = enc('#binvox 1\ndim 2 2 2\ntranslate 0 0 0\nscale 1\ndata\n');
    expect(parseBinvox(new Uint8Array([...head, 1, 8, 0, 0])).data.every((v) => v === 1)).toBe(true);
    expect(code(() => parseBinvox(new Uint8Array([...head, 1, 7])))).toBe('TRUNCATED');
    expect(code(() => parseBinvox(new Uint8Array([...head, 1, 9])))).toBe('PARSE_ERROR');
    expect(code(() => parseBinvox(new Uint8Array([...head, 1, 8, 0])))).toBe('PARSE_ERROR');
    expect(code(() => parseBinvox(enc('#binvox 1\ndim 100000 100000 100000\ndata\n\0\x01')))).toBe('TOO_LARGE');
    expect(code(() => parseBinvox(enc('#binvox 1\ndim 512 512 512\ndata\n\0\xff')))).toBe('TRUNCATED');
    expect(code(() => parseBinvox(enc('#binvox 1\ndim 2 2\ndata\n')))).toBe('PARSE_ERROR');
    expect(code(() => parseBinvox(enc('#binvox 1\ndim 2 2 2\n')))).toBe('TRUNCATED');
    expect(code(() => parseBinvox(enc('PK')))).toBe('PARSE_ERROR');
    expect(code(() => parseBinvox(new Uint8Array(0)))).toBe('EMPTY');
  });
});

describe('point clouds from mesh formats', () => {
  it('reads vertex-only OBJ and OFF (NOFF normals) and says GLB needs parseGlb', async () => {
    const obj = parsePointCloud(enc('v 1 2 3\nv 4 5 6\np 1 2\n'), { source: 'pts.obj' });
    expect(Array.from(obj.points)).toEqual([1, 2, 3, 4, 5, 6]);
    const off = parsePointCloud(enc('NOFF\n2 0 0\n1 2 3 0 0 1\n4 5 6 0 1 0\n'), { source: 'pts.off' });
    expect(Array.from(off.points)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(off.normals!)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(code(() => parsePointCloud(enc('v 1 2 nan\n'), { source: 'pts.obj' }))).toBe('NON_FINITE');
    const { parseMesh, writeGlb } = await import('../src/index.js');
    const glb = await writeGlb({ positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]) });
    expect(() => parseMesh(glb)).toThrow(/parseGlb/);
  });
});
