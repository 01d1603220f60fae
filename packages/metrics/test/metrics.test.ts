import { describe, expect, it } from 'vitest';
import {
  accuracy,
  chamferL1,
  chamferL2,
  completeness,
  EMPTY_PREDICTION_SCORES,
  evaluatePointClouds,
  fScore,
  normalConsistency,
  occupancyIoU,
  precisionRecallFScore,
  toPaperUnits,
} from '@onet/metrics';
import { code, directions, relErr, rng, sphereCloud } from './helpers.js';

describe('a point cloud compared with itself', () => {
  for (const scale of [1e-3, 1, 250]) {
    it(`scores Chamfer 0, NC 1, F 1 at scale ${scale}`, () => {
      const c = sphereCloud(directions(3000, 7), 0.4 * scale);
      const m = evaluatePointClouds(c, c, { thresholds: [0, 0.01 * scale] });
      expect(m.chamferL1).toBe(0);
      expect(m.chamferL2).toBe(0);
      expect(m.accuracy).toBe(0);
      expect(m.completeness).toBe(0);
      expect(m.normalConsistency).toBeCloseTo(1, 12);
      expect(m.fScore).toEqual([1, 1]); // distance 0 ≤ t, even at t = 0
      // flipping every normal does not change normal consistency (absolute dot product)
      const flipped = { points: c.points, normals: c.normals.map((v) => -v) };
      expect(normalConsistency(flipped, c)).toBeCloseTo(1, 12);
    });
  }
});

describe('analytic: concentric spheres of radius r and r + d', () => {
  const r = 0.4;
  const d = 0.03;
  it('same directions: every nearest neighbour is radial, so Chamfer-L1 = d and Chamfer-L2 = d² exactly', () => {
    const dirs = directions(20_000, 11);
    const inner = sphereCloud(dirs, r);
    const outer = sphereCloud(dirs, r + d);
    const m = evaluatePointClouds(inner, outer, { thresholds: [0.029, 0.031] });
    // float32 storage of the coordinates is the only error
    expect(relErr(m.chamferL1, d)).toBeLessThan(1e-5);
    expect(relErr(m.accuracy, d)).toBeLessThan(1e-5);
    expect(relErr(m.completeness, d)).toBeLessThan(1e-5);
    expect(relErr(m.chamferL2, d * d)).toBeLessThan(2e-5);
    expect(m.normalConsistency).toBeCloseTo(1, 6);
    expect(m.precision).toEqual([0, 1]);
    expect(m.recall).toEqual([0, 1]);
    expect(m.fScore).toEqual([0, 1]);
    expect(toPaperUnits(m.chamferL1)).toBeCloseTo(10 * d, 5);
  });

  it('independent samplings: Chamfer-L1 ≈ d (within the sampling gap)', () => {
    const inner = sphereCloud(directions(40_000, 12), r);
    const outer = sphereCloud(directions(40_000, 13), r + d);
    const cd = chamferL1(inner.points, outer.points);
    // tangential gaps only add: d ≤ CD ≤ √(d² + spacing²) with spacing ≈ 0.005 here
    expect(cd).toBeGreaterThanOrEqual(d * (1 - 1e-6));
    expect(cd).toBeLessThan(d * 1.02);
    // normals radial on both sides: NC close to 1 but below it
    const nc = normalConsistency(inner, outer);
    expect(nc).toBeGreaterThan(0.999);
    expect(nc).toBeLessThan(1);
  });

  it('accuracy and completeness are directional: a half sphere against a full sphere', () => {
    const dirs = directions(20_000, 14);
    const full = sphereCloud(dirs, r);
    const keep: number[] = [];
    for (let i = 0; i < 20_000; i++) if (dirs[3 * i + 2] > 0) keep.push(...full.points.subarray(3 * i, 3 * i + 3));
    const half = new Float32Array(keep);
    // every predicted point of the half lies on the full GT sphere: accuracy 0, precision 1
    expect(accuracy(half, full.points)).toBe(0);
    // the missing half of the GT is far from the prediction: completeness > 0, recall ≈ 0.5 at small t
    expect(completeness(half, full.points)).toBeGreaterThan(0.1);
    const prf = precisionRecallFScore(half, full.points, [1e-9]);
    expect(prf.precision[0]).toBe(1);
    expect(prf.recall[0]).toBeCloseTo(0.5, 1);
    expect(prf.fScore[0]).toBeCloseTo((2 * 1 * prf.recall[0]) / (1 + prf.recall[0]), 12);
    // swapping the roles swaps the two
    expect(completeness(full.points, half)).toBe(0);
  });
});

