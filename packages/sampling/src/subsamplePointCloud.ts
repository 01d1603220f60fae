import type { PointCloud } from '@onet/io';
import { SamplingError } from './errors.js';
import { resolveRng, type RandomOptions } from './rng.js';
import { checkCount, checkNumber, checkPoints } from './validate.js';

/** Options of {@link subsamplePointCloud}. */
export interface SubsamplePointCloudOptions extends RandomOptions {
  /** Standard deviation of the Gaussian noise added to each coordinate (reference 0.005, unit-cube units). */
  noiseStd?: number;
}

/** Defaults of {@link SubsamplePointCloudOptions}. */
export const SUBSAMPLE_POINT_CLOUD_DEFAULTS = { noiseStd: 0.005, seed: 0 };

/**
 * The reference's point-cloud input (REFERENCE §2.2, ON:im2mesh/data/transforms.py `SubsamplePointcloud`
 * + `PointcloudNoise`): choose `n` points **with replacement** from the cloud, then add i.i.d.
 * N(0, noiseStd²) noise to every coordinate. Draws the n indices first, then 3n normal variates.
 *
 * @param pc a {@link PointCloud} or its `points` `[M·3]` directly.
 * @param n number of points to return (default 300).
 * @returns `Float32Array [n·3]`.
 * @example
 * ```ts
 * const input = subsamplePointCloud(cloud, 300, { noiseStd: 0.005, seed: 7 });
 * ```
 * @throws {@link SamplingError} `EMPTY` for an empty cloud, `SHAPE_MISMATCH`, `NON_FINITE`, `INVALID_ARGUMENT`.
 * @category Sampling
 */
export function subsamplePointCloud(
  pc: PointCloud | Float32Array,
  n = 300,
  options: SubsamplePointCloudOptions = {},
): Float32Array {
  const { noiseStd } = { ...SUBSAMPLE_POINT_CLOUD_DEFAULTS, ...options };
  checkCount(n, 'n');
  checkNumber(noiseStd, 'noiseStd', 0);
  const src = pc instanceof Float32Array ? pc : pc?.points;
  checkPoints(src as Float32Array, 'point cloud');
  const m = src.length / 3;
  if (m === 0 && n > 0) throw new SamplingError('EMPTY', 'point cloud is empty; cannot subsample');
  const rng = resolveRng(options);
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const j = rng.int(m);
    out[3 * i] = src[3 * j];
    out[3 * i + 1] = src[3 * j + 1];
    out[3 * i + 2] = src[3 * j + 2];
  }
  if (noiseStd > 0) for (let i = 0; i < out.length; i++) out[i] += noiseStd * rng.normal();
  return out;
}
