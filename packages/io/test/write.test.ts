import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { WebIO } from '@gltf-transform/core';
import { OnetIOError, parseMesh, parseObj, parseOff, parsePly, writeGlb, writeObj, writeOff, writePly, type TriangleMesh } from '../src/index.js';
import { formatFloat32 } from '../src/format.js';

const bunny = createRequire(import.meta.url)('bunny') as { positions: number[][]; cells: number[][] };
const bunnyMesh: TriangleMesh = {
  positions: Float32Array.from(bunny.positions.flat()),
  indices: Uint32Array.from(bunny.cells.flat()),
};

function expectSame(a: TriangleMesh, b: TriangleMesh): void {
  expect(a.positions.length).toBe(b.positions.length);
  expect(a.indices).toEqual(b.indices);
  // Bit-exact: text writers print the shortest decimal that reads back as the same float32.
  expect(Buffer.from(a.positions.buffer, a.positions.byteOffset, a.positions.byteLength).equals(
    Buffer.from(b.positions.buffer, b.positions.byteOffset, b.positions.byteLength),
  )).toBe(true);
}

describe('writers round-trip the Stanford bunny', () => {
  it('has the expected size', () => {
    expect(bunnyMesh.positions.length / 3).toBe(1839);
    expect(bunnyMesh.indices.length / 3).toBe(3674);
  });

  it('PLY binary and ASCII', () => {
    const bin = writePly(bunnyMesh);
    expect(bin.length).toBeLessThan(writePly(bunnyMesh, { binary: false }).length);
    expectSame(parsePly(bin), bunnyMesh);
    expectSame(parsePly(writePly(bunnyMesh, { binary: false })), bunnyMesh);
    expectSame(parseMesh(bin, { source: 'b.ply' }), bunnyMesh);
  });

  it('OBJ and OFF', () => {
    expectSame(parseObj(writeObj(bunnyMesh)), bunnyMesh);
    expectSame(parseOff(writeOff(bunnyMesh)), bunnyMesh);
    expectSame(parseMesh(writeObj(bunnyMesh)), bunnyMesh);
  });

  it('normals survive PLY and OFF', () => {
    const normals = new Float32Array(bunnyMesh.positions.length);
    for (let i = 0; i < normals.length; i += 3) normals[i + 1] = i % 2 ? 1 : -1 / 3;
    const m = { ...bunnyMesh, normals };
    expect(parsePly(writePly(m)).normals).toEqual(normals);
    expect(parsePly(writePly(m, { binary: false })).normals).toEqual(normals);
    expect(parseOff(writeOff(m)).normals).toEqual(normals);
    expectSame(parseObj(writeObj(m)), bunnyMesh);
  });

  it('GLB (read back with glTF-Transform)', async () => {
    const glb = await writeGlb(bunnyMesh);
    expect(new TextDecoder().decode(glb.subarray(0, 4))).toBe('glTF');
    const doc = await new WebIO().readBinary(glb);
    const prim = doc.getRoot().listMeshes()[0].listPrimitives()[0];
    expect(prim.getAttribute('POSITION')!.getArray()).toEqual(bunnyMesh.positions);
    expect(Array.from(prim.getIndices()!.getArray()!)).toEqual(Array.from(bunnyMesh.indices));
    expect(prim.getAttribute('POSITION')!.getMin([])).toEqual(
      [0, 1, 2].map((k) => Math.min(...bunnyMesh.positions.filter((_, i) => i % 3 === k))),
    );
  });

  it('refuses to write broken meshes', async () => {
    const bad = { positions: new Float32Array([0, 0, 0, 1, NaN, 0, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]) };
    expect(() => writePly(bad)).toThrow(OnetIOError);
    expect(() => writeOff({ ...bunnyMesh, indices: new Uint32Array([0, 1, 99999]) })).toThrow(/refers to vertex 99999/);
    await expect(writeGlb(bad)).rejects.toBeInstanceOf(OnetIOError);
  });

  it('formats float32 as short exact text', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(1)).toBe('1');
    expect(formatFloat32(-0)).toBe('-0');
    expect(formatFloat32(Math.fround(8.7870654e-7))).toBe('8.7870654e-7');
    expect(formatFloat32(Math.fround(-1.6205061e25))).toBe('-1.6205061e+25');
    expect(formatFloat32(Math.fround(123456.5))).toBe('123456.5');
    // Every finite float32 bit pattern drawn reads back bit-exactly.
    const bits = new Uint32Array(20000);
    let seed = 3;
    for (let i = 0; i < bits.length; i++) bits[i] = seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const xs = new Float32Array(bits.buffer);
    const back = new Float32Array(xs.length);
    for (let i = 0; i < xs.length; i++) back[i] = Number.isFinite(xs[i]) ? Number(formatFloat32(xs[i])) : xs[i];
    const same = (i: number) => new Uint32Array(back.buffer)[i] === bits[i] || !Number.isFinite(xs[i]);
    expect(xs.every((_, i) => same(i))).toBe(true);
    for (const x of [Math.fround(Math.PI), Math.fround(1e-30), Math.fround(3.4e38), Math.fround(-123456.789)]) {
      expect(Math.fround(Number(formatFloat32(x)))).toBe(x);
    }
  });
});
