import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { Document, WebIO } from '@gltf-transform/core';
import { OnetIOError, parseGlb, writeGlb, type TriangleMesh } from '../src/index.js';

const bunny = createRequire(import.meta.url)('bunny') as { positions: number[][]; cells: number[][] };
const bunnyMesh: TriangleMesh = { positions: Float32Array.from(bunny.positions.flat()), indices: Uint32Array.from(bunny.cells.flat()) };

const sub = (a: ArrayLike<number>, i: number, j: number) => [0, 1, 2].map((k) => a[i * 3 + k] - a[j * 3 + k]);
const cross = (u: number[], v: number[]) => [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];

describe('parseGlb', () => {
  it('round-trips writeGlb exactly, with normals', async () => {
    const back = await parseGlb(await writeGlb(bunnyMesh));
    expect(back.positions).toEqual(bunnyMesh.positions);
    expect(back.indices).toEqual(bunnyMesh.indices);
    const normals = new Float32Array(bunnyMesh.positions.length).map((_, i) => (i % 3 === 2 ? 1 : 0));
    expect((await parseGlb(await writeGlb({ ...bunnyMesh, normals }))).normals).toEqual(normals);
  });

  it('applies node transforms: non-uniform mirrored scale keeps normals perpendicular and winding outward', async () => {
    const doc = new Document();
    const buf = doc.createBuffer();
    const prim = doc
      .createPrimitive()
      .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])).setBuffer(buf))
      .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1])).setBuffer(buf))
      .setIndices(doc.createAccessor().setType('SCALAR').setArray(new Uint16Array([0, 1, 2])).setBuffer(buf));
    const s = Math.SQRT1_2;
    const child = doc.createNode('c').setMesh(doc.createMesh().addPrimitive(prim)).setScale([2, 1, -3]).setRotation([s, 0, 0, s]);
    doc.createScene().addChild(doc.createNode('p').setTranslation([1, 2, 3]).addChild(child));
    const m = await parseGlb(await new WebIO().writeBinary(doc));
    expect(m.positions.length).toBe(9);
    // Rotation 90° about x maps (x, y, z) → (x, -z, y); scale first: (1,0,0) → (2,0,0) → +t = (3,2,3).
    expect(Array.from(m.positions.slice(3, 6))).toEqual([3, 2, 3]);
    const n = Array.from(m.normals!.slice(0, 3));
    expect(Math.hypot(...n)).toBeCloseTo(1, 6);
    const e1 = sub(m.positions, 1, 0);
    const e2 = sub(m.positions, 2, 0);
    expect(dot(n, e1)).toBeCloseTo(0, 6);
    expect(dot(n, e2)).toBeCloseTo(0, 6);
    const i = m.indices;
    const geo = cross(sub(m.positions, i[1], i[0]), sub(m.positions, i[2], i[0]));
    expect(dot(geo, n)).toBeGreaterThan(0); // CCW winding agrees with the transformed normal
  });

  it('refuses non-GLB, truncated and empty input', async () => {
    await expect(parseGlb(new Uint8Array(0))).rejects.toMatchObject({ code: 'EMPTY' });
    await expect(parseGlb(new TextEncoder().encode('{"asset":{}}'))).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    const glb = await writeGlb(bunnyMesh);
    await expect(parseGlb(glb.subarray(0, 100))).rejects.toMatchObject({ code: 'TRUNCATED' });
    const corrupt = glb.slice();
    corrupt.fill(0x7b, 20, 40);
    await expect(parseGlb(corrupt)).rejects.toBeInstanceOf(OnetIOError);
    const empty = await new WebIO().writeBinary(new Document());
    await expect(parseGlb(empty)).rejects.toMatchObject({ code: 'EMPTY' });
  });
});
