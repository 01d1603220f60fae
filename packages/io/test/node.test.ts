import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMesh, readNpz, readPointCloud, writeMesh } from '../src/node.js';
import { OnetIOError, writeNpz, writeXyz, type TriangleMesh } from '../src/index.js';

const tet: TriangleMesh = {
  positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
  indices: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
};

const corners = (m: TriangleMesh) => Array.from(m.indices, (i) => Array.from(m.positions.subarray(i * 3, i * 3 + 3)));

describe('@onet/io/node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onet-io-'));

  it('writeMesh → readMesh for .ply .obj .off .stl .glb gives the same tetrahedron', async () => {
    for (const ext of ['ply', 'obj', 'off', 'stl', 'PLY']) {
      const p = join(dir, 'sub', `tet.${ext}`);
      await writeMesh(p, tet);
      const back = await readMesh(p);
      // STL stores corners, so vertices come back in first-use order: compare triangle corner coordinates.
      expect(corners(back), ext).toEqual(corners(tet));
      if (ext !== 'stl') expect(back.indices, ext).toEqual(tet.indices);
    }
    await writeMesh(join(dir, 'tet.glb'), tet);
    expect(readFileSync(join(dir, 'tet.glb')).subarray(0, 4).toString()).toBe('glTF');
    expect(await readMesh(join(dir, 'tet.glb'))).toEqual(tet);
    // No temporary files are left behind.
    expect(readdirSync(join(dir, 'sub')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reads point clouds and npz; typed errors for missing files and unknown extensions', async () => {
    const points = new Float32Array([1, 2, 3, 4, 5, 6]);
    await writeMesh(join(dir, 'x.ply'), tet, { binary: false });
    expect((await readPointCloud(join(dir, 'x.ply'))).points).toEqual(tet.positions);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'p.xyz'), writeXyz({ points }));
    expect((await readPointCloud(join(dir, 'p.xyz'))).points).toEqual(points);
    writeFileSync(join(dir, 'a.npz'), writeNpz({ points: { data: points, shape: [2, 3] } }));
    expect((await readNpz(join(dir, 'a.npz'))).get('points')!.shape).toEqual([2, 3]);
    expect((await readPointCloud(join(dir, 'a.npz'))).points).toEqual(points);
    await expect(readMesh(join(dir, 'missing.off'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(writeMesh(join(dir, 'a.fbx'), tet)).rejects.toBeInstanceOf(OnetIOError);
  });
});
