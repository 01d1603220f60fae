import { SamplingError } from '../errors.js';

/**
 * Flip every triangle whose normal points towards `center` (valid for meshes star-shaped around it, e.g.
 * convex ones), so all faces are counter-clockwise seen from outside. @internal
 */
export function orientOutward(positions: Float32Array, indices: Uint32Array, center: ArrayLike<number>): void {
  const p = positions;
  for (let t = 0; t < indices.length; t += 3) {
    const a = 3 * indices[t], b = 3 * indices[t + 1], c = 3 * indices[t + 2];
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const cx = (p[a] + p[b] + p[c]) / 3 - center[0];
    const cy = (p[a + 1] + p[b + 1] + p[c + 1]) / 3 - center[1];
    const cz = (p[a + 2] + p[b + 2] + p[c + 2]) / 3 - center[2];
    if (nx * cx + ny * cy + nz * cz < 0) {
      const tmp = indices[t + 1];
      indices[t + 1] = indices[t + 2];
      indices[t + 2] = tmp;
    }
  }
}

/** @internal */
export function checkPositive(x: number, what: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
    throw new SamplingError('INVALID_ARGUMENT', `${what} must be a finite number > 0, got ${String(x)}`);
  }
}

/** @internal */
export function checkSegments(n: number, what: string, min: number, max = 4096): void {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new SamplingError('INVALID_ARGUMENT', `${what} must be an integer in [${min}, ${max}], got ${String(n)}`);
  }
}

/** @internal */
export function checkCenter(center: ArrayLike<number>): void {
  if (!center || center.length !== 3 || ![0, 1, 2].every((k) => Number.isFinite(center[k]))) {
    throw new SamplingError('INVALID_ARGUMENT', 'center must be three finite numbers [x, y, z]');
  }
}
