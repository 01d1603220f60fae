import { describe, expect, it } from 'vitest';
import { createRng, shuffle, SamplingError } from '../src/index.js';
import { detLog } from '../src/rng.js';
import { mean, std } from './helpers.js';

describe('createRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const xa = Array.from({ length: 8 }, () => a.next());
    const xb = Array.from({ length: 8 }, () => b.next());
    const xc = Array.from({ length: 8 }, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('reproduces pinned values (same stream on every platform)', () => {
    const r = createRng(0);
    const u = [r.uint32(), r.uint32(), r.uint32()];
    const n = [r.normal(), r.normal()];
    expect(u).toEqual(PINNED_U);
    expect(n[0]).toBe(PINNED_N[0]);
    expect(n[1]).toBe(PINNED_N[1]);
  });

  it('next() is uniform on [0,1) and normal() is N(0,1)', () => {
    const r = createRng(7);
    const u = Float64Array.from({ length: 100_000 }, () => r.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    expect(std(u) ** 2).toBeCloseTo(1 / 12, 3);
    const z = Float64Array.from({ length: 100_000 }, () => r.normal());
    expect(Math.abs(mean(z))).toBeLessThan(0.015);
    expect(std(z)).toBeGreaterThan(0.99);
    expect(std(z)).toBeLessThan(1.01);
    // tail mass beyond 2σ ≈ 4.55 %
    const tail = z.filter((x) => Math.abs(x) > 2).length / z.length;
    expect(tail).toBeGreaterThan(0.042);
    expect(tail).toBeLessThan(0.049);
  });

  it('int(n) covers [0, n) evenly', () => {
    const r = createRng(3);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50_000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('detLog matches Math.log to 1 ulp-ish', () => {
    for (const x of [1e-300, 1e-10, 0.001, 0.3, 0.5, 0.7071, 1, 1.5, 2, 10, 12345.678, 1e200]) {
      expect(Math.abs(detLog(x) - Math.log(x))).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(Math.log(x))));
    }
  });

  it('rejects bad seeds', () => {
    expect(() => createRng(NaN)).toThrow(SamplingError);
  });

  it('shuffle is a deterministic permutation', () => {
    const a = shuffle(Array.from({ length: 100 }, (_, i) => i), createRng(1));
    const b = shuffle(Array.from({ length: 100 }, (_, i) => i), createRng(1));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

const PINNED_U = [591558436, 2737234123, 107644106];
const PINNED_N = [-1.729347790354892, 0.7531927534595555];
