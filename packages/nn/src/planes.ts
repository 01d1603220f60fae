import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, jsKernelOutput, jsPath } from './sparse.js';
import { NNError } from './errors.js';


/** The three canonical feature planes of Convolutional Occupancy Networks. */
export type PlaneName = 'xz' | 'xy' | 'yz';

/** Which point coordinates span each plane: (u, v) = (p[a], p[b]); u indexes plane columns, v rows. */
export const PLANE_AXES: Record<PlaneName, [number, number]> = { xz: [0, 2], xy: [0, 1], yz: [1, 2] };

/** Epsilon of the reference's `normalize_coordinate` (CON: src/common.py, `10e-6`). */
const EPS = 1e-5;

/**
 * Project points onto a plane and map the padded unit cube to [0, 1): `uv = p[axes] / (1 + padding + 1e-5) + 0.5`,
 * then values ≥ 1 become 1 − 1e-5 and values < 0 become 0 (CON: src/common.py `normalize_coordinate`).
 * `points [..., 3]` (unit-cube frame) → `[..., 2]`.
 */
export function normalizePlaneCoordinates(points: tf.Tensor, plane: PlaneName, padding: number): tf.Tensor {
  return tf.tidy(() => {
    const [a, b] = PLANE_AXES[plane];
    const rank = points.rank;
    const begin = new Array(rank).fill(0);
    const size = [...points.shape.slice(0, -1), 1];
    const pa = tf.slice(points, [...begin.slice(0, -1), a], size);
    const pb = tf.slice(points, [...begin.slice(0, -1), b], size);
    const uv = tf.add(tf.div(tf.concat([pa, pb], rank - 1), 1 + padding + EPS), 0.5);
    const hi = tf.where(tf.greaterEqual(uv, 1), tf.fill(uv.shape, 1 - EPS), uv);
    return tf.maximum(hi, 0);
  });
}

/**
 * Cell index of normalised plane coordinates on a `resolution²` grid: `floor(u·R) + R·floor(v·R)`
 * (CON: `coordinate2index`). `uv [..., 2]` in [0, 1) → int32 `[...]`. Not differentiable (indices).
 */
export function planeCellIndex(uv: tf.Tensor, resolution: number): tf.Tensor {
  return tf.tidy(() => {
    const cells = tf.floor(tf.mul(uv, resolution));
    const rank = uv.rank;
    const size = [...uv.shape.slice(0, -1), 1];
    const zero = new Array(rank).fill(0);
    const u = tf.slice(cells, zero, size);
    const v = tf.slice(cells, [...zero.slice(0, -1), 1], size);
    const idx = tf.add(u, tf.mul(v, resolution));
    return tf.cast(tf.reshape(idx, uv.shape.slice(0, -1)), 'int32');
  });
}

/**
 * Bilinear sampling of plane features at normalised coordinates, corner-aligned with border padding
 * (PyTorch `grid_sample(..., mode='bilinear', padding_mode='border', align_corners=True)` on `2·uv − 1`, as CON's
 * `sample_plane_feature`). `features [B, R, R, C]` (row = v, column = u), `uv [B, T, 2]` in [0, 1] → `[B, T, C]`.
 * Differentiable in the features. On webgpu also in `uv` (through the bilinear weights); on wasm/cpu the sampling
 * runs as a synchronous JS kernel (≈100× faster than tfjs's GatherV2/Slice there) whose gradient flows into the
 * features only.
 */
