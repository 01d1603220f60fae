import { describe, expect, it } from 'vitest';
import { sharesWithin } from '../src/core.js';

/** The definition: (d <= t).mean() per threshold. */
function naive(d: Float64Array, ts: number[]): number[] {
  return ts.map((t) => Array.from(d).filter((x) => x <= t).length / d.length);
}

/** The implementation before counting passes: one sorted copy, a binary search per threshold. */
function sortedShares(d: Float64Array, ts: number[]): number[] {
  const sorted = d.slice().sort();
  return ts.map((t) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo / sorted.length;
  });
}

describe('sharesWithin', () => {
  it('counts distances equal to a threshold as within (≤), on a hand-made case', () => {
    const d = new Float64Array([0, 0.005, 0.01, 0.01, 0.0100001, 0.02, 0.5, 1]);
    expect(sharesWithin(d, [0.01])).toEqual([4 / 8]);
    expect(sharesWithin(d, [0, 0.01, 0.015, 0.02, 2])).toEqual([1 / 8, 4 / 8, 5 / 8, 6 / 8, 1]);
    expect(sharesWithin(d, [-1])).toEqual([0]);
  });

  it('gives exactly the sorted-copy shares for few (passes) and many (sort) thresholds, ties included', () => {
    let s = 12345;
    const rand = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    for (const n of [1, 7, 1000, 100_000]) {
      // distances on a coarse grid, so many of them tie with each other and with the thresholds
      const d = Float64Array.from({ length: n }, () => Math.round(rand() * 40) / 1000);
      const few = [0.01, 0.015, 0.02];
      const many = Array.from({ length: 41 }, (_, i) => i / 1000);
      for (const ts of [few, many, [0.02, 0.01], []]) {
        const got = sharesWithin(d, ts);
        expect(got).toEqual(sortedShares(d, ts));
        if (n <= 1000) expect(got).toEqual(naive(d, ts));
      }
    }
  });
});
