import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseMesh, type TriangleMesh } from '@onet/io';
import { dataDir, describeLarge } from '@onet/test-utils';
import { contains, normalizeMesh, sampleUniformPoints } from '../src/index.js';

/** Points per data mesh for the (slower) tree-only path. */
const N_TREE = 10_000;

describeLarge('contains on every CGAL mesh of data/', 'meshes', () => {
  const load = (rel: string): TriangleMesh => parseMesh(new Uint8Array(readFileSync(join(dataDir('meshes'), '..', rel))), { source: rel });

  it('agrees with the reference ray parity on every closed data mesh (≥ 99.9 %)', () => {
    const files = readdirSync(dataDir('meshes')).filter((f) => f.endsWith('.off'));
    expect(files.length).toBeGreaterThanOrEqual(35);
    const pts = sampleUniformPoints(100_000, { seed: 5 });
    const few = pts.subarray(0, 3 * N_TREE);
    const rates: Record<string, number> = {};
    const treeRates: Record<string, number> = {};
    for (const f of files) {
      const mesh = normalizeMesh(load('meshes/' + f)).mesh;
      const a = contains(mesh, pts); // closed → exact signed ray crossings (tree where rays graze edges)
      const b = contains(mesh, pts, { method: 'ray-parity' });
      const c = contains(mesh, few, { rayCastClosed: false }); // the fast-winding tree alone
      let same = 0, inside = 0, treeSame = 0;
      for (let i = 0; i < a.length; i++) {
        same += a[i] === b[i] ? 1 : 0;
        inside += a[i];
      }
      for (let i = 0; i < c.length; i++) treeSame += c[i] === b[i] ? 1 : 0;
      rates[f] = same / a.length;
      treeRates[f] = treeSame / c.length;
      expect(inside, f).toBeGreaterThan(0);
    }
    for (const [f, rate] of Object.entries(rates)) expect(rate, f).toBeGreaterThanOrEqual(0.999);
    for (const [f, rate] of Object.entries(treeRates)) expect(rate, `${f} (tree)`).toBeGreaterThanOrEqual(0.999);
  });

});
