import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { LocalVoxelEncoder, voxelGridPadding } from '@onet/encoders';
import { LocalDecoder } from '@onet/decoder-local';

describe('voxel feature grid alignment', () => {
  // (the last cell's centre reads 0.993 of its value per axis: normalizeGridCoordinates clamps 1 to 1 − 1e-3)
  it('grid value (i, j, k) is sampled at the centre of voxel (i, j, k)', async () => {
    await tf.setBackend('cpu');
    const R = 8;
    const enc = new LocalVoxelEncoder({ cDim: 1, resolution: R, unet3d: false });
    // conv_in = the centre tap only: feature = relu(voxel)
    const w = new Float32Array(enc.convIn.weight.size);
    // kernel layout [ky, kx, ci, kz, co] → index of (1, 1, 0, 1, 0) in [3, 3, 1, 3, 1]
    w[((1 * 3 + 1) * 1 + 0) * 3 + 1] = 1;
    enc.convIn.weight.assign(tf.tensor(w, enc.convIn.weight.shape));
    const vox = new Float32Array(R ** 3);
    const cells: [number, number, number][] = [[1, 2, 5], [6, 0, 3], [0, 6, 6]];
    for (const [i, j, k] of cells) vox[(i * R + j) * R + k] = 1;
    const { grid } = enc.apply(tf.tensor4d(vox, [1, R, R, R]));
    const dec = new LocalDecoder({ cDim: 1, hidden: 4, padding: voxelGridPadding(R) });
    const centre = (i: number) => -0.5 + (i + 0.5) / R;
    const pts: number[] = [];
    for (const [i, j, k] of cells) pts.push(centre(i), centre(j), centre(k));
    pts.push(centre(1), centre(5), centre(2)); // axes swapped: empty
    const f = (await dec.sampleFeatures(tf.tensor3d(pts, [1, 4, 3]), { grid: grid! }).data()) as Float32Array;
    expect(Array.from(f).map((v) => +v.toFixed(4))).toEqual([1, 1, 1, 0]);
  });
});
