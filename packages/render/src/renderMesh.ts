import type { TriangleMesh } from '@onet/io';
import type { Camera } from './camera.js';
import { RenderError } from './errors.js';

/** Options of {@link renderMesh}. */
export interface RenderOptions {
  /** Sub-samples per pixel and axis (anti-aliasing by box filter), an integer in [1, 4]. */
  supersample?: number;
  /** Object colour, linear RGB in [0, 1]. */
  color?: [number, number, number];
  /** Background colour, RGB in [0, 1] (the reference's renderings are composited on white). */
  background?: [number, number, number];
  /** Ambient share of the shading in [0, 1]; the rest is a headlight-like key light, two-sided. */
  ambient?: number;
}

/** Defaults of {@link RenderOptions}. */
export const RENDER_DEFAULTS: Required<RenderOptions> = { supersample: 2, color: [0.7, 0.72, 0.75], background: [1, 1, 1], ambient: 0.3 };

/** An image rendered by {@link renderMesh}. */
export interface RenderedImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** RGB bytes, row-major from the top-left pixel `[H·W·3]`. */
  rgb: Uint8Array;
  /** Silhouette `[H·W]`: 1 where the object covers at least half of the pixel's sub-samples. */
  mask: Uint8Array;
  /** Nearest depth `−z_cam` per pixel `[H·W]` (world units, along the view axis), `Infinity` on the background. */
  depth: Float32Array;
}

// key light direction in the view frame (towards the light): from the upper left, in front of the object
const LIGHT = (() => {
  const l = [-0.35, 0.5, 1];
  const n = Math.hypot(l[0], l[1], l[2]);
  return l.map((v) => v / n);
})();

/**
 * Render a triangle mesh with a z-buffer rasteriser: flat two-sided Lambert shading (ambient + one key light fixed in
 * the view frame), box-filtered supersampling, no textures. Deterministic: the same mesh, camera and options give
 * the same bytes on every machine (plain float64 arithmetic, no GPU). Pure TypeScript, Node and browser; cost is
 * linear in triangles plus covered sub-pixels (see the package README for timings).
 *
 * `mesh` is in the world frame of `camera` (see {@link Camera}); every vertex must lie in front of the camera
 * (depth ≥ 1e-3): nothing is clipped.
 * @throws {@link RenderError} `INVALID_MESH` (non-finite positions, indices out of range), `BEHIND_CAMERA`,
 *   `INVALID_OPTION`.
 */
