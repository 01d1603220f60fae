import { describe, expect, it } from 'vitest';
import {
  buildCaseTables,
  CASE_TRIANGLES,
  caseLoops,
  edgeCorners,
  shareFace,
  TRI_COUNT,
  TRI_EDGES,
  TRI_EDGES16,
  TRI_OFFSET,
  unpackCaseTables,
} from '../src/tables.js';

describe('case tables', () => {
  it('the stored tables are exactly the ones the rule builds', () => {
    const built = buildCaseTables();
    const packed = Array.from({ length: 256 }, (_, c) =>
      Array.from(built.edges.subarray(built.offsets[c]!, built.offsets[c + 1]!), (e) => e.toString(16)).join(''),
    ).join(',');
    // on a change of the rule, paste the printed string into CASE_TRIANGLES
    expect(CASE_TRIANGLES, `CASE_TRIANGLES should be:\n${packed}`).toBe(packed);
    expect(TRI_OFFSET).toEqual(built.offsets);
    expect(TRI_EDGES).toEqual(built.edges);
    expect(TRI_COUNT).toEqual(built.counts);
    expect(built.edges.length).toBe(2460);
  });

  it('unpackCaseTables rejects a string without 256 cases', () => {
    expect(() => unpackCaseTables('012,345')).toThrow(/2 cases, expected 256/);
  });

  it('has 256 cases; the empty and full cases have no triangles, the rest use exactly their crossed edges', () => {
    expect(TRI_OFFSET.length).toBe(257);
    expect(TRI_COUNT[0]).toBe(0);
    expect(TRI_COUNT[255]).toBe(0);
    for (let cfg = 0; cfg < 256; cfg++) {
      const crossed = new Set<number>();
      for (let e = 0; e < 12; e++) {
        const [a, b] = edgeCorners(e);
        if (((cfg >> a) & 1) !== ((cfg >> b) & 1)) crossed.add(e);
      }
      const used = new Set(TRI_EDGES.subarray(TRI_OFFSET[cfg]!, TRI_OFFSET[cfg + 1]!));
      expect([...used].sort()).toEqual([...crossed].sort());
      // triangles = Σ (loop length − 2)
      const loops = caseLoops(cfg);
      expect(TRI_COUNT[cfg]).toBe(loops.reduce((s, l) => s + l.length - 2, 0));
    }
  });

  it('never joins two edges of one cell face by an interior diagonal, and each triangle edge is a loop side or used twice', () => {
    for (let cfg = 0; cfg < 256; cfg++) {
      const loops = caseLoops(cfg);
      const sides = new Set<string>();
      for (const l of loops) for (let m = 0; m < l.length; m++) sides.add(`${l[m]}>${l[(m + 1) % l.length]}`);
      const directed = new Map<string, number>();
      const tri = TRI_EDGES.subarray(TRI_OFFSET[cfg]!, TRI_OFFSET[cfg + 1]!);
      for (let t = 0; t < tri.length; t += 3) {
        for (let m = 0; m < 3; m++) {
          const a = tri[t + m]!;
          const b = tri[t + ((m + 1) % 3)]!;
          directed.set(`${a}>${b}`, (directed.get(`${a}>${b}`) ?? 0) + 1);
        }
      }
      for (const [key, n] of directed) {
        expect(n).toBe(1);
        if (sides.has(key)) continue;
        // an interior diagonal: its reverse is in the neighbouring triangle, and it never lies on a face
        const [a, b] = key.split('>').map(Number) as [number, number];
        expect(directed.get(`${b}>${a}`)).toBe(1);
        expect(shareFace(a, b)).toBe(false);
      }
      // every loop side is used, in the loop's direction
      for (const s of sides) expect(directed.get(s)).toBe(1);
    }
  });

  it('resolves ambiguous faces by connecting inside corners (case 0b0101 on the z = 0 face: one quad-strip, not two corners)', () => {
    // corners 0 (0,0,0) and 3 (1,1,0) inside: diagonal on the z = 0 face
    const cfg = (1 << 0) | (1 << 3);
    const loops = caseLoops(cfg);
    expect(loops).toHaveLength(1);
    expect(loops[0]).toHaveLength(6);
    expect(caseLoops(cfg, true)).toHaveLength(2);
  });

  it('the stride-16 table holds each case\'s edge list, zeros after it, and its index count in slot 15', () => {
    expect(TRI_EDGES16.length).toBe(256 * 16);
    for (let cfg = 0; cfg < 256; cfg++) {
      const n = TRI_OFFSET[cfg + 1]! - TRI_OFFSET[cfg]!;
      expect(n).toBeLessThanOrEqual(15);
      expect(TRI_EDGES16[16 * cfg + 15]).toBe(3 * TRI_COUNT[cfg]!);
      expect([...TRI_EDGES16.subarray(16 * cfg, 16 * cfg + n)]).toEqual([...TRI_EDGES.subarray(TRI_OFFSET[cfg]!, TRI_OFFSET[cfg + 1]!)]);
      expect(TRI_EDGES16.subarray(16 * cfg + n, 16 * cfg + 15).every((e) => e === 0)).toBe(true);
    }
  });
});