export function samplePlaneBilinear(features: tf.Tensor4D, uv: tf.Tensor3D): tf.Tensor3D {
  if (jsPath()) return samplePlaneBilinearJs(features, uv);
  return tf.tidy(() => {
    const [B, R, , C] = features.shape;
    const T = uv.shape[1];
    const flat = tf.reshape(features, [B * R * R, C]);
    const pix = tf.mul(tf.clipByValue(uv, 0, 1), R - 1); // [B,T,2]
    const p0 = tf.minimum(tf.floor(pix), Math.max(R - 2, 0));
    const w = tf.sub(pix, p0); // in [0,1]
    const wu = tf.reshape(tf.slice(w, [0, 0, 0], [B, T, 1]), [B * T, 1]);
    const wv = tf.reshape(tf.slice(w, [0, 0, 1], [B, T, 1]), [B * T, 1]);
    const i0 = tf.cast(tf.reshape(tf.slice(p0, [0, 0, 0], [B, T, 1]), [B, T]), 'int32');
    const j0 = tf.cast(tf.reshape(tf.slice(p0, [0, 0, 1], [B, T, 1]), [B, T]), 'int32');
    const base = tf.mul(tf.reshape(tf.range(0, B, 1, 'int32'), [B, 1]), tf.scalar(R * R, 'int32'));
    const i1 = R > 1 ? tf.add(i0, tf.scalar(1, 'int32')) : i0;
    const j1 = R > 1 ? tf.add(j0, tf.scalar(1, 'int32')) : j0;
    const rR = tf.scalar(R, 'int32');
    const idx = (j: tf.Tensor, i: tf.Tensor) => tf.reshape(tf.add(base, tf.add(tf.mul(j, rR), i)), [B * T]);
    const all = tf.concat([idx(j0, i0), idx(j0, i1), idx(j1, i0), idx(j1, i1)], 0);
    const g = tf.reshape(gatherRows(flat, all), [4, B * T, C]);
    const f00 = tf.squeeze(tf.slice(g, [0, 0, 0], [1, B * T, C]), [0]);
    const f01 = tf.squeeze(tf.slice(g, [1, 0, 0], [1, B * T, C]), [0]);
    const f10 = tf.squeeze(tf.slice(g, [2, 0, 0], [1, B * T, C]), [0]);
    const f11 = tf.squeeze(tf.slice(g, [3, 0, 0], [1, B * T, C]), [0]);
    const ou = tf.sub(1, wu);
    const top = tf.add(tf.mul(f00, ou), tf.mul(f01, wu));
    const bot = tf.add(tf.mul(f10, ou), tf.mul(f11, wu));
    const out = tf.add(tf.mul(top, tf.sub(1, wv)), tf.mul(bot, wv));
    return tf.reshape(out, [B, T, C]) as tf.Tensor3D;
  });
}

/**
 * The 4 corner rows and bilinear weights of a point at plane coordinates (u, v) (clamped to [0, 1]) on a plane of side
 * R whose rows start at `base`: written to `idx`/`wts` at `at` in the order (x0, y0), (x1, y0), (x0, y1), (x1, y1),
 * as {@link samplePlaneBilinear}'s tfjs ops compute them (the last cell holds points at u or v = 1).
 */
function bilinearCorners(u: number, v: number, R: number, base: number, idx: Int32Array, wts: Float32Array, at: number): void {
  const hi = Math.max(R - 2, 0);
  const px = Math.min(Math.max(u, 0), 1) * (R - 1);
  const py = Math.min(Math.max(v, 0), 1) * (R - 1);
  const x0 = Math.min(Math.floor(px), hi);
  const y0 = Math.min(Math.floor(py), hi);
  const wx = px - x0;
  const wy = py - y0;
  const x1 = R > 1 ? x0 + 1 : x0;
  const y1 = R > 1 ? y0 + 1 : y0;
  idx[at] = base + y0 * R + x0;
  idx[at + 1] = base + y0 * R + x1;
  idx[at + 2] = base + y1 * R + x0;
  idx[at + 3] = base + y1 * R + x1;
  wts[at] = (1 - wx) * (1 - wy);
  wts[at + 1] = wx * (1 - wy);
  wts[at + 2] = (1 - wx) * wy;
  wts[at + 3] = wx * wy;
}

