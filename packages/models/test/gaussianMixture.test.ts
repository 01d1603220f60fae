import { describe, expect, it } from 'vitest';
import { createRng } from '@onet/sampling';
import { PipelineError } from '@onet/model';
import { fitGaussianMixture, gaussianMixtureLogLikelihood, sampleGaussianMixture } from '../scripts/gaussianMixture.js';

/** n codes from N(mean, L·Lᵀ) in 2-D, seeded. */
function draw(n: number, mean: [number, number], L: [[number, number], [number, number]], seed: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const a = rng.normal(),
      b = rng.normal();
    return Float32Array.of(mean[0] + L[0][0] * a, mean[1] + L[1][0] * a + L[1][1] * b);
  });
}

describe('fitGaussianMixture', () => {
  it('one component: the codes’ mean and (biased) covariance, plus the relative regularisation', () => {
    const codes = [Float32Array.of(0, 0), Float32Array.of(2, 0), Float32Array.of(0, 2), Float32Array.of(2, 2)];
    // mean (1, 1); covariance diag(1, 1) (divided by N); mean variance 1 → + 1e-3
    const [c] = fitGaussianMixture(codes, 1);
    expect(c.weight).toBe(1);
    expect(c.mean).toEqual([1, 1]);
    expect(c.scale[0][0]).toBeCloseTo(Math.sqrt(1.001), 12);
    expect(c.scale[1][0]).toBeCloseTo(0, 12);
    expect(c.scale[1][1]).toBeCloseTo(Math.sqrt(1.001), 12);
  });

  it('recovers two separated Gaussians: weights, means and covariances', () => {
    const a = draw(
      1500,
      [-3, 0],
      [
        [0.5, 0],
        [0.2, 0.3],
      ],
      1,
    ); // covariance [[0.25, 0.1], [0.1, 0.13]]
    const b = draw(
      500,
      [3, 1],
      [
        [0.2, 0],
        [0, 0.8],
      ],
      2,
    ); // covariance diag(0.04, 0.64)
    const mix = fitGaussianMixture([...a, ...b], 2, { seed: 3 });
    expect(mix[0].weight).toBeCloseTo(0.75, 2); // largest first
    expect(mix[1].weight).toBeCloseTo(0.25, 2);
    const [ca, cb] = mix;
    expect(ca.mean[0]).toBeCloseTo(-3, 1);
    expect(ca.mean[1]).toBeCloseTo(0, 1);
    expect(cb.mean[0]).toBeCloseTo(3, 1);
    expect(cb.mean[1]).toBeCloseTo(1, 1);
    const cov = (s: number[][]) => [s[0][0] ** 2, s[1][0] * s[0][0], s[1][0] ** 2 + s[1][1] ** 2];
    const [a00, a10, a11] = cov(ca.scale);
    expect(a00).toBeCloseTo(0.25, 1);
    expect(a10).toBeCloseTo(0.1, 1);
    expect(a11).toBeCloseTo(0.13, 1);
    const [b00, b10, b11] = cov(cb.scale);
    expect(b00).toBeCloseTo(0.04, 1);
    expect(b10).toBeCloseTo(0, 1);
    expect(b11).toBeCloseTo(0.64, 1);
    // the mixture explains the data better than one Gaussian
    const one = fitGaussianMixture([...a, ...b], 1);
    expect(gaussianMixtureLogLikelihood(mix, [...a, ...b])).toBeGreaterThan(gaussianMixtureLogLikelihood(one, [...a, ...b]) + 1);
  });

  it('is seeded: the same seed gives the same mixture', () => {
    const codes = draw(
      300,
      [0, 0],
      [
        [1, 0],
        [0, 1],
      ],
      5,
    );
    expect(fitGaussianMixture(codes, 3, { seed: 9 })).toEqual(fitGaussianMixture(codes, 3, { seed: 9 }));
  });

  it('rejects bad input with typed errors', () => {
    const codes = draw(
      10,
      [0, 0],
      [
        [1, 0],
        [0, 1],
      ],
      5,
    );
    expect(() => fitGaussianMixture([], 1)).toThrow(expect.objectContaining({ name: 'PipelineError', code: 'EMPTY_INPUT' }));
    expect(() => fitGaussianMixture(codes, 11)).toThrow(expect.objectContaining({ name: 'PipelineError', code: 'INVALID_OPTION' }));
    expect(() => fitGaussianMixture(codes, 0)).toThrow(expect.objectContaining({ name: 'PipelineError', code: 'INVALID_OPTION' }));
    expect(() => fitGaussianMixture([...codes, Float32Array.of(1)], 2)).toThrow(expect.objectContaining({ name: 'PipelineError', code: 'INVALID_OPTION' }));
    expect(() => fitGaussianMixture([...codes, Float32Array.of(1, Number.NaN)], 2)).toThrow(
      expect.objectContaining({ name: 'PipelineError', code: 'NON_FINITE_INPUT' }),
    );
  });
});

describe('gaussianMixtureLogLikelihood', () => {
  it('equals the analytic density of a standard normal', () => {
    const std = [
      {
        weight: 1,
        mean: [0, 0],
        scale: [
          [1, 0],
          [0, 1],
        ],
      },
    ];
    // log N(x) = −log 2π − ‖x‖²/2 in 2-D
    expect(gaussianMixtureLogLikelihood(std, [Float32Array.of(0, 0)])).toBeCloseTo(-Math.log(2 * Math.PI), 12);
    expect(gaussianMixtureLogLikelihood(std, [Float32Array.of(1, 2)])).toBeCloseTo(-Math.log(2 * Math.PI) - 2.5, 12);
    // two equal halves at the same place: the same density
    const halves = [
      { ...std[0], weight: 0.5 },
      { ...std[0], weight: 0.5 },
    ];
    expect(gaussianMixtureLogLikelihood(halves, [Float32Array.of(1, 2)])).toBeCloseTo(-Math.log(2 * Math.PI) - 2.5, 12);
    expect(() => gaussianMixtureLogLikelihood(std, [Float32Array.of(1)])).toThrow(PipelineError);
  });
});

describe('sampleGaussianMixture', () => {
  const mix = [
    {
      weight: 0.7,
      mean: [10, 0],
      scale: [
        [1, 0],
        [0, 1],
      ],
    },
    {
      weight: 0.3,
      mean: [-10, 0],
      scale: [
        [1, 0],
        [0, 1],
      ],
    },
  ];

  it('draws components by weight, each around its mean; seeded; code k independent of the count', () => {
    const z = sampleGaussianMixture(mix, 4000, 1);
    const right = z.filter((c) => c[0] > 0);
    expect(right.length / z.length).toBeCloseTo(0.7, 1);
    const m = right.reduce((s, c) => s + c[0], 0) / right.length;
    expect(m).toBeCloseTo(10, 1);
    expect(sampleGaussianMixture(mix, 5, 1)).toEqual(z.slice(0, 5));
    expect(sampleGaussianMixture(mix, 5, 2)).not.toEqual(z.slice(0, 5));
  });

  it('one component: z = mean + L·ε with ε the seed’s plain normal draws', () => {
    const L = [
      [2, 0],
      [1, 2],
    ];
    const z = sampleGaussianMixture([{ weight: 1, mean: [3, -1], scale: L }], 3, 7);
    const rng = createRng(7);
    for (const c of z) {
      const e0 = rng.normal(),
        e1 = rng.normal();
      expect(c[0]).toBeCloseTo(3 + 2 * e0, 5);
      expect(c[1]).toBeCloseTo(-1 + e0 + 2 * e1, 5);
    }
  });
});
