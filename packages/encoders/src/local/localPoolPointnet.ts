import * as tf from '@tensorflow/tfjs-core';
import {
  Module,
  Linear,
  ResnetBlockFC,
  gatherRows,
  scatterMeanRows,
  normalizePlaneCoordinates,
  planeCellIndex,
  normalizeGridCoordinates,
  gridCellIndex,
  type PlaneName,
  type LocalFeatures,
} from '@onet/nn';
import { UNet2d, type UNet2dOptions } from './unet2d.js';
import { UNet3d, type UNet3dOptions } from './unet3d.js';

/**
 * `block.apply(concat([a, b], -1))` without materialising the concatenation (its gradient, SplitV, is slow on
 * wasm): the first-layer and shortcut kernels are split row-wise instead. Same maths, same parameters.
 */
function splitBlock(block: ResnetBlockFC, a: tf.Tensor, b: tf.Tensor, h: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = a.shape;
    const fa = tf.reshape(a, [-1, h]);
    const fb = tf.reshape(b, [-1, h]);
    const w0 = block.fc0.weight;
    const hid = w0.shape[1] as number;
    const w0a = tf.slice(w0, [0, 0], [h, hid]);
    const w0b = tf.slice(w0, [h, 0], [h, hid]);
    let net = tf.add(tf.matMul(tf.relu(fa), w0a), tf.matMul(tf.relu(fb), w0b));
    if (block.fc0.bias) net = tf.add(net, block.fc0.bias);
    const dx = block.fc1.apply(tf.relu(net));
    const s = block.shortcut!.weight;
    const out = s.shape[1] as number;
    const xs = tf.add(tf.matMul(fa, tf.slice(s, [0, 0], [h, out])), tf.matMul(fb, tf.slice(s, [h, 0], [h, out])));
    return tf.reshape(tf.add(xs, dx), [...shape.slice(0, -1), out]);
  });
}

/** Options of {@link LocalPoolPointnet}. */
export interface LocalPoolPointnetOptions {
  /** Feature channels per plane / grid cell, c_dim (CON default 32). */
  cDim?: number;
  /** Hidden width of the per-point ResNet blocks (CON default 32). */
  hidden?: number;
  /** Number of ResnetBlockFC blocks (CON default 5). */
  nBlocks?: number;
  /** Side of each feature plane in cells (CON default 64). Must be divisible by 2^(unet depth − 1). */
  planeResolution?: number;
  /** Which planes to build (CON default all three; may be empty when a grid is built). */
  planes?: PlaneName[];
  /** Side of the 3D feature grid in cells, 0 = no grid (CON `grid_resolution`, 32 in the grid configs). */
  gridResolution?: number;
  /** U-Net applied to the grid, or `false` for none (CON grid configs: 3 levels, 32 maps). */
  unet3d?: UNet3dOptions | false;
  /** Padding of the unit cube: the planes and the grid span [−(1+padding)/2, (1+padding)/2] (default 0.1). */
  padding?: number;
  /** U-Net applied to every plane with shared weights, or `false` for none (CON default depth 4, 32 filters). */
  unet?: UNet2dOptions | false;
}

/** Defaults of {@link LocalPoolPointnetOptions}: CON configs/pointcloud/shapenet_3plane.yaml. */
export const LOCAL_POOL_POINTNET_DEFAULTS: Required<LocalPoolPointnetOptions> = {
  cDim: 32,
  hidden: 32,
  nBlocks: 5,
  planeResolution: 64,
  planes: ['xz', 'xy', 'yz'],
  padding: 0.1,
  unet: { depth: 4, startFilters: 32 },
  gridResolution: 0,
  unet3d: { levels: 3, startFilters: 32 },
};

/** Plane features by plane name, each `[B, R, R, C]` (row = v, column = u; see `PLANE_AXES`). */
export type PlaneFeatures = Partial<Record<PlaneName, tf.Tensor4D>>;

export type { LocalFeatures };

/**
 * Local-pool PointNet of Convolutional Occupancy Networks (Peng et al. 2020, §3.1; CON: src/encoder/pointnet.py
 * `LocalPoolPointnet`): `fc_pos` 3→2H, `blocks.0`, then four times [pool each point's features over the points in its
 * plane cells and grid cell, summed over the planes and the grid, concatenated to its own features →
 * ResnetBlockFC(2H→H)], `fc_c` H→C, scatter-mean of the point features into each `R²` plane (then the shared 2D
 * U-Net) and/or into the `G³` grid (then the 3D U-Net). Input `points [B, N, 3]` in the unit-cube frame (padded box
 * [−0.55, 0.55]³ for padding 0.1).
 *
 * Deviations: the local pooling is a scatter-MEAN (the reference default is scatter-max), because tfjs has no
 * segment-max kernel with a gradient on wasm; the 3D U-Net is {@link UNet3d}, not the reference's pytorch-3dunet.
 * Keys match the reference (`fc_pos`, `blocks.{i}.fc_0/fc_1/shortcut`, `fc_c`, `unet.*`; the grid's U-Net is
 * `unet3d.*`).
 */