/** JS kernel of {@link samplePlaneBilinear} for wasm/cpu: corner indices and weights computed once, reused in backward. */
function samplePlaneBilinearJs(features: tf.Tensor4D, uv: tf.Tensor3D): tf.Tensor3D {
  const [B, R, , C] = features.shape;
  const T = uv.shape[1];
  const q = B * T;
  const u = uv.dataSync() as Float32Array;
  const idx = new Int32Array(4 * q);
  const wts = new Float32Array(4 * q);
  for (let k = 0; k < q; k++) bilinearCorners(u[2 * k], u[2 * k + 1], R, Math.floor(k / T) * R * R, idx, wts, 4 * k);
  return weightedCornerGatherJs(features, idx, wts, 4, [B, T, C]) as tf.Tensor3D;
}

/**
 * The summed local feature of several planes at the same points: `Σ_n samplePlaneBilinear(planes[n],
 * normalizePlaneCoordinates(p, n, padding))`, added in the order given (the first plane's sample, plus the second,
 * …; float32 after each addition). `p [B, T, 3]` (unit-cube frame), each plane `[B, R, R, C]` (its own R) →
 * `[B, T, C]`. Differentiable in the planes. On wasm/cpu one synchronous JS kernel does it all (coordinates,
 * corners, weights and the sum, per point, with no intermediate tensors) and its values are bit-identical to the
 * composition of tfjs ops and {@link samplePlaneBilinear} it replaces; elsewhere it is that composition.
 * The local decoder of Convolutional Occupancy Networks (CON: `LocalDecoder.sample_plane_feature`, summed).
 * @throws {@link NNError} `SHAPE_MISMATCH` when `p` is not `[B, T, 3]`, a plane is not `[B, R, R, C]` with R ≥ 1,
 * the planes disagree in B or C, a plane name is not xz, xy or yz, or no plane is given.
 */
