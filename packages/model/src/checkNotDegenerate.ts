import { PipelineError } from './errors.js';

/** Fewest input points {@link reconstruct} accepts: fewer do not describe a surface. */
export const MIN_INPUT_POINTS = 10;

/**
 * Relative thickness below which a cloud counts as flat (or thin, as a line): the square root of the ratio of
 * the smallest (middle, for a line) to the largest principal variance. 1e-3 is 1 mm on a 1 m shape.
 */
export const DEGENERATE_RATIO = 1e-3;

/** Eigenvalues of a symmetric 3×3 matrix, largest first (closed form, Smith 1961). */
function symmetricEigenvalues(a: number, b: number, c: number, d: number, e: number, f: number): [number, number, number] {
  // [[a d f] [d b e] [f e c]]
  const p1 = d * d + e * e + f * f;
  if (p1 === 0) return [a, b, c].sort((x, y) => y - x) as [number, number, number];
  const q = (a + b + c) / 3;
  const p2 = (a - q) ** 2 + (b - q) ** 2 + (c - q) ** 2 + 2 * p1;
  const p = Math.sqrt(p2 / 6);
  const [ba, bb, bc, bd, be, bf] = [(a - q) / p, (b - q) / p, (c - q) / p, d / p, e / p, f / p];
  const det = ba * (bb * bc - be * be) - bd * (bd * bc - be * bf) + bf * (bd * be - bb * bf);
  const r = Math.min(1, Math.max(-1, det / 2));
  const phi = Math.acos(r) / 3;
  const l1 = q + 2 * p * Math.cos(phi);
  const l3 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  return [l1, 3 * q - l1 - l3, l3];
}

/**
 * Refuse a point cloud that cannot describe a solid: fewer than {@link MIN_INPUT_POINTS} points, all points
 * identical, or all on one line or one plane (principal thickness below {@link DEGENERATE_RATIO} of the
 * largest extent). Such inputs give an empty or meaningless mesh, never a reconstruction.
 *
 * @param points `[N·3]`, finite (check with `checkPointCloud` first).
 * @param what How the message names the points.
 * @param minPoints Fewest points accepted (a mesh's vertices: 4 make a tetrahedron).
 * @throws {@link PipelineError} `DEGENERATE_INPUT` naming what is wrong.
 * @category Generation
 */
export function checkNotDegenerate(points: Float32Array, what = 'input point cloud', minPoints = MIN_INPUT_POINTS): void {
  const n = points.length / 3;
  if (n < minPoints) {
    throw new PipelineError('DEGENERATE_INPUT', `the ${what} has ${n} point${n === 1 ? '' : 's'}; at least ${minPoints} are needed to describe a surface`);
  }
  let mx = 0, my = 0, mz = 0;
  for (let i = 0; i < points.length; i += 3) {
    mx += points[i];
    my += points[i + 1];
    mz += points[i + 2];
  }
  mx /= n;
  my /= n;
  mz /= n;
  let xx = 0, yy = 0, zz = 0, xy = 0, yz = 0, xz = 0;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i] - mx, y = points[i + 1] - my, z = points[i + 2] - mz;
    xx += x * x;
    yy += y * y;
    zz += z * z;
    xy += x * y;
    yz += y * z;
    xz += x * z;
  }
  const [l1, l2, l3] = symmetricEigenvalues(xx / n, yy / n, zz / n, xy / n, yz / n, xz / n);
  if (!(l1 > 0)) throw new PipelineError('DEGENERATE_INPUT', `all ${n} points of the ${what} are identical; give a cloud that spans a volume`);
  const ratio = (l: number) => Math.sqrt(Math.max(0, l) / l1);
  if (ratio(l2) < DEGENERATE_RATIO) throw new PipelineError('DEGENERATE_INPUT', `the ${n} points of the ${what} lie on one line; give a cloud that spans a volume`);
  if (ratio(l3) < DEGENERATE_RATIO) throw new PipelineError('DEGENERATE_INPUT', `the ${n} points of the ${what} lie in one plane; give a cloud that spans a volume`);
}