export class LocalPoolPointnet extends Module {
  readonly options: Required<LocalPoolPointnetOptions>;
  readonly fcPos: Linear;
  readonly blocks: ResnetBlockFC[] = [];
  readonly fcC: Linear;
  readonly unet?: UNet2d;
  readonly unet3d?: UNet3d;
  constructor(options: LocalPoolPointnetOptions = {}) {
    super();
    const o = { ...LOCAL_POOL_POINTNET_DEFAULTS, ...options };
    this.options = o;
    const h = o.hidden;
    this.fcPos = this.module('fc_pos', new Linear(3, 2 * h));
    for (let i = 0; i < o.nBlocks; i++) this.blocks.push(this.module(`blocks.${i}`, new ResnetBlockFC(2 * h, h)));
    this.fcC = this.module('fc_c', new Linear(h, o.cDim));
    if (o.unet && o.planes.length > 0) {
      const depth = o.unet.depth ?? 4;
      if (o.planeResolution % 2 ** (depth - 1) !== 0) {
        throw new RangeError(`planeResolution ${o.planeResolution} must be divisible by 2^(depth−1) = ${2 ** (depth - 1)}`);
      }
      this.unet = this.module('unet', new UNet2d(o.cDim, o.unet));
    }
    if (!Number.isInteger(o.gridResolution) || o.gridResolution < 0 || o.gridResolution > 256) {
      throw new RangeError(`gridResolution must be an integer in [0, 256], got ${o.gridResolution}`);
    }
    if (o.planes.length === 0 && o.gridResolution === 0) throw new RangeError('LocalPoolPointnet needs at least one plane or a grid');
    if (o.gridResolution > 0 && o.unet3d) {
      const levels = o.unet3d.levels ?? 3;
      if (o.gridResolution % 2 ** (levels - 1) !== 0) {
        throw new RangeError(`gridResolution ${o.gridResolution} must be divisible by 2^(levels−1) = ${2 ** (levels - 1)}`);
      }
      this.unet3d = this.module('unet3d', new UNet3d(o.cDim, o.unet3d));
    }
  }

  /** Flat cell index per point and plane (into `[B·R²]`) or grid (into `[B·G³]`), offset by batch: int32 `[B·N]`. */
  private cellIndices(points: tf.Tensor3D): Map<PlaneName | 'grid', tf.Tensor> {
    const [B, N] = points.shape;
    const R = this.options.planeResolution;
    const out = new Map<PlaneName | 'grid', tf.Tensor>();
    const G = this.options.gridResolution;
    /** Per-shape cell indices `[B, N]` → flat `[B·N]` into a batch of `perShape`-cell volumes. */
    const flatten = (cell: () => tf.Tensor, perShape: number) =>
      tf.tidy(() => {
        const base = tf.mul(tf.reshape(tf.range(0, B, 1, 'int32'), [B, 1]), tf.scalar(perShape, 'int32'));
        return tf.reshape(tf.add(cell(), base), [B * N]);
      });
    if (G > 0) out.set('grid', flatten(() => gridCellIndex(normalizeGridCoordinates(points, this.options.padding), G), G * G * G));
    for (const plane of this.options.planes) {
      out.set(plane, flatten(() => planeCellIndex(normalizePlaneCoordinates(points, plane, this.options.padding), R), R * R));
    }
    return out;
  }

  /**
   * `points [B, N, 3]` → plane features `{xz, xy, yz}: [B, R, R, cDim]` and/or `grid: [B, G, G, G, cDim]`. The caller
   * disposes the returned tensors.
   * @throws RangeError when points is not `[B, N, 3]` with N ≥ 1.
   */
  apply(points: tf.Tensor3D): LocalFeatures {
    if (points.rank !== 3 || points.shape[2] !== 3 || points.shape[1] < 1) {
      throw new RangeError(`LocalPoolPointnet expects points [B, N, 3] with N ≥ 1, got [${points.shape}]`);
    }
    const [B, N] = points.shape;
    const R = this.options.planeResolution;
    const G = this.options.gridResolution;
    const C = this.options.cDim;
    const planes = this.options.planes;
    const cells = (key: PlaneName | 'grid') => (key === 'grid' ? B * G * G * G : B * R * R);
    return tf.tidy(() => {
      const index = this.cellIndices(points);
      const h = this.options.hidden;
      let net = this.blocks[0].apply(this.fcPos.apply(points)); // [B,N,H]
      for (const block of this.blocks.slice(1)) {
        // one tidy per block: the pooled cells ([B·G³, H] for a grid) are freed before the next block, so the
        // wasm heap (which never shrinks) does not grow to hold every block's
        const prev = net;
        net = tf.tidy(() => {
          const flat = tf.reshape(prev, [B * N, h]);
          let pooled: tf.Tensor | undefined;
          for (const [key, idx] of index) {
            const g = gatherRows(scatterMeanRows(flat, idx, cells(key)), idx);
            pooled = pooled ? tf.add(pooled, g) : g;
          }
          return splitBlock(block, prev, tf.reshape(pooled!, [B, N, h]), h);
        });
        prev.dispose();
      }
      const c = tf.reshape(this.fcC.apply(net), [B * N, C]);
      const out: LocalFeatures = {};
      if (planes.length > 0) {
        const feats = planes.map((plane) => tf.reshape(scatterMeanRows(c, index.get(plane)!, B * R * R), [B, R, R, C]));
        let all = feats.length === 1 ? feats[0] : (tf.concat(feats, 0) as tf.Tensor4D);
        if (this.unet) all = this.unet.apply(all as tf.Tensor4D);
        planes.forEach((plane, i) => {
          out[plane] = tf.slice(all, [i * B, 0, 0, 0], [B, R, R, C]) as tf.Tensor4D;
        });
      }
      if (G > 0) {
        let grid = tf.reshape(scatterMeanRows(c, index.get('grid')!, B * G * G * G), [B, G, G, G, C]) as tf.Tensor5D;
        if (this.unet3d) grid = this.unet3d.apply(grid);
        out.grid = grid;
      }
      return out as unknown as tf.TensorContainer;
    }) as unknown as LocalFeatures;
  }
}
