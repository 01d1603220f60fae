import * as tf from '@tensorflow/tfjs-core';
import { Module, type LocalFeatures } from '@onet/nn';
import { Conv3d } from './conv.js';
import { UNet3d, type UNet3dOptions } from './unet3d.js';

/** Options of {@link LocalVoxelEncoder}. */
export interface LocalVoxelEncoderOptions {
  /** Feature channels per grid cell, c_dim (CON voxel configs: 32). */
  cDim?: number;
  /** Side of the input occupancy grid (the reference's voxels: 32); the feature grid has the same side. */
  resolution?: number;
  /** U-Net on the feature grid, or `false` for none (CON voxel configs: 3 levels, 32 maps). */
  unet3d?: UNet3dOptions | false;
}

/** Defaults of {@link LocalVoxelEncoderOptions} (CON configs/voxel/*_grid32.yaml). */
export const LOCAL_VOXEL_ENCODER_DEFAULTS: Required<LocalVoxelEncoderOptions> = { cDim: 32, resolution: 32, unet3d: { levels: 3, startFilters: 32 } };

/**
 * Local-feature encoder for occupancy grids (Convolutional Occupancy Networks, Peng et al. ECCV 2020, voxel
 * super-resolution; CON `LocalVoxelEncoder` with a grid): `conv_in` Conv3d 1→C (k3, p1) + ReLU on the `R³`
 * voxels, then a {@link UNet3d} → a feature grid `[B, R, R, R, C]` of the same side, one feature per voxel, to be
 * sampled trilinearly at the query points (`LocalDecoder`).
 *
 * Input `voxels [B, R, R, R]`, axes (x, y, z) as `voxelize`/`voxelizeMesh` store them (index `(i·R + j)·R + k`, i
 * along x); the output grid has the `LocalFeatures` axes (z, y, x). Grid value (i, j, k) belongs to the centre of
 * voxel (i, j, k): a decoder over the voxels' box [−½, ½]³ must sample with a padding of `1/R − 1 − 1e-3` (value 0
 * and R − 1 at the first and last centres; see {@link voxelGridPadding}). Keys: `conv_in.*`, `unet3d.*`.
 *
 * Deviation from the reference: the feature grid is the conv output itself, not a scatter-mean of it over a padded
 * grid (with a grid as fine as the voxels the scatter is a shift by the padding), and {@link UNet3d}'s deviations.
 */
export class LocalVoxelEncoder extends Module {
  readonly options: Required<LocalVoxelEncoderOptions>;
  readonly convIn: Conv3d;
  readonly unet3d?: UNet3d;
  constructor(options: LocalVoxelEncoderOptions = {}) {
    super();
    const o = { ...LOCAL_VOXEL_ENCODER_DEFAULTS, ...options };
    if (!Number.isInteger(o.cDim) || o.cDim < 1) throw new RangeError(`cDim must be a positive integer, got ${o.cDim}`);
    if (!Number.isInteger(o.resolution) || o.resolution < 2 || o.resolution > 256) throw new RangeError(`resolution must be an integer in [2, 256], got ${o.resolution}`);
    this.options = o;
    this.convIn = this.module('conv_in', new Conv3d(1, o.cDim, 3));
    if (o.unet3d) {
      const levels = o.unet3d.levels ?? 3;
      if (o.resolution % 2 ** (levels - 1) !== 0) throw new RangeError(`resolution ${o.resolution} must be divisible by 2^(levels−1) = ${2 ** (levels - 1)}`);
      this.unet3d = this.module('unet3d', new UNet3d(o.cDim, o.unet3d));
    }
  }

  /**
   * `voxels [B, R, R, R]` (0/1 as float; axes x, y, z) → `{ grid: [B, R, R, R, C] }` (axes z, y, x; new tensor).
   * @throws RangeError unless the input is `[B, R, R, R]` with this encoder's R.
   */
  apply(voxels: tf.Tensor): LocalFeatures {
    const R = this.options.resolution;
    const s = voxels.shape;
    if (s.length !== 4 || s[1] !== R || s[2] !== R || s[3] !== R) throw new RangeError(`voxels must be [B, ${R}, ${R}, ${R}], got [${s}]`);
    const grid = tf.tidy(() => {
      const zyx = tf.transpose(tf.cast(voxels, 'float32'), [0, 3, 2, 1]);
      const h = tf.relu(this.convIn.apply(tf.expandDims(zyx, 4) as tf.Tensor5D));
      return this.unet3d ? this.unet3d.apply(h) : h;
    });
    return { grid };
  }
}

/**
 * The `padding` a grid-sampling decoder (`LocalDecoder`, `normalizeGridCoordinates`) needs so that value i of an
 * `R`-cell feature grid sits at the centre of voxel i of the box [−½, ½]³: `(1 + padding + 1e-3) = (R − 1)/R`.
 */
export function voxelGridPadding(resolution: number): number {
  return (resolution - 1) / resolution - 1 - 1e-3;
}
