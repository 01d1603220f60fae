import { describe, expect, it } from 'vitest';
import {
  chamferDistanceMatrix,
  coverage,
  generativeMetrics,
  minimumMatchingDistance,
  MetricsError,
  oneNearestNeighborAccuracy,
} from '@onet/metrics';

/** One-point "shapes" on the x axis: CD(x, y) = 2 (x − y)². */
const at = (...xs: number[]) => xs.map((x) => new Float32Array([x, 0, 0]));

describe('chamferDistanceMatrix', () => {
  it('sums the two directions of mean squared nearest distances', () => {
    // X = {(0,0,0), (1,0,0)}, Y = {(0,0,0)}: X→Y mean d² = (0 + 1)/2, Y→X = 0 → 0.5
    const d = chamferDistanceMatrix([new Float32Array([0, 0, 0, 1, 0, 0])], [new Float32Array([0, 0, 0])]);
    expect(d.rows).toBe(1);
    expect(d.cols).toBe(1);
    expect(d.data[0]).toBeCloseTo(0.5, 12);
  });
  it('is symmetric with a zero diagonal against itself', () => {
    const d = chamferDistanceMatrix(at(0, 1, 3));
    expect(Array.from(d.data)).toEqual([0, 2, 18, 2, 0, 8, 18, 8, 0]);
  });
  it('rejects an empty shape with a coded error', () => {
    expect(() => chamferDistanceMatrix([new Float32Array(0)])).toThrow(MetricsError);
    try {
      chamferDistanceMatrix([], at(1));
    } catch (e) {
      expect((e as MetricsError).code).toBe('EMPTY');
    }
  });
});

describe('COV, MMD, 1-NNA on a hand-computed set', () => {
  // generated at x = 0, 1; reference at x = 0.2, 3, 4
  const G = at(0, 1);
  const R = at(0.2, 3, 4);
  const gr = chamferDistanceMatrix(G, R);
  it('distances', () => {
    const want = [0.08, 18, 32, 1.28, 8, 18];
    want.forEach((w, i) => expect(gr.data[i]).toBeCloseTo(w, 5));
  });
  it('coverage: both samples match the reference at 0.2 → 1/3', () => {
    expect(coverage(gr)).toBeCloseTo(1 / 3, 12);
  });
  it('MMD: column minima 0.08, 8, 18 → 26.08 / 3', () => {
    expect(minimumMatchingDistance(gr)).toBeCloseTo(26.08 / 3, 5);
  });
  it('1-NNA: only the references at 3 and 4 find their own set → 2/5', () => {
    expect(oneNearestNeighborAccuracy(chamferDistanceMatrix(G), gr, chamferDistanceMatrix(R))).toBeCloseTo(0.4, 12);
    expect(generativeMetrics(G, R)).toEqual({ coverage: 1 / 3, minimumMatchingDistance: minimumMatchingDistance(gr), oneNearestNeighborAccuracy: 0.4 });
  });
  it('two far-apart clusters: 1-NNA 1, coverage 1/|R|', () => {
    const m = generativeMetrics(at(0, 0.1, 0.2), at(10, 10.1, 10.2));
    expect(m.oneNearestNeighborAccuracy).toBe(1);
    expect(m.coverage).toBeCloseTo(1 / 3, 12);
    expect(m.minimumMatchingDistance).toBeCloseTo((2 * 9.8 ** 2 + 2 * 9.9 ** 2 + 2 * 10 ** 2) / 3, 3);
  });
  it('a copy of the reference: COV 1, MMD 0, 1-NNA 0 (every neighbour is the twin)', () => {
    const m = generativeMetrics(at(0, 1, 5), at(0, 1, 5));
    expect(m).toEqual({ coverage: 1, minimumMatchingDistance: 0, oneNearestNeighborAccuracy: 0 });
  });
  it('rejects mismatched matrices', () => {
    expect(() => oneNearestNeighborAccuracy(chamferDistanceMatrix(R), gr, chamferDistanceMatrix(R))).toThrow(/SHAPE_MISMATCH|gg 2×2/);
  });
});
