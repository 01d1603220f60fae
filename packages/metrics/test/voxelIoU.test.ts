import { describe, expect, it } from 'vitest';
import { MetricsError, occupancyIoU, voxelCellCentres, voxelIoU } from '../src/index.js';

describe('voxelIoU (the reference iou_voxels)', () => {
  it('cell centres are the reference make_3d_grid(−0.5 + 1/64, 0.5 − 1/64, 32), C order with i along x', () => {
    const c = voxelCellCentres(32);
    expect(c.length).toBe(32 ** 3 * 3);
    expect(Array.from(c.slice(0, 6))).toEqual([-0.5 + 1 / 64, -0.5 + 1 / 64, -0.5 + 1 / 64, -0.5 + 1 / 64, -0.5 + 1 / 64, Math.fround(-0.5 + 3 / 64)]);
    const n = (5 * 32 + 7) * 32 + 9;
    expect(Array.from(c.slice(3 * n, 3 * n + 3))).toEqual([5, 7, 9].map((i) => Math.fround(-0.5 + (i + 0.5) / 32)));
    expect(c[c.length - 1]).toBe(0.5 - 1 / 64);
  });

  it('thresholds probabilities (the reference uses 0.2) and compares with voxels ≥ 0.5', () => {
    // A 2³ grid: voxels occupy cells 0, 1, 2; probabilities 0.3, 0.1, 0.9, 0.25 on cells 0..3.
    const voxels = new Uint8Array([1, 1, 1, 0, 0, 0, 0, 0]);
    const probs = new Float32Array([0.3, 0.1, 0.9, 0.25, 0, 0, 0, 0]);
    expect(voxelIoU(probs, voxels, { threshold: 0.2 })).toBe(2 / 4); // pred {0, 2, 3}, gt {0, 1, 2}
    expect(voxelIoU(probs, voxels)).toBe(1 / 3); // threshold 0.5: pred {2}
    // Same as occupancyIoU of the thresholded labels; occupancyIoU alone would threshold at 0.5.
    expect(occupancyIoU(probs, voxels)).toBe(1 / 3);
  });

  it('refuses non-cubic sizes, mismatched lengths and bad thresholds', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as MetricsError).code;
      }
      return 'none';
    };
    expect(code(() => voxelIoU(new Uint8Array(9), new Uint8Array(9)))).toBe('SHAPE_MISMATCH');
    expect(code(() => voxelIoU(new Uint8Array(8), new Uint8Array(27)))).toBe('SHAPE_MISMATCH');
    expect(code(() => voxelIoU(new Uint8Array(8), new Uint8Array(8).fill(1), { threshold: NaN }))).toBe('BAD_OPTION');
    expect(code(() => voxelCellCentres(0))).toBe('BAD_OPTION');
  });
});
