import { describe, expect, it } from 'vitest';
import type { TriangleMesh } from '@onet/io';
import { concatMeshes, contains, containsWithDiagnostics, icosphere, windingNumbers } from '../src/index.js';

/** An open n×n square sheet at height z, `size` wide, centred on the z axis. */
function sheet(n: number, z: number, size: number): TriangleMesh {
  const pos: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i <= n; i++) for (let j = 0; j <= n; j++) pos.push(size * (i / n - 0.5), size * (j / n - 0.5), z);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = i * (n + 1) + j;
      idx.push(a, a + n + 1, a + 1, a + 1, a + n + 1, a + n + 2);
    }
  }
  return { positions: Float32Array.from(pos), indices: Uint32Array.from(idx) };
}

/** mulberry32 */
function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('winding numbers near ½', () => {
  it('points within 1e-4 of an open sheet beside a closed sphere get the exact side', () => {
    const mesh = concatMeshes([icosphere(4, 0.3), sheet(60, 0, 1)]);
    const r = rng(7);
    const n = 3000;
    const pts = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) pts.set([r() - 0.5, r() - 0.5, (r() < 0.5 ? -1 : 1) * 1e-4 * r()], 3 * i);
    const exact = contains(mesh, pts, { beta: Infinity, orientation: 'as-is' });
    const fast = contains(mesh, pts, { orientation: 'as-is' });
    let differ = 0;
    for (let i = 0; i < n; i++) differ += fast[i] !== exact[i] ? 1 : 0;
    // Before the fallback about a third of these points (w ≈ 0.4999 exact, 0.5004–0.5016 fast) came out inside.
    expect(differ).toBe(0);
    // The far field is still used away from ½: values there differ from the exact ones, but not their side.
    const wf = windingNumbers(mesh, pts);
    const we = windingNumbers(mesh, pts, { beta: Infinity });
    let maxErr = 0;
    for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(wf[i] - we[i]));
    expect(maxErr).toBeGreaterThan(1e-6);
    const { diagnostics } = containsWithDiagnostics(mesh, pts, { orientation: 'as-is' });
    expect(diagnostics.refinedNearHalf).toBeGreaterThan(n / 4);
    expect(diagnostics.exactNearHalf).toBeGreaterThan(0);
  });
});