describe('empty prediction policy', () => {
  const gt = sphereCloud(directions(500, 3), 0.4);
  const empty = { points: new Float32Array(0), normals: new Float32Array(0) };
  it('never scores as a match: the reference penalties and empty: true', () => {
    const m = evaluatePointClouds(empty, gt, { thresholds: [0.01, 0.02] });
    expect(m.empty).toBe(true);
    expect(m.accuracy).toBe(Math.sqrt(3));
    expect(m.completeness).toBe(Math.sqrt(3));
    expect(m.chamferL1).toBe(Math.sqrt(3));
    expect(m.chamferL2).toBe(3);
    expect(m.normalConsistency).toBe(-1);
    expect(m.fScore).toEqual([0, 0]);
    expect(m.precision).toEqual([0, 0]);
    expect(m.recall).toEqual([0, 0]);
    // without GT normals there is no normal metric at all (null, never a number)
    expect(evaluatePointClouds(empty, { points: gt.points }).normalConsistency).toBeNull();
  });
  it('the single-metric functions use the same penalties', () => {
    const e = new Float32Array(0);
    expect(accuracy(e, gt.points)).toBe(EMPTY_PREDICTION_SCORES.accuracy);
    expect(completeness(e, gt.points)).toBe(Math.sqrt(3));
    expect(chamferL1(e, gt.points)).toBe(Math.sqrt(3));
    expect(chamferL2(e, gt.points)).toBe(3);
    expect(normalConsistency({ points: e }, gt)).toBe(-1);
    expect(fScore(e, gt.points, 0.01)).toBe(0);
  });
  it('an empty ground truth is an error, not a score', () => {
    expect(code(() => chamferL1(gt.points, new Float32Array(0)))).toBe('EMPTY_GROUND_TRUTH');
    expect(code(() => evaluatePointClouds(gt, { points: new Float32Array(0) }))).toBe('EMPTY_GROUND_TRUTH');
  });
});

describe('bad input → typed errors', () => {
  const c = sphereCloud(directions(100, 5), 0.4);
  it('lengths, NaN, normals', () => {
    expect(code(() => chamferL1(new Float32Array(7), c.points))).toBe('BAD_LENGTH');
    expect(code(() => chamferL1(c.points, new Float32Array([0, 0, NaN])))).toBe('NON_FINITE');
    expect(code(() => accuracy(new Float32Array([0, Infinity, 0]), c.points))).toBe('NON_FINITE');
    expect(code(() => normalConsistency({ points: new Float32Array(0), normals: new Float32Array(3) }, c))).toBe(
      'NORMALS_WITHOUT_POINTS',
    );
    expect(code(() => normalConsistency({ points: c.points, normals: c.normals.subarray(3) }, c))).toBe('SHAPE_MISMATCH');
    expect(code(() => normalConsistency({ points: c.points }, c))).toBe('MISSING_NORMALS');
    expect(code(() => normalConsistency(c, { points: c.points }))).toBe('MISSING_NORMALS');
    const zero = c.normals.slice();
    zero.fill(0, 0, 3);
    expect(code(() => normalConsistency({ points: c.points, normals: zero }, c))).toBe('ZERO_NORMAL');
    const nan = c.normals.slice();
    nan[4] = NaN;
    expect(code(() => evaluatePointClouds({ points: c.points, normals: nan }, c))).toBe('NON_FINITE');
  });
  it('thresholds', () => {
    expect(code(() => precisionRecallFScore(c, c, []))).toBe('BAD_OPTION');
    expect(code(() => fScore(c, c, -0.1))).toBe('BAD_OPTION');
    expect(code(() => fScore(c, c, NaN))).toBe('BAD_OPTION');
  });
});

describe('occupancyIoU', () => {
  it('counts intersection over union; values ≥ 0.5 are inside', () => {
    expect(occupancyIoU(new Uint8Array([1, 1, 0, 0]), new Uint8Array([1, 0, 1, 0]))).toBeCloseTo(1 / 3, 15);
    expect(occupancyIoU(new Float32Array([0.9, 0.5, 0.49, 0]), new Uint8Array([1, 1, 1, 0]))).toBeCloseTo(2 / 3, 15);
    expect(occupancyIoU(new Uint8Array([255, 0]), new Uint8Array([1, 0]))).toBe(1);
    expect(occupancyIoU(new Uint8Array([0, 1]), new Uint8Array([1, 0]))).toBe(0);
  });
  it('random labels match a direct count', () => {
    const r = rng(9);
    const a = new Uint8Array(10_000).map(() => (r() < 0.3 ? 1 : 0));
    const b = new Uint8Array(10_000).map(() => (r() < 0.4 ? 1 : 0));
    let i = 0, u = 0;
    for (let k = 0; k < a.length; k++) {
      i += a[k] & b[k];
      u += a[k] | b[k];
    }
    expect(occupancyIoU(a, b)).toBe(i / u);
  });
  it('errors: mismatched lengths, nothing occupied, NaN', () => {
    expect(code(() => occupancyIoU(new Uint8Array(3), new Uint8Array(4)))).toBe('SHAPE_MISMATCH');
    expect(code(() => occupancyIoU(new Uint8Array(3), new Uint8Array(3)))).toBe('EMPTY_GROUND_TRUTH');
    expect(code(() => occupancyIoU(new Float32Array([NaN]), new Float32Array([1])))).toBe('NON_FINITE');
  });
});

describe('toPaperUnits', () => {
  it('multiplies a unit-cube distance by 10', () => {
    expect(toPaperUnits(0.0215)).toBeCloseTo(0.215, 15);
  });
});
