import type { Camera } from './camera.js';
import { RenderError } from './errors.js';

/**
 * The silhouette-extrusion baseline of single-view reconstruction: a point is occupied when it projects into the
 * silhouette and its depth lies in `[near, far]` (the object's depth range along the view axis, `−z_cam`, e.g.
 * from the ground truth's extent: an oracle baseline). It is the one-view visual hull cut to the true depth range, so
 * a single-view model has to beat it to show that it infers shape beyond the outline.
 *
 * `points` `[N·3]` are in the camera's **view** frame (see {@link Camera}); `mask` `[H·W]` is a silhouette at the
 * camera's size (e.g. `renderMesh(...).mask`), row-major from the top-left pixel. Returns occupancy `[N]` (1/0).
 * @throws {@link RenderError} `INVALID_OPTION` for a mask of the wrong size, a bad depth range or points not `[N·3]`.
 */
export function silhouetteOccupancy(points: Float32Array, mask: Uint8Array, camera: Camera, depthRange: [number, number]): Uint8Array {
  const { width: W, height: H, fx, fy, cx, cy, distance } = camera;
  if (mask.length !== W * H) throw new RenderError('INVALID_OPTION', `the mask has ${mask.length} pixels, the camera ${W}×${H}`);
  const [near, far] = depthRange;
  if (!(Number.isFinite(near) && Number.isFinite(far) && near > 0 && near <= far)) throw new RenderError('INVALID_OPTION', `depthRange must be [near, far] with 0 < near ≤ far, got ${JSON.stringify(depthRange)}`);
  if (points.length % 3 !== 0) throw new RenderError('INVALID_OPTION', `points must be [N·3], got ${points.length} values`);
  const n = points.length / 3;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const depth = distance - points[3 * i + 2];
    if (!(depth >= near && depth <= far)) continue;
    const u = Math.floor(cx + (fx * points[3 * i]) / depth);
    const v = Math.floor(cy - (fy * points[3 * i + 1]) / depth);
    if (u >= 0 && u < W && v >= 0 && v < H && mask[v * W + u]) out[i] = 1;
  }
  return out;
}

/**
 * The depth range `[near, far]` of `points` `[N·3]` (view frame, see {@link Camera}) along the camera's view axis:
 * depth = `distance − z_view`. With a ground truth's vertices it is the oracle range {@link silhouetteOccupancy}
 * extrudes the silhouette through.
 * @throws {@link RenderError} `INVALID_OPTION` for no points, points not `[N·3]`, non-finite values or a point at or
 *   behind the camera.
 */
export function viewDepthRange(points: Float32Array, camera: Camera): [number, number] {
  if (points.length === 0 || points.length % 3 !== 0) throw new RenderError('INVALID_OPTION', `points must be [N·3] with N ≥ 1, got ${points.length} values`);
  let near = Infinity;
  let far = -Infinity;
  for (let i = 2; i < points.length; i += 3) {
    const depth = camera.distance - points[i];
    if (!Number.isFinite(depth)) throw new RenderError('INVALID_OPTION', `point ${(i - 2) / 3} is not finite`);
    if (depth < near) near = depth;
    if (depth > far) far = depth;
  }
  if (!(near > 0)) throw new RenderError('INVALID_OPTION', `a point lies at or behind the camera (depth ${near}); is it in the view frame of this camera?`);
  return [near, far];
}
