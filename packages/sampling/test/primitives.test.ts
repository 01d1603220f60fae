import { describe, expect, it } from 'vitest';
import { box, cylinder, icosphere, signedVolume, torus, SamplingError } from '../src/index.js';
import { isClosedOriented } from './helpers.js';

describe('primitives', () => {
  it('box: closed, outward, exact volume and bounds', () => {
    const m = box([1, 2, 3], [1, 0, -1]);
    expect(isClosedOriented(m)).toBe(true);
    expect(m.indices.length).toBe(36);
    expect(signedVolume(m)).toBeCloseTo(6, 6);
    expect(Math.min(...m.positions.filter((_, i) => i % 3 === 1))).toBe(-1);
    expect(signedVolume(box(1))).toBeCloseTo(1, 10);
  });

  it('icosphere: closed, outward, counts, on the sphere, volume → 4/3πr³', () => {
    const m = icosphere(4, 0.5, [0.1, 0.2, 0.3]);
    expect(m.indices.length / 3).toBe(20 * 4 ** 4);
    expect(m.positions.length / 3).toBe(10 * 4 ** 4 + 2);
    expect(isClosedOriented(m)).toBe(true);
    for (let i = 0; i < m.positions.length; i += 3) {
      const r = Math.hypot(m.positions[i] - 0.1, m.positions[i + 1] - 0.2, m.positions[i + 2] - 0.3);
      expect(Math.abs(r - 0.5)).toBeLessThan(1e-6);
    }
    const v = signedVolume(m);
    expect(v / ((4 / 3) * Math.PI * 0.125)).toBeGreaterThan(0.99);
    expect(v / ((4 / 3) * Math.PI * 0.125)).toBeLessThan(1);
    expect(signedVolume(icosphere(0))).toBeGreaterThan(0);
  });

  it('cylinder: closed, outward, volume → πr²h', () => {
    const m = cylinder(0.3, 0.8, 256);
    expect(isClosedOriented(m)).toBe(true);
    expect(signedVolume(m) / (Math.PI * 0.09 * 0.8)).toBeCloseTo(1, 3);
  });

  it('torus: closed, outward, volume → 2π²Rr²', () => {
    const m = torus(0.35, 0.1, 128, 64);
    expect(isClosedOriented(m)).toBe(true);
    expect(m.indices.length / 3).toBe(2 * 128 * 64);
    const ratio = signedVolume(m) / (2 * Math.PI ** 2 * 0.35 * 0.01);
    expect(ratio).toBeGreaterThan(0.99);
    expect(ratio).toBeLessThan(1);
  });

  it('rejects bad parameters', () => {
    expect(() => icosphere(-1)).toThrow(SamplingError);
    expect(() => icosphere(2, 0)).toThrow(SamplingError);
    expect(() => box([1, NaN, 1])).toThrow(SamplingError);
    expect(() => cylinder(1, 1, 2)).toThrow(SamplingError);
    expect(() => torus(0.1, 0.2)).toThrow(/r < R/);
  });
});
