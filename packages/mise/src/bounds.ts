import { MiseError } from './errors.js';

/** An axis-aligned box: `[lo, hi]` on every axis, or `[[xlo, ylo, zlo], [xhi, yhi, zhi]]`. */
export type Bounds = readonly [number, number] | readonly [readonly [number, number, number], readonly [number, number, number]];

/** The reference box: padding 0.1 around the unit cube, [−0.55, 0.55]³ (REFERENCE §3.2). */
export const REFERENCE_BOUNDS: Bounds = [-0.55, 0.55];

/** Normalise {@link Bounds} to per-axis lo/hi, checking they are finite and lo < hi. @internal */
export function normalizeBounds(bounds: Bounds): { lo: number[]; hi: number[] } {
  let lo: number[];
  let hi: number[];
  if (Array.isArray(bounds) && bounds.length === 2 && typeof bounds[0] === 'number' && typeof bounds[1] === 'number') {
    lo = [bounds[0], bounds[0], bounds[0]];
    hi = [bounds[1], bounds[1], bounds[1]];
  } else if (
    Array.isArray(bounds) && bounds.length === 2 && Array.isArray(bounds[0]) && Array.isArray(bounds[1]) &&
    bounds[0].length === 3 && bounds[1].length === 3
  ) {
    lo = [...(bounds[0] as number[])];
    hi = [...(bounds[1] as number[])];
  } else {
    throw new MiseError('INVALID_OPTION', 'bounds must be [lo, hi] or [[xlo, ylo, zlo], [xhi, yhi, zhi]]');
  }
  for (let a = 0; a < 3; a++) {
    if (!(Number.isFinite(lo[a]) && Number.isFinite(hi[a]) && lo[a] < hi[a])) {
      throw new MiseError('INVALID_OPTION', `bounds on axis ${'xyz'[a]} must be finite with lo < hi, got [${lo[a]}, ${hi[a]}]`);
    }
    // Grid coordinates are float32 (size, centre, nodes): a box beyond it would give Infinity vertices.
    const f = Math.fround;
    if (![lo[a], hi[a], hi[a] - lo[a], (hi[a] + lo[a]) / 2].every((v) => Number.isFinite(f(v)))) {
      throw new MiseError('INVALID_OPTION', `bounds on axis ${'xyz'[a]} [${lo[a]}, ${hi[a]}] overflow float32 (±3.4e38); rescale the box`);
    }
  }
  return { lo, hi };
}

/**
 * World coordinates of the grid nodes along each axis, computed in float32 exactly as the reference does
 * for its box (ON:im2mesh/onet/generation.py): p = size · (i/R − 0.5) + center, with size = hi − lo, every
 * operation rounded to float32. For the default bounds [−0.55, 0.55] this is p = 1.1 · (i/R − 0.5).
 * @param resolution R (voxels per axis); each axis gets R + 1 coordinates, i ∈ [0, R].
 * @param bounds the box; default {@link REFERENCE_BOUNDS}.
 * @returns three Float32Array [R+1] (x, y, z).
 * @throws {@link MiseError} `INVALID_OPTION` for bad bounds or resolution.
 * @category MISE
 */
export function gridAxes(resolution: number, bounds: Bounds = REFERENCE_BOUNDS): [Float32Array, Float32Array, Float32Array] {
  if (!Number.isInteger(resolution) || resolution < 1) {
    throw new MiseError('INVALID_OPTION', `resolution must be an integer ≥ 1, got ${resolution}`);
  }
  const { lo, hi } = normalizeBounds(bounds);
  const f = Math.fround;
  const axes = [0, 1, 2].map((a) => {
    const size = f(hi[a] - lo[a]);
    const center = f((hi[a] + lo[a]) / 2);
    const out = new Float32Array(resolution + 1);
    for (let i = 0; i <= resolution; i++) out[i] = f(f(size * f(f(i / resolution) - 0.5)) + center);
    return out;
  });
  return axes as [Float32Array, Float32Array, Float32Array];
}
