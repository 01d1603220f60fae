import { readFileSync } from 'node:fs';
import { fixturePath } from '@onet/test-utils';
import { describe, expect, it } from 'vitest';
import { parseNpz } from '@onet/io';
import {
  accuracy,
  chamferL1,
  chamferL2,
  completeness,
  evaluatePointClouds,
  fScore,
  normalConsistency,
  precisionRecallFScore,
} from '@onet/metrics';
import { relErr } from './helpers.js';

const npz = parseNpz(new Uint8Array(readFileSync(fixturePath('metrics/pointclouds.npz'))), 'pointclouds.npz');
const expected = JSON.parse(readFileSync(fixturePath('metrics/expected.json'), 'utf8')).expected as Record<string, number>;
const f32 = (k: string): Float32Array => {
  const a = npz.get(k);
  if (!a || !(a.data instanceof Float32Array)) throw new Error(`fixture ${k} missing`);
  return a.data;
};
const pred = { points: f32('pred_points'), normals: f32('pred_normals') };
const gt = { points: f32('gt_points'), normals: f32('gt_normals') };
const thresholds = [0.005, 0.01, 0.02, 0.03];
const TOL = 1e-6;

describe('reference fixture (ON eval_pointcloud, scipy cKDTree)', () => {
  it('has the expected shapes', () => {
    expect(pred.points.length).toBe(3000 * 3);
    expect(gt.points.length).toBe(4000 * 3);
  });

  it('evaluatePointClouds reproduces every number to 1e-6 relative', () => {
    const m = evaluatePointClouds(pred, gt, { thresholds });
    expect(m.empty).toBe(false);
    const got: Record<string, number> = {
      accuracy: m.accuracy,
      completeness: m.completeness,
      chamfer_l1: m.chamferL1,
      chamfer_l2: m.chamferL2,
      normal_accuracy: m.normalAccuracy!,
      normal_completeness: m.normalCompleteness!,
      normal_consistency: m.normalConsistency!,
    };
    thresholds.forEach((t, i) => {
      got[`fscore@${t}`] = m.fScore[i];
      got[`precision@${t}`] = m.precision[i];
      got[`recall@${t}`] = m.recall[i];
    });
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const k of Object.keys(expected)) {
      expect(relErr(got[k], expected[k]), `${k}: ${got[k]} vs ${expected[k]}`).toBeLessThan(TOL);
    }
    // distances are bit-identical to scipy's float64 ones, so the distance metrics agree far below 1e-6
    expect(relErr(m.chamferL1, expected.chamfer_l1)).toBeLessThan(1e-12);
    // and the precision/recall shares are exact fractions
    expect(m.recall[2] * 4000).toBe(Math.round(expected['recall@0.02'] * 4000));
  });

  it('each named function agrees with the all-in-one evaluation', () => {
    expect(relErr(accuracy(pred, gt), expected.accuracy)).toBeLessThan(TOL);
    expect(relErr(completeness(pred, gt), expected.completeness)).toBeLessThan(TOL);
    expect(relErr(chamferL1(pred.points, gt.points), expected.chamfer_l1)).toBeLessThan(TOL);
    expect(relErr(chamferL2(pred.points, gt.points), expected.chamfer_l2)).toBeLessThan(TOL);
    expect(relErr(normalConsistency(pred, gt), expected.normal_consistency)).toBeLessThan(TOL);
    expect(relErr(fScore(pred, gt, 0.02), expected['fscore@0.02'])).toBeLessThan(TOL);
    const prf = precisionRecallFScore(pred.points, gt.points, [0.03, 0.01]);
    expect(relErr(prf.precision[0], expected['precision@0.03'])).toBeLessThan(TOL);
    expect(relErr(prf.recall[1], expected['recall@0.01'])).toBeLessThan(TOL);
    expect(prf.thresholds).toEqual([0.03, 0.01]);
  });

  it('swapping pred and gt swaps accuracy/completeness and precision/recall (direction is not mixed up)', () => {
    const m = evaluatePointClouds(gt, pred, { thresholds });
    expect(relErr(m.accuracy, expected.completeness)).toBeLessThan(TOL);
    expect(relErr(m.completeness, expected.accuracy)).toBeLessThan(TOL);
    expect(relErr(m.precision[2], expected['recall@0.02'])).toBeLessThan(TOL);
    expect(relErr(m.recall[2], expected['precision@0.02'])).toBeLessThan(TOL);
  });
});
