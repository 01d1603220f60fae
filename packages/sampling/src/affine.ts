import type { TriangleMesh } from '@onet/io';
import { SamplingError } from './errors.js';
import type { Rng } from './rng.js';
import { checkMesh } from './validate.js';

/** Options of {@link randomAffine}. */
export interface RandomAffineOptions {
  /** `false`: no rotation; `'y'`: uniform angle about the y (up) axis; `true`: uniform rotation in SO(3). */
  rotate?: boolean | 'y';
  /** Uniform scale factor drawn uniformly from `[lo, hi]`. */
  scaleRange?: [number, number];
  /** Per-axis stretch factors, each drawn uniformly from `[lo, hi]` (anisotropic scaling before rotation). */
  stretchRange?: [number, number];
}

/** Defaults of {@link RandomAffineOptions}: the identity. */
export const RANDOM_AFFINE_DEFAULTS: Required<RandomAffineOptions> = { rotate: false, scaleRange: [1, 1], stretchRange: [1, 1] };

function checkRange(r: [number, number], what: string): void {
  if (!Array.isArray(r) || r.length !== 2 || !(r[0] > 0) || !(r[1] >= r[0]) || !Number.isFinite(r[1])) {
    throw new SamplingError('INVALID_ARGUMENT', `${what} must be [lo, hi] with 0 < lo ≤ hi, got ${JSON.stringify(r)}`);
  }
}

/**
 * A random affine map for data augmentation: `A = s · R · diag(stretch)` with no translation, as a
 * row-major 3×4 matrix `[a00 a01 a02 t0, a10 a11 a12 t1, a20 a21 a22 t2]` (`x' = A x + t`). Draws, in
 * order: 3 stretch factors, the scale, then the rotation (1 uniform for `'y'`, 3 for SO(3), Shoemake's
 * uniform quaternion). Normalise the transformed mesh again afterwards if it must fit the unit cube.
 *
 * @returns `Float32Array(12)`.
 * @example
 * ```ts
 * const A = randomAffine(createRng(1), { rotate: 'y', scaleRange: [0.9, 1.1], stretchRange: [0.8, 1.2] });
 * const copy = normalizeMesh(transformMesh(mesh, A)).mesh;
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for empty or non-positive ranges.
 * @category Augmentation
 */
export function randomAffine(rng: Rng, options: RandomAffineOptions = {}): Float32Array {
  const { rotate, scaleRange, stretchRange } = { ...RANDOM_AFFINE_DEFAULTS, ...options };
  checkRange(scaleRange, 'scaleRange');
  checkRange(stretchRange, 'stretchRange');
  const lerp = (r: [number, number]): number => r[0] + (r[1] - r[0]) * rng.next();
  const st = [lerp(stretchRange), lerp(stretchRange), lerp(stretchRange)];
  const s = lerp(scaleRange);
  let R = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (rotate === 'y') {
    const a = 2 * Math.PI * rng.next();
    const c = Math.cos(a), sn = Math.sin(a);
    R = [c, 0, sn, 0, 1, 0, -sn, 0, c];
  } else if (rotate === true) {
    const u1 = rng.next(), u2 = rng.next(), u3 = rng.next();
    const a = Math.sqrt(1 - u1), b = Math.sqrt(u1);
    const x = a * Math.sin(2 * Math.PI * u2), y = a * Math.cos(2 * Math.PI * u2);
    const z = b * Math.sin(2 * Math.PI * u3), w = b * Math.cos(2 * Math.PI * u3);
    R = [
      1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
      2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
      2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
    ];
  } else if (rotate !== false) {
    throw new SamplingError('INVALID_ARGUMENT', `rotate must be false, true or 'y', got ${String(rotate)}`);
  }
  const out = new Float32Array(12);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[4 * i + j] = s * R[3 * i + j] * st[j];
  return out;
}

/**
 * Apply a row-major 3×4 affine map (`x' = A x + t`, see {@link randomAffine}) to a mesh. Per-vertex normals
 * are mapped by the inverse transpose and renormalised; when `det A < 0` the triangle order is flipped so
 * faces stay counter-clockwise seen from outside.
 *
 * @returns a new mesh (the input is untouched).
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for a matrix that is not 12 finite numbers or is singular.
 * @category Augmentation
 */
export function transformMesh(mesh: TriangleMesh, affine: ArrayLike<number>): TriangleMesh {
  checkMesh(mesh, false);
  if (!affine || affine.length !== 12 || !Array.from(affine).every(Number.isFinite)) {
    throw new SamplingError('INVALID_ARGUMENT', 'affine must be 12 finite numbers (row-major 3×4)');
  }
  const a = Array.from(affine);
  const m = [a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]];
  const det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  if (!(Math.abs(det) > 1e-12)) throw new SamplingError('INVALID_ARGUMENT', 'affine matrix is singular; it would flatten the mesh');
  const p = mesh.positions;
  const positions = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i], y = p[i + 1], z = p[i + 2];
    positions[i] = a[0] * x + a[1] * y + a[2] * z + a[3];
    positions[i + 1] = a[4] * x + a[5] * y + a[6] * z + a[7];
    positions[i + 2] = a[8] * x + a[9] * y + a[10] * z + a[11];
  }
  const indices = mesh.indices.slice();
  if (det < 0) for (let t = 0; t < indices.length; t += 3) [indices[t + 1], indices[t + 2]] = [indices[t + 2], indices[t + 1]];
  const out: TriangleMesh = { positions, indices };
  if (mesh.normals && mesh.normals.length === p.length) {
    // inverse transpose = cofactor matrix / det
    const c = [
      m[4] * m[8] - m[5] * m[7], m[5] * m[6] - m[3] * m[8], m[3] * m[7] - m[4] * m[6],
      m[2] * m[7] - m[1] * m[8], m[0] * m[8] - m[2] * m[6], m[1] * m[6] - m[0] * m[7],
      m[1] * m[5] - m[2] * m[4], m[2] * m[3] - m[0] * m[5], m[0] * m[4] - m[1] * m[3],
    ];
    const sg = det > 0 ? 1 : -1;
    const n = mesh.normals;
    const normals = new Float32Array(n.length);
    for (let i = 0; i < n.length; i += 3) {
      const x = c[0] * n[i] + c[1] * n[i + 1] + c[2] * n[i + 2];
      const y = c[3] * n[i] + c[4] * n[i + 1] + c[5] * n[i + 2];
      const z = c[6] * n[i] + c[7] * n[i + 1] + c[8] * n[i + 2];
      const l = Math.hypot(x, y, z) || 1;
      normals[i] = (sg * x) / l;
      normals[i + 1] = (sg * y) / l;
      normals[i + 2] = (sg * z) / l;
    }
    out.normals = normals;
  }
  return out;
}