export function samplePlanesSum(p: tf.Tensor3D, planes: [PlaneName, tf.Tensor4D][], padding: number): tf.Tensor3D {
  if (planes.length === 0) throw new NNError('SHAPE_MISMATCH', 'samplePlanesSum needs at least one plane');
  const [B, T] = p.shape;
  if (p.rank !== 3 || p.shape[2] !== 3) throw new NNError('SHAPE_MISMATCH', `points must be [B, T, 3], got [${p.shape}]`);
  const C = planes[0][1].shape[3];
  for (const [name, f] of planes) {
    if (!(name in PLANE_AXES)) throw new NNError('SHAPE_MISMATCH', `unknown plane ${JSON.stringify(name)}; use xz, xy or yz`);
    if (f.rank !== 4 || f.shape[0] !== B || f.shape[1] !== f.shape[2] || f.shape[1] < 1 || f.shape[3] !== C) {
      throw new NNError('SHAPE_MISMATCH', `plane ${name} must be [${B}, R, R, ${C}], got [${f.shape}]`);
    }
  }
  if (!jsPath()) {
    return tf.tidy(() => {
      let c: tf.Tensor3D | undefined;
      for (const [name, f] of planes) {
        const s = samplePlaneBilinear(f, normalizePlaneCoordinates(p, name, padding) as tf.Tensor3D);
        c = c ? (tf.add(c, s) as tf.Tensor3D) : s;
      }
      return c!;
    });
  }
  const pts = p.dataSync() as Float32Array;
  const q = B * T;
  // normalizePlaneCoordinates in float32, as its tfjs ops round: p / fround(d) (a correctly rounded float32
  // division), + 0.5, ≥ 1 → fround(1 − 1e-5), < 0 → 0
  const d = Math.fround(1 + padding + EPS);
  const top = Math.fround(1 - EPS);
  const coordinate = (v: number): number => {
    const u = Math.fround(Math.fround(v / d) + 0.5);
    return u >= 1 ? top : u > 0 ? u : u === u ? 0 : u; // Math.max(hi, 0); NaN stays NaN
  };
  /** Corner rows (within one plane) and bilinear weights of point k on plane `axes` of side R. */
  const corners = (k: number, axes: [number, number], R: number, idx: Int32Array, wts: Float32Array): void =>
    bilinearCorners(coordinate(pts[3 * k + axes[0]]), coordinate(pts[3 * k + axes[1]]), R, Math.floor(k / T) * R * R, idx, wts, 0);
  const inputs = planes.map(([, f]) => f);
  const f = tf.customGrad(((...args: tf.Tensor[]) => {
    const feats = args.slice(0, inputs.length);
    const value = jsKernelOutput([B, T, C], feats, (out, srcs) => {
      const idx = new Int32Array(4);
      const wts = new Float32Array(4);
      const row = new Float32Array(C);
      for (let n = 0; n < planes.length; n++) {
        const src = srcs[n];
        const axes = PLANE_AXES[planes[n][0]];
        const R = feats[n].shape[1] as number;
        for (let k = 0; k < q; k++) {
          corners(k, axes, R, idx, wts);
          const o = k * C;
          if (wts[0] !== 0 && wts[1] !== 0 && wts[2] !== 0 && wts[3] !== 0) {
            // gatherCorners' one-pass loop, inlined
            const w0 = wts[0];
            const w1 = wts[1];
            const w2 = wts[2];
            const w3 = wts[3];
            const s0 = idx[0] * C;
            const s1 = idx[1] * C;
            const s2 = idx[2] * C;
            const s3 = idx[3] * C;
            const fr = Math.fround;
            if (n === 0) {
              for (let c = 0; c < C; c++) out[o + c] = fr(fr(fr(0 + w0 * src[s0 + c]) + w1 * src[s1 + c]) + w2 * src[s2 + c]) + w3 * src[s3 + c];
            } else {
              for (let c = 0; c < C; c++) out[o + c] += fr(fr(fr(fr(0 + w0 * src[s0 + c]) + w1 * src[s1 + c]) + w2 * src[s2 + c]) + w3 * src[s3 + c]);
            }
            continue;
          }
          gatherCorners(row, src, idx, wts, 4, C);
          if (n === 0) out.set(row, o);
          else for (let c = 0; c < C; c++) out[o + c] += row[c];
        }
      }
    });
    // the adjoint scatter, written straight into the gradient's storage (the wasm heap: no JS array of the plane's
    // size per call, no copy into the heap, and dy read in place)
    const gradFunc = (dy: tf.Tensor) => {
      const idx = new Int32Array(4);
      const wts = new Float32Array(4);
      return feats.map((feat, n) => {
        const axes = PLANE_AXES[planes[n][0]];
        const R = feat.shape[1] as number;
        return jsKernelOutput(feat.shape, [dy], (df, [g]) => {
          df.fill(0);
          for (let k = 0; k < q; k++) {
            corners(k, axes, R, idx, wts);
            scatterCorners(df, g, k * C, idx, wts, 0, 4, C);
          }
        });
      });
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (f as unknown as (...a: tf.Tensor[]) => tf.Tensor)(...inputs) as tf.Tensor3D;
}

/**
 * `out[k] = Σ_j wts[K·k + j] · rows[idx[K·k + j]]` over the rows `[M, C]` of `features` (any shape whose last axis
 * is C), as a synchronous JS kernel whose gradient (the adjoint scatter) flows into the features only. Shared by
 * the bilinear (K = 4) and trilinear (K = 8) samplers on wasm/cpu.
 */
export function weightedCornerGatherJs(features: tf.Tensor, idx: Int32Array, wts: Float32Array, K: number, outShape: number[]): tf.Tensor {
  const C = features.shape[features.rank - 1] as number;
  const q = idx.length / K;
  const f = tf.customGrad(((ff: tf.Tensor) => {
    const value = jsKernelOutput(outShape, [ff], (out, [src]) => gatherCorners(out, src, idx, wts, K, C));
    // the adjoint scatter, written straight into the gradient's storage (see samplePlanesSum)
    const gradFunc = (dy: tf.Tensor) =>
      jsKernelOutput(features.shape, [dy], (df, [g]) => {
        df.fill(0);
        for (let k = 0; k < q; k++) scatterCorners(df, g, k * C, idx, wts, K * k, K, C);
      });
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (f as unknown as (a: tf.Tensor) => tf.Tensor)(features);
}

/**
 * The adjoint of one point's gather, shared by the gradients of {@link samplePlanesSum} and
 * {@link weightedCornerGatherJs}: `df[idx[e + j]] += wts[e + j] · g[o .. o + C)` over the K corners with a non-zero
 * weight, in corner order (float32 after each add, as `df` is a Float32Array).
 */
function scatterCorners(df: Float32Array, g: Float32Array, o: number, idx: Int32Array, wts: Float32Array, e: number, K: number, C: number): void {
  for (let j = 0; j < K; j++) {
    const w = wts[e + j];
    if (w === 0) continue;
    const s = idx[e + j] * C;
    for (let c = 0; c < C; c++) df[s + c] += w * g[o + c];
  }
}

/**
 * The forward loop of {@link weightedCornerGatherJs}, writing every value of `out [q·C]`. Rounds as the plain loop
 * `out[o + c] += w · src[s + c]` from 0 over the corners with w ≠ 0 (float32 after each corner, in corner order), so
 * the result is bit-identical to it; 4 and 8 corners with no zero weight take one pass over the channels.
 */
function gatherCorners(out: Float32Array, src: Float32Array, idx: Int32Array, wts: Float32Array, K: number, C: number): void {
  const fr = Math.fround;
  const q = idx.length / K;
  for (let k = 0; k < q; k++) {
    const o = k * C;
    const e = K * k;
    if (K === 4 && wts[e] !== 0 && wts[e + 1] !== 0 && wts[e + 2] !== 0 && wts[e + 3] !== 0) {
      const w0 = wts[e];
      const w1 = wts[e + 1];
      const w2 = wts[e + 2];
      const w3 = wts[e + 3];
      const s0 = idx[e] * C;
      const s1 = idx[e + 1] * C;
      const s2 = idx[e + 2] * C;
      const s3 = idx[e + 3] * C;
      for (let c = 0; c < C; c++) out[o + c] = fr(fr(fr(0 + w0 * src[s0 + c]) + w1 * src[s1 + c]) + w2 * src[s2 + c]) + w3 * src[s3 + c];
      continue;
    }
    if (K === 8 && wts[e] !== 0 && wts[e + 1] !== 0 && wts[e + 2] !== 0 && wts[e + 3] !== 0 && wts[e + 4] !== 0 && wts[e + 5] !== 0 && wts[e + 6] !== 0 && wts[e + 7] !== 0) {
      const w0 = wts[e];
      const w1 = wts[e + 1];
      const w2 = wts[e + 2];
      const w3 = wts[e + 3];
      const w4 = wts[e + 4];
      const w5 = wts[e + 5];
      const w6 = wts[e + 6];
      const w7 = wts[e + 7];
      const s0 = idx[e] * C;
      const s1 = idx[e + 1] * C;
      const s2 = idx[e + 2] * C;
      const s3 = idx[e + 3] * C;
      const s4 = idx[e + 4] * C;
      const s5 = idx[e + 5] * C;
      const s6 = idx[e + 6] * C;
      const s7 = idx[e + 7] * C;
      for (let c = 0; c < C; c++) {
        const a = fr(fr(fr(0 + w0 * src[s0 + c]) + w1 * src[s1 + c]) + w2 * src[s2 + c]);
        const b = fr(fr(fr(a + w3 * src[s3 + c]) + w4 * src[s4 + c]) + w5 * src[s5 + c]);
        out[o + c] = fr(b + w6 * src[s6 + c]) + w7 * src[s7 + c];
      }
      continue;
    }
    out.fill(0, o, o + C);
    for (let j = 0; j < K; j++) {
      const w = wts[e + j];
      if (w === 0) continue;
      const s = idx[e + j] * C;
      for (let c = 0; c < C; c++) out[o + c] += w * src[s + c];
    }
  }
}
