import { expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir, describeLarge } from '@onet/test-utils';
import { parseMesh } from '../src/index.js';
import { isClosedOriented } from './helpers.js';

describeLarge('OFF: every CGAL mesh of data/', 'meshes', () => {
  it('reads all 35 closed meshes of data/meshes: header counts, closed and consistently oriented', () => {
    const meshesDir = dataDir('meshes');
    const files = readdirSync(meshesDir).filter((f) => f.endsWith('.off'));
    expect(files.length).toBe(35);
    for (const f of files) {
      const bytes = readFileSync(join(meshesDir, f));
      const m = parseMesh(bytes, { source: f });
      // Independent check of the vertex count: the first two integers after the OFF keyword.
      const header = /OFF\s+(\d+)\s+(\d+)/.exec(new TextDecoder().decode(bytes))!;
      expect(m.positions.length / 3, f).toBe(Number(header[1]));
      const triangles = m.indices.length / 3;
      if (f === '3torus.off') expect(triangles).toBe(46); // 23 quads
      else if (f === 'double-torus-example.off') expect(triangles).toBe(466); // 220 polygons
      else expect(triangles, f).toBe(Number(header[2]));
      expect(isClosedOriented(m), f).toBe(true);
      expect(m.positions.every(Number.isFinite)).toBe(true);
    }
  });

  it('reads all open meshes of data/meshes-open, including CGAL comment headers', () => {
    const openDir = dataDir('meshes-open');
    const shuffled = parseMesh(readFileSync(join(openDir, 'cube-shuffled.off')));
    expect(shuffled.indices.length).toBe(36);
    expect(Array.from(shuffled.positions.slice(3, 6))).toEqual([-1, 1, -1]);
    const files = readdirSync(openDir).filter((f) => f.endsWith('.off'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const m = parseMesh(readFileSync(join(openDir, f)), { source: f });
      expect(m.indices.length, f).toBeGreaterThan(0);
      expect(Math.max(...m.indices)).toBeLessThan(m.positions.length / 3);
    }
  });
});

