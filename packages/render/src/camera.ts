import type { TriangleMesh } from '@onet/io';
import { createRng } from '@onet/sampling';
import { RenderError } from './errors.js';

/**
 * A pinhole camera looking at the origin (the object's centre), with its frames:
 *
 * - **world**: the mesh's frame (normalised: bbox centre at the origin, longest side 1).
 * - **view** (what a viewer-centred model predicts in): `p_view = R·p_world` — the world rotated so the camera sits
 *   on the +z axis at `(0, 0, distance)`, x to the image's right, y to the image's top (three.js/OpenGL camera
 *   axes), the object centre still at the origin. Occupancy points for training and evaluation are rotated the same way.
 * - **camera** (extrinsics): `p_cam = R·p_world + t` with `t = (0, 0, −distance)`; the camera looks down −z.
 *
 * Projection (intrinsics, pixels; row v grows downwards, pixel (i, j) covers [j, j+1)×[i, i+1)):
 * `u = cx + fx·x_cam/(−z_cam)`, `v = cy − fy·y_cam/(−z_cam)`. OpenCV's `K = [[fx,0,cx],[0,fy,cy],[0,0,1]]` applies
 * to `diag(1, −1, −1)·p_cam`.
 */
export interface Camera {
  /** Image width in pixels. */
  width: number;
  /** Image height in pixels. */
  height: number;
  /** Focal length along x, pixels. */
  fx: number;
  /** Focal length along y, pixels. */
  fy: number;
  /** Principal point x, pixels (width / 2). */
  cx: number;
  /** Principal point y, pixels (height / 2). */
  cy: number;
  /** World → view rotation `R`, row-major 3×3 (rows: the camera's right, up and backward axes in world coordinates). */
  rotation: number[];
  /** Distance from the camera centre to the origin, world units. */
  distance: number;
  /** Azimuth about world +y, radians (0 = camera on +z). */
  azimuth: number;
  /** Elevation above the xz-plane, radians. */
  elevation: number;
}

/** Options of {@link randomView} and {@link lookAtCamera}. */
export interface ViewOptions {
  /** Image width in pixels. */
  width?: number;
  /** Image height in pixels. */
  height?: number;
  /** Vertical field of view, degrees. With the default distance a normalised mesh (radius ≤ √3/2) always fits. */
  fovDeg?: number;
  /** Camera distance from the origin, world units (> √3/2 so the camera is outside any normalised mesh). */
  distance?: number;
  /** Elevation range for {@link randomView}, degrees, within (−89, 89). */
  elevationRangeDeg?: [number, number];
}

/** Defaults of {@link ViewOptions}: 64² images, 50° fov at distance 2.2, elevations −20°…50°. */
export const VIEW_DEFAULTS: Required<ViewOptions> = { width: 64, height: 64, fovDeg: 50, distance: 2.2, elevationRangeDeg: [-20, 50] };

function checkView(o: Required<ViewOptions>): void {
  const bad = (what: string, v: unknown) => {
    throw new RenderError('INVALID_OPTION', `${what} is out of range, got ${JSON.stringify(v)}`);
  };
  for (const k of ['width', 'height'] as const) if (!Number.isInteger(o[k]) || o[k] < 1 || o[k] > 8192) bad(`${k} (an integer in [1, 8192])`, o[k]);
  if (!Number.isFinite(o.fovDeg) || o.fovDeg <= 0 || o.fovDeg >= 170) bad('fovDeg (in (0, 170))', o.fovDeg);
  if (!Number.isFinite(o.distance) || o.distance <= Math.sqrt(3) / 2) bad('distance (> √3/2, outside any normalised mesh)', o.distance);
  const [lo, hi] = o.elevationRangeDeg ?? [];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi || lo <= -89 || hi >= 89) bad('elevationRangeDeg ([lo, hi] within (−89, 89))', o.elevationRangeDeg);
}

/**
 * The camera at `azimuth`/`elevation` (radians) looking at the origin with world +y up (see {@link Camera} for the frames).
 * @throws {@link RenderError} `INVALID_OPTION` for a bad size, fov, distance or an elevation outside (−89°, 89°).
 */