export function renderMesh(mesh: TriangleMesh, camera: Camera, options: RenderOptions = {}): RenderedImage {
  const o = { ...RENDER_DEFAULTS, ...options };
  const ss = o.supersample;
  if (!Number.isInteger(ss) || ss < 1 || ss > 4) throw new RenderError('INVALID_OPTION', `supersample must be an integer in [1, 4], got ${ss}`);
  if (!Number.isFinite(o.ambient) || o.ambient < 0 || o.ambient > 1) throw new RenderError('INVALID_OPTION', `ambient must be in [0, 1], got ${o.ambient}`);
  for (const [k, c] of [['color', o.color], ['background', o.background]] as const) {
    if (!Array.isArray(c) || c.length !== 3 || c.some((v) => !Number.isFinite(v) || v < 0 || v > 1)) throw new RenderError('INVALID_OPTION', `${k} must be three numbers in [0, 1], got ${JSON.stringify(c)}`);
  }
  const { positions: P, indices: I } = mesh;
  if (P.length % 3 !== 0 || I.length % 3 !== 0) throw new RenderError('INVALID_MESH', `positions and indices must hold whole vertices/triangles, got ${P.length} and ${I.length} values`);
  const nv = P.length / 3;
  const W = camera.width * ss;
  const H = camera.height * ss;
  const f = [camera.fx * ss, camera.fy * ss];
  const c = [camera.cx * ss, camera.cy * ss];
  const R = camera.rotation;
  // per vertex: view-frame position, screen position, 1/depth
  const view = new Float64Array(nv * 3);
  const sx = new Float64Array(nv);
  const sy = new Float64Array(nv);
  const invDepth = new Float64Array(nv);
  for (let i = 0; i < nv; i++) {
    const x = P[3 * i];
    const y = P[3 * i + 1];
    const z = P[3 * i + 2];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) throw new RenderError('INVALID_MESH', `vertex ${i} is not finite: ${x}, ${y}, ${z}`);
    const vx = R[0] * x + R[1] * y + R[2] * z;
    const vy = R[3] * x + R[4] * y + R[5] * z;
    const vz = R[6] * x + R[7] * y + R[8] * z;
    const depth = camera.distance - vz;
    if (depth < 1e-3) throw new RenderError('BEHIND_CAMERA', `vertex ${i} is at depth ${depth} from the camera; move the camera back (distance) or normalise the mesh`);
    view[3 * i] = vx;
    view[3 * i + 1] = vy;
    view[3 * i + 2] = vz;
    sx[i] = c[0] + (f[0] * vx) / depth;
    sy[i] = c[1] - (f[1] * vy) / depth;
    invDepth[i] = 1 / depth;
  }
  const zbuf = new Float64Array(W * H); // 1/depth, 0 = empty
  const shade = new Float32Array(W * H);
  for (let t = 0; t < I.length; t += 3) {
    const a = I[t];
    const b = I[t + 1];
    const d = I[t + 2];
    if (a >= nv || b >= nv || d >= nv) throw new RenderError('INVALID_MESH', `triangle ${t / 3} indexes vertex ${Math.max(a, b, d)} of ${nv}`);
    const x0 = sx[a];
    const y0 = sy[a];
    const x1 = sx[b];
    const y1 = sy[b];
    const x2 = sx[d];
    const y2 = sy[d];
    const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (area === 0) continue;
    // two-sided flat shading from the view-frame face normal
    const ux = view[3 * b] - view[3 * a];
    const uy = view[3 * b + 1] - view[3 * a + 1];
    const uz = view[3 * b + 2] - view[3 * a + 2];
    const wx = view[3 * d] - view[3 * a];
    const wy = view[3 * d + 1] - view[3 * a + 1];
    const wz = view[3 * d + 2] - view[3 * a + 2];
    const nx = uy * wz - uz * wy;
    const ny = uz * wx - ux * wz;
    const nz = ux * wy - uy * wx;
    const nn = Math.hypot(nx, ny, nz);
    const lambert = nn > 0 ? Math.abs(nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]) / nn : 0;
    const s = o.ambient + (1 - o.ambient) * lambert;
    const i0 = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
    const i1 = Math.min(H - 1, Math.ceil(Math.max(y0, y1, y2)));
    const j0 = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
    const j1 = Math.min(W - 1, Math.ceil(Math.max(x0, x1, x2)));
    const inv = 1 / area;
    for (let i = i0; i <= i1; i++) {
      const py = i + 0.5;
      for (let j = j0; j <= j1; j++) {
        const px = j + 0.5;
        // barycentric weights of vertices b, d and a (edge functions over the signed area)
        const wb = ((px - x0) * (y2 - y0) - (x2 - x0) * (py - y0)) * inv;
        const wd = ((x1 - x0) * (py - y0) - (px - x0) * (y1 - y0)) * inv;
        const wa = 1 - wb - wd;
        if (wa < 0 || wb < 0 || wd < 0) continue;
        // 1/depth is affine in screen space: interpolate it and keep the nearest
        const z = wa * invDepth[a] + wb * invDepth[b] + wd * invDepth[d];
        const k = i * W + j;
        if (z > zbuf[k]) {
          zbuf[k] = z;
          shade[k] = s;
        }
      }
    }
  }
  // box-filter the sub-samples down to pixels
  const w = camera.width;
  const h = camera.height;
  const rgb = new Uint8Array(w * h * 3);
  const mask = new Uint8Array(w * h);
  const depth = new Float32Array(w * h);
  const n = ss * ss;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let covered = 0;
      let sum = 0;
      let near = 0;
      for (let a = 0; a < ss; a++) {
        for (let b = 0; b < ss; b++) {
          const k = (i * ss + a) * W + j * ss + b;
          if (zbuf[k] > 0) {
            covered++;
            sum += shade[k];
            near = Math.max(near, zbuf[k]);
          }
        }
      }
      const p = i * w + j;
      for (let ch = 0; ch < 3; ch++) {
        const v = (o.color[ch] * sum + o.background[ch] * (n - covered)) / n;
        rgb[3 * p + ch] = Math.min(255, Math.max(0, Math.round(v * 255)));
      }
      mask[p] = 2 * covered >= n ? 1 : 0;
      depth[p] = near > 0 ? 1 / near : Number.POSITIVE_INFINITY;
    }
  }
  return { width: w, height: h, rgb, mask, depth };
}
