import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, jsPath } from './sparse.js';
import { weightedCornerGatherJs } from './planes.js';
import { NNError } from './errors.js';
import type { PlaneName } from './planes.js';

/**
 * Local features of a Convolutional Occupancy Network, shared by its encoder and decoder: planes by name, each
 * `[B, R, R, C]` (row = v, column = u; see `PLANE_AXES`), and/or the grid volume `grid: [B, G, G, G, C]` (axes z, y, x),
 * and/or pixel-aligned image features `image: [B, R, R, C]` (row = image row from the top; see `projectToImagePlane`).
 */
export type LocalFeatures = Partial<Record<PlaneName, tf.Tensor4D>> & { grid?: tf.Tensor5D; image?: tf.Tensor4D };

/** Epsilon of the reference's `normalize_3d_coordinate` (CON: src/common.py, `10e-4`; the planes use `10e-6`). */
const EPS3 = 1e-3;

/**
 * Map the padded unit cube to [0, 1)³ for the feature grid: `p / (1 + padding + 1e-3) + 0.5`, values ≥ 1 become
 * 1 − 1e-3 and values < 0 become 0 (CON: src/common.py `normalize_3d_coordinate`). `points [..., 3]` → `[..., 3]`.
 */
export function normalizeGridCoordinates(points: tf.Tensor, padding: number): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.add(tf.div(points, 1 + padding + EPS3), 0.5);
    const hi = tf.where(tf.greaterEqual(p, 1), tf.fill(p.shape, 1 - EPS3), p);
    return tf.maximum(hi, 0);
  });
}

/**
 * Cell index of normalised grid coordinates on a `resolution³` grid: `x + R·(y + R·z)` with `x = floor(p_x·R)` etc.
 * (CON: `coordinate2index(..., coord_type='3d')`), i.e. the row of a channels-last grid `[R (z), R (y), R (x), C]`.
 * `xyz [..., 3]` in [0, 1) → int32 `[...]`. Not differentiable (indices). The index is formed in float32, exact
 * for R ≤ 256 (R³ ≤ 2²⁴).
 * @throws NNError `SHAPE_MISMATCH` when R is not an integer in [1, 256].
 */
export function gridCellIndex(xyz: tf.Tensor, resolution: number): tf.Tensor {
  if (!Number.isInteger(resolution) || resolution < 1 || resolution > 256) {
    throw new NNError('SHAPE_MISMATCH', `grid resolution must be an integer in [1, 256], got ${resolution}`);
  }
  return tf.tidy(() => {
    const cells = tf.floor(tf.mul(xyz, resolution));
    const weights = tf.tensor1d([1, resolution, resolution * resolution]);
    const idx = tf.sum(tf.mul(cells, weights), -1);
    return tf.cast(idx, 'int32');
  });
}

/**
 * Trilinear sampling of grid features at normalised coordinates, corner-aligned with border padding (PyTorch
 * `grid_sample(..., mode='bilinear', padding_mode='border', align_corners=True)` on a 5D input and `2·xyz − 1`, as
 * CON's `sample_grid_feature`). `features [B, R, R, R, C]` (axes z, y, x, channels), `xyz [B, T, 3]` in [0, 1] →
 * `[B, T, C]`. Differentiable in the features; on webgpu also in `xyz` (through the trilinear weights); on wasm/cpu
 * the sampling runs as a synchronous JS kernel whose gradient flows into the features only (as
 * {@link samplePlaneBilinear}).
 * @throws NNError `SHAPE_MISMATCH` when features is not `[B, R, R, R, C]` or xyz not `[B, T, 3]` with the same B.
 */
