import { describe, expect, it } from 'vitest';
import { BoxGeometry, BufferAttribute, BufferGeometry, InterleavedBuffer, InterleavedBufferAttribute } from 'three';
import { parseMesh, OnetIOError, type TriangleMesh } from '@onet/io';
import { fromBufferGeometry, toBufferGeometry } from '@onet/io/three';

const quad = (): TriangleMesh =>
  parseMesh(new TextEncoder().encode('OFF\n4 1 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3\n'), { source: 'square.off' });

describe('@onet/io/three', () => {
  it('toBufferGeometry shares the typed arrays and adds normals only when the mesh has them', () => {
    const mesh = quad();
    const g = toBufferGeometry(mesh);
    expect(g.getAttribute('position').array).toBe(mesh.positions);
    expect(g.getAttribute('position').itemSize).toBe(3);
    expect(g.getIndex()!.array).toBe(mesh.indices);
    expect(Array.from(g.getIndex()!.array)).toEqual([0, 1, 2, 0, 2, 3]);
    expect(g.getAttribute('normal')).toBeUndefined();
    const normals = new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    const withNormals = toBufferGeometry({ ...mesh, normals });
    expect(withNormals.getAttribute('normal').array).toBe(normals);
    withNormals.computeBoundingBox();
    expect(withNormals.boundingBox!.max.toArray()).toEqual([1, 1, 0]);
  });

  it('round-trips a mesh exactly, as copies', () => {
    const mesh = { ...quad(), normals: new Float32Array(12).fill(0.5) };
    const back = fromBufferGeometry(toBufferGeometry(mesh));
    expect(back.positions).toEqual(mesh.positions);
    expect(back.indices).toEqual(mesh.indices);
    expect(back.normals).toEqual(mesh.normals);
    expect(back.positions).not.toBe(mesh.positions);
    expect(back.indices).toBeInstanceOf(Uint32Array);
  });

  it('reads a three.js primitive (indexed, 16-bit index, normals) with the expected counts', () => {
    const box = new BoxGeometry(2, 1, 1); // 6 faces × 4 vertices, 12 triangles
    const mesh = fromBufferGeometry(box);
    expect(mesh.positions.length).toBe(24 * 3);
    expect(mesh.indices.length).toBe(12 * 3);
    expect(Math.max(...mesh.positions.filter((_, i) => i % 3 === 0))).toBe(1);
    expect(mesh.normals!.length).toBe(24 * 3);
  });

  it('indexes a non-indexed geometry 0, 1, 2, … and reads interleaved attributes', () => {
    const data = new Float32Array([0, 0, 0, 9, 1, 0, 0, 9, 0, 1, 0, 9]); // x y z + a padding float
    const g = new BufferGeometry();
    g.setAttribute('position', new InterleavedBufferAttribute(new InterleavedBuffer(data, 4), 3, 0));
    const mesh = fromBufferGeometry(g);
    expect(Array.from(mesh.positions)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(mesh.indices)).toEqual([0, 1, 2]);
    expect(mesh.normals).toBeUndefined();
  });

  it('bad input is an OnetIOError with a code', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(OnetIOError);
        return (e as OnetIOError).code;
      }
      return 'no error';
    };
    expect(code(() => fromBufferGeometry(new BufferGeometry()))).toBe('EMPTY');
    const two = new BufferGeometry();
    two.setAttribute('position', new BufferAttribute(new Float32Array(6), 2));
    expect(code(() => fromBufferGeometry(two))).toBe('PARSE_ERROR');
    const lines = new BufferGeometry();
    lines.setAttribute('position', new BufferAttribute(new Float32Array(12), 3));
    expect(code(() => fromBufferGeometry(lines))).toBe('PARSE_ERROR'); // 4 vertices, no index: not triangles
    const far = new BufferGeometry();
    far.setAttribute('position', new BufferAttribute(new Float32Array(9), 3));
    far.setIndex([0, 1, 5]);
    expect(code(() => fromBufferGeometry(far))).toBe('INDEX_OUT_OF_RANGE');
    const nan = new BufferGeometry();
    nan.setAttribute('position', new BufferAttribute(new Float32Array([0, 0, 0, 1, 0, 0, 0, NaN, 0]), 3));
    expect(code(() => fromBufferGeometry(nan))).toBe('NON_FINITE');
    const m = quad();
    expect(code(() => toBufferGeometry({ ...m, indices: new Uint32Array([0, 1, 4]) }))).toBe('INDEX_OUT_OF_RANGE');
    expect(code(() => toBufferGeometry({ ...m, normals: new Float32Array(3) }))).toBe('PARSE_ERROR');
    expect(code(() => toBufferGeometry({ ...m, positions: new Float32Array(4) }))).toBe('PARSE_ERROR');
  });
});
