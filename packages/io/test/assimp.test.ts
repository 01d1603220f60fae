import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OnetIOError, parseGlb, parseMesh, parsePointCloud } from '../src/index.js';

const dir = '/usr/share/assimp/models';
const ours = /\.(off|obj|ply|stl)$/i;

/** Every file of our formats (plus the extension-less `formatDetection` samples of OFF and STL). */
function files(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (ours.test(f) || (f === 'formatDetection' && /\/(OFF|STL)$/.test(d))) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Parse; return 'ok' for a finite mesh, the error code for an OnetIOError; any other error fails. */
function outcome(fn: () => { positions?: Float32Array; points?: Float32Array; indices?: Uint32Array }): string {
  try {
    const m = fn();
    const p = (m.positions ?? m.points)!;
    expect(p.length).toBeGreaterThan(0);
    expect(p.every(Number.isFinite)).toBe(true);
    if (m.indices) {
      expect(m.indices.length % 3).toBe(0);
      expect(m.indices.every((i) => i < p.length / 3)).toBe(true);
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof OnetIOError)) throw e;
    expect(e.source).not.toBe('<buffer>');
    return e.code;
  }
}

describe.skipIf(!existsSync(dir))(
  'assimp test models (Debian assimp-testmodels; skipped: /usr/share/assimp/models is absent — `apt-get install assimp-testmodels`)',
  () => {
    it('every OFF/OBJ/PLY/STL file parses to a finite mesh or throws OnetIOError', () => {
      const results = Object.fromEntries(files().map((p) => [p.slice(dir.length + 1), outcome(() => parseMesh(readFileSync(p), { source: p }))]));
      expect(Object.keys(results).length).toBeGreaterThanOrEqual(40);
      // Known answers: real models parse, broken ones get the right code.
      expect(results['OFF/Cube.off']).toBe('ok');
      expect(results['OFF/formatDetection']).toBe('ok');
      expect(results['PLY/cube_binary.ply']).toBe('ok');
      expect(results['STL/Spider_binary.stl']).toBe('ok');
      expect(results['STL/Spider_ascii.stl']).toBe('ok');
      expect(results['OBJ/spider.obj']).toBe('ok');
      expect(results['OBJ/box_UTF16BE.obj']).toBe('UNSUPPORTED_FORMAT');
      expect(results['OBJ/testpoints.obj']).toBe('EMPTY');
      expect(results['invalid/OutOfMemory.off']).toBe('TOO_LARGE');
      expect(results['invalid/empty.off']).toBe('EMPTY');
      expect(results['invalid/empty.obj']).toBe('EMPTY');
      expect(results['invalid/empty.ply']).toBe('EMPTY');
      expect(results['invalid/malformed.obj']).toBe('INDEX_OUT_OF_RANGE');
      expect(results['OFF/invalid.off']).toBe('PARSE_ERROR');
      expect(results['PLY/pond.0.ply']).toBe('TRUNCATED');
      const ok = Object.values(results).filter((r) => r === 'ok').length;
      expect(ok).toBeGreaterThanOrEqual(30);
    });

    it('the same meshes agree across formats (Spider ASCII vs binary STL, Wuson OBJ/STL)', () => {
      const a = parseMesh(readFileSync(join(dir, 'STL/Spider_ascii.stl')));
      const b = parseMesh(readFileSync(join(dir, 'STL/Spider_binary.stl')));
      expect(a.indices.length).toBe(b.indices.length);
      expect(Math.max(...a.positions.map((x, i) => Math.abs(x - b.positions[i])))).toBeLessThan(1e-3);
      expect(parseMesh(readFileSync(join(dir, 'OBJ/WusonOBJ.obj'))).indices.length / 3).toBe(3732);
      expect(parseMesh(readFileSync(join(dir, 'STL/Wuson.stl'))).indices.length / 3).toBe(3732);
    });

    it('PLY and OBJ point clouds read with parsePointCloud', () => {
      const pts = parsePointCloud(readFileSync(join(dir, 'PLY/points.ply')), { source: 'points.ply' });
      expect(pts.points.length).toBe(12);
      expect(pts.normals!.length).toBe(12);
      const objPts = parsePointCloud(readFileSync(join(dir, 'OBJ/testpoints.obj')), { source: 'testpoints.obj' });
      expect(objPts.points.length).toBeGreaterThan(0);
      for (const f of readdirSync(join(dir, 'PLY'))) {
        const p = join(dir, 'PLY', f);
        outcome(() => parsePointCloud(readFileSync(p), { source: p }));
      }
    });

    it('truncated and corrupted copies never throw anything but OnetIOError', () => {
      let seed = 12345;
      const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const picks = ['OFF/Cube.off', 'PLY/cube.ply', 'PLY/cube_binary.ply', 'PLY/float-color.ply', 'STL/triangle.stl', 'OBJ/box.obj', 'STL/formatDetection'];
      for (const f of picks) {
        const bytes = readFileSync(join(dir, f));
        for (let trial = 0; trial < 60; trial++) {
          const copy = new Uint8Array(bytes.subarray(0, 1 + Math.floor(rand() * bytes.length)));
          for (let k = 0; k < 3 && trial % 2 === 1; k++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
          outcome(() => parseMesh(copy, { source: `${f}#${trial}` }));
        }
      }
    });
  
    it('every GLB parses to a finite mesh or rejects with OnetIOError (also when truncated)', async () => {
      const glbs: string[] = [];
      const walk = (d: string) => {
        for (const f of readdirSync(d)) {
          const p = join(d, f);
          if (statSync(p).isDirectory()) walk(p);
          else if (/\.glb$/i.test(f)) glbs.push(p);
        }
      };
      walk(dir);
      expect(glbs.length).toBeGreaterThanOrEqual(3);
      const results: Record<string, string> = {};
      for (const p of glbs) {
        const bytes = readFileSync(p);
        try {
          const m = await parseGlb(bytes, { source: p });
          expect(m.positions.every(Number.isFinite)).toBe(true);
          results[p.slice(dir.length + 1)] = 'ok';
        } catch (e) {
          if (!(e instanceof OnetIOError)) throw e;
          results[p.slice(dir.length + 1)] = e.code;
        }
        for (const cut of [12, 20, 100, Math.floor(bytes.length / 2), bytes.length - 1]) {
          await parseGlb(bytes.subarray(0, cut), { source: p }).then(
            () => undefined,
            (e) => expect(e).toBeInstanceOf(OnetIOError),
          );
        }
      }
      expect(results['glTF2/BoxTextured-glTF-Binary/BoxTextured.glb']).toBe('ok');
      expect(results['glTF2/BoxWithInfinites-glTF-Binary/BoxWithInfinites.glb']).toBe('NON_FINITE');
    });
  },
);