export function sampleGridTrilinear(features: tf.Tensor5D, xyz: tf.Tensor3D): tf.Tensor3D {
  const [B, R, R2, R3, C] = features.shape;
  if (features.rank !== 5 || R !== R2 || R !== R3) throw new NNError('SHAPE_MISMATCH', `grid features must be cubic [B, R, R, R, C], got [${features.shape}]`);
  if (xyz.rank !== 3 || xyz.shape[0] !== B || xyz.shape[2] !== 3) {
    throw new NNError('SHAPE_MISMATCH', `grid sample points must be [${B}, T, 3], got [${xyz.shape}]`);
  }
  const T = xyz.shape[1];
  const q = B * T;
  if (jsPath()) {
    const p = xyz.dataSync() as Float32Array;
    const idx = new Int32Array(8 * q);
    const wts = new Float32Array(8 * q);
    const hi = Math.max(R - 2, 0);
    const step = R > 1 ? 1 : 0;
    for (let b = 0; b < B; b++) {
      const base = b * R * R * R;
      for (let t = 0; t < T; t++) {
        const k = b * T + t;
        const px = Math.min(Math.max(p[3 * k], 0), 1) * (R - 1);
        const py = Math.min(Math.max(p[3 * k + 1], 0), 1) * (R - 1);
        const pz = Math.min(Math.max(p[3 * k + 2], 0), 1) * (R - 1);
        const x0 = Math.min(Math.floor(px), hi);
        const y0 = Math.min(Math.floor(py), hi);
        const z0 = Math.min(Math.floor(pz), hi);
        const wx = px - x0;
        const wy = py - y0;
        const wz = pz - z0;
        for (let j = 0; j < 8; j++) {
          const dx = j & 1;
          const dy = (j >> 1) & 1;
          const dz = (j >> 2) & 1;
          idx[8 * k + j] = base + ((z0 + dz * step) * R + (y0 + dy * step)) * R + (x0 + dx * step);
          wts[8 * k + j] = (dx ? wx : 1 - wx) * (dy ? wy : 1 - wy) * (dz ? wz : 1 - wz);
        }
      }
    }
    return weightedCornerGatherJs(features, idx, wts, 8, [B, T, C]) as tf.Tensor3D;
  }
  return tf.tidy(() => {
    const flat = tf.reshape(features, [B * R * R * R, C]);
    const pix = tf.mul(tf.clipByValue(xyz, 0, 1), R - 1); // [B,T,3]
    const p0 = tf.minimum(tf.floor(pix), Math.max(R - 2, 0));
    const w = tf.reshape(tf.sub(pix, p0), [q, 3]);
    const i0 = tf.cast(tf.reshape(p0, [q, 3]), 'int32');
    const base = tf.reshape(tf.tile(tf.reshape(tf.mul(tf.range(0, B, 1, 'int32'), tf.scalar(R * R * R, 'int32')), [B, 1]), [1, T]), [q]);
    const col = (t: tf.Tensor, a: number) => tf.reshape(tf.slice(t, [0, a], [q, 1]), [q]);
    const one = tf.scalar(R > 1 ? 1 : 0, 'int32');
    // per axis: lower and upper corner index and weight, computed once
    const lo = [0, 1, 2].map((a) => col(i0, a));
    const hiIdx = lo.map((i) => tf.add(i, one));
    const wHi = [0, 1, 2].map((a) => col(w, a));
    const wLo = wHi.map((x) => tf.sub(1, x));
    const rows: tf.Tensor[] = [];
    const weights: tf.Tensor[] = [];
    for (let j = 0; j < 8; j++) {
      const [dx, dy, dz] = [j & 1, (j >> 1) & 1, (j >> 2) & 1];
      const [x, y, z] = [dx ? hiIdx[0] : lo[0], dy ? hiIdx[1] : lo[1], dz ? hiIdx[2] : lo[2]];
      rows.push(tf.add(base, tf.add(x, tf.mul(tf.add(y, tf.mul(z, tf.scalar(R, 'int32'))), tf.scalar(R, 'int32')))));
      weights.push(tf.mul(tf.mul(dx ? wHi[0] : wLo[0], dy ? wHi[1] : wLo[1]), dz ? wHi[2] : wLo[2]));
    }
    // one gather for all eight corners, as samplePlaneBilinear does for its four
    const g = tf.reshape(gatherRows(flat, tf.concat(rows, 0)), [8, q, C]);
    const out = tf.sum(tf.mul(g, tf.reshape(tf.stack(weights), [8, q, 1])), 0);
    return tf.reshape(out, [B, T, C]) as tf.Tensor3D;
  });
}
