import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear } from '@onet/nn';
import { TorchConv3d } from './torchConv.js';
import { checkShape, checkSize } from './validate.js';

/** Options of {@link VoxelEncoder}. */
export interface VoxelEncoderOptions {
  /** Output code size C (the voxel config uses 256). */
  cDim?: number;
}

/** Defaults of {@link VoxelEncoderOptions} (the reference's). */
export const VOXEL_ENCODER_DEFAULTS: Required<VoxelEncoderOptions> = { cDim: 128 };

/**
 * 3D CNN for 32³ occupancy grids (ONet paper §4.2 voxel super-resolution; reference `VoxelEncoder`,
 * im2mesh/encoder/voxels.py, `voxel_simple`): Conv3d 1→32 (k3 p1), then Conv3d 32→64→128→256→512 (k3 p1 s2)
 * with a ReLU before each, spatial 32→16→8→4→2, flatten 4096, `c = fc(ReLU(·))` 4096→C.
 * 5,750,848 parameters at C 256.
 *
 * Layout: input `[B, 32, 32, 32]` with axes in the order the reference gets them (its `[B, 1, D, H, W]`); we
 * run channels-last (NDHWC) and transpose the last feature map to channels-first before flattening, so the
 * reference's `fc.weight` [C, 4096] (flattened as channel·8 + d·4 + h·2 + w) loads unchanged.
 * Keys: `conv_in.*`, `conv_0..3.*` ([out, in, 3, 3, 3]), `fc.*` [C, 4096].
 */
export class VoxelEncoder extends Module {
  readonly cDim: number;
  readonly convIn: TorchConv3d;
  readonly convs: TorchConv3d[] = [];
  readonly fc: Linear;
  constructor(options: VoxelEncoderOptions = {}) {
    super();
    const o = { ...VOXEL_ENCODER_DEFAULTS, ...options };
    checkSize('VoxelEncoder', 'cDim', o.cDim);
    this.cDim = o.cDim;
    this.convIn = this.module('conv_in', new TorchConv3d(1, 32, 3, 1, 1));
    const widths = [32, 64, 128, 256, 512];
    for (let i = 0; i < 4; i++) this.convs.push(this.module(`conv_${i}`, new TorchConv3d(widths[i], widths[i + 1], 3, 2, 1)));
    this.fc = this.module('fc', new Linear(512 * 2 * 2 * 2, o.cDim));
  }

  /**
   * `voxels` `[B, 32, 32, 32]` (0/1 occupancy as float) → code `c` `[B, cDim]` (new tensor).
   * @throws {@link NNError} `SHAPE_MISMATCH` unless the input is `[B, 32, 32, 32]`.
   */
  apply(voxels: tf.Tensor): tf.Tensor2D {
    checkShape('VoxelEncoder', 'voxels', voxels, [-1, 32, 32, 32], '[B, 32, 32, 32]');
    const batch = voxels.shape[0];
    return tf.tidy(() => {
      let net = this.convIn.apply(tf.expandDims(tf.cast(voxels, 'float32'), 4) as tf.Tensor5D);
      for (const conv of this.convs) net = conv.apply(tf.relu(net));
      // NDHWC → NCDHW so the flatten order is the reference's
      const hidden = tf.reshape(tf.transpose(net, [0, 4, 1, 2, 3]), [batch, 4096]);
      return this.fc.apply(tf.relu(hidden)) as tf.Tensor2D;
    });
  }
}