export function lookAtCamera(azimuth: number, elevation: number, options: ViewOptions = {}): Camera {
  const o = { ...VIEW_DEFAULTS, ...options };
  checkView(o);
  const lim = (89 * Math.PI) / 180;
  if (!Number.isFinite(azimuth) || !Number.isFinite(elevation) || Math.abs(elevation) >= lim) {
    throw new RenderError('INVALID_OPTION', `azimuth must be finite and elevation within (−89°, 89°), got ${azimuth}, ${elevation} rad`);
  }
  const ce = Math.cos(elevation);
  const back = [ce * Math.sin(azimuth), Math.sin(elevation), ce * Math.cos(azimuth)]; // origin → camera
  const rn = Math.hypot(back[2], back[0]);
  const right = [back[2] / rn, 0, -back[0] / rn]; // (0, 1, 0) × back, normalised
  const up = [back[1] * right[2] - back[2] * right[1], back[2] * right[0] - back[0] * right[2], back[0] * right[1] - back[1] * right[0]];
  const f = o.height / 2 / Math.tan((o.fovDeg * Math.PI) / 360);
  return { width: o.width, height: o.height, fx: f, fy: f, cx: o.width / 2, cy: o.height / 2, rotation: [...right, ...up, ...back], distance: o.distance, azimuth, elevation };
}

/**
 * A seeded random view: azimuth uniform in [0, 2π), elevation uniform in `elevationRangeDeg`. The same seed and
 * options always give the same camera.
 * @throws {@link RenderError} `INVALID_OPTION` for bad options (see {@link ViewOptions}).
 */
export function randomView(seed: number, options: ViewOptions = {}): Camera {
  const o = { ...VIEW_DEFAULTS, ...options };
  checkView(o);
  const rng = createRng(seed);
  const az = 2 * Math.PI * rng.next();
  const [lo, hi] = o.elevationRangeDeg;
  const el = ((lo + (hi - lo) * rng.next()) * Math.PI) / 180;
  return lookAtCamera(az, el, o);
}

/** World → view: `R·p` for each point of `points` `[N·3]` (new array; see {@link Camera}). */
export function toViewFrame(points: Float32Array, camera: Camera): Float32Array {
  return rotatePoints(points, camera.rotation, false);
}

/** View → world: `Rᵀ·p` for each point of `points` `[N·3]` (new array), the inverse of {@link toViewFrame}. */
export function fromViewFrame(points: Float32Array, camera: Camera): Float32Array {
  return rotatePoints(points, camera.rotation, true);
}

/**
 * A mesh rotated from the world into the camera's **view** frame (`p_view = R·p` for every vertex, per-vertex
 * normals rotated too; faces unchanged — a rotation keeps their orientation): the ground truth a viewer-centred
 * model's output is compared with.
 *
 * @example
 * ```ts
 * const cam = randomView(7);
 * const gtView = meshToViewFrame(mesh, cam); // compare with reconstructImage(model, renderMesh(mesh, cam).rgb).mesh
 * ```
 */
export function meshToViewFrame(mesh: TriangleMesh, camera: Camera): TriangleMesh {
  return { positions: toViewFrame(mesh.positions, camera), indices: mesh.indices.slice(), ...(mesh.normals ? { normals: toViewFrame(mesh.normals, camera) } : {}) };
}

/** `R·p` (or `Rᵀ·p` when `transpose`) for each point; `R` row-major 3×3. */
function rotatePoints(points: Float32Array, R: ArrayLike<number>, transpose: boolean): Float32Array {
  // row i of the applied matrix: R[3i + j] (R) or R[3j + i] (Rᵀ)
  const [a, b, c, d, e, f, g, h, k] = transpose ? [R[0], R[3], R[6], R[1], R[4], R[7], R[2], R[5], R[8]] : Array.from(R);
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i];
    const y = points[i + 1];
    const z = points[i + 2];
    out[i] = a * x + b * y + c * z;
    out[i + 1] = d * x + e * y + f * z;
    out[i + 2] = g * x + h * y + k * z;
  }
  return out;
}
