import type { TriangleMesh } from '@onet/io';
import { voxelize, type VoxelizeOptions } from './voxelize.js';
import { SamplingError } from './errors.js';
import { checkMesh, checkNumber } from './validate.js';

/** Options of {@link voxelizeMesh}. */
export interface VoxelizeMeshOptions {
  /** Cells per axis (the reference's voxel input: 32). */
  resolution?: number;
  /** The grid covers `[−(1 + padding)/2, (1 + padding)/2]³` (0: the unit cube [−½, ½]³, the reference's box). */
  padding?: number;
  /** Inside test for the cell centres (see `contains`). */
  method?: VoxelizeOptions['method'];
  /** Also mark every cell the surface passes through (binvox's surface + fill); false = centres only ({@link voxelize}). */
  surface?: boolean;
}

/** Defaults of {@link VoxelizeMeshOptions}. */
export const VOXELIZE_MESH_DEFAULTS: Required<VoxelizeMeshOptions> = { resolution: 32, padding: 0, method: 'winding', surface: true };

/**
 * Occupancy grid of a mesh the way voxel files made from meshes look (binvox: surface cells plus the filled
 * interior): cell (i, j, k) is occupied when its centre is inside the mesh ({@link voxelize}, generalized winding
 * number by default) **or** a triangle passes through the cell (a triangle–box overlap test with a positive
 * overlap; a triangle that only touches a cell's boundary face, edge or corner does not mark it, so a box whose
 * faces lie on cell faces marks exactly the cells inside it). Deterministic (no randomness).
 *
 * Layout as {@link voxelize}: `R = resolution`, cell size `s = (1 + padding)/R`, centre of cell (i, j, k) at
 * `−(1 + padding)/2 + ((i, j, k) + ½)·s`, stored at `(i·R + j)·R + k` (i along x, k along z; ONet's voxel layout
 * after the binvox xzy → xyz fix). Normalise the mesh first (`normalizeMesh`: bbox centre at 0, longest side 1).
 *
 * @returns `Uint8Array [R³]`, 1 = occupied.
 * @example
 * ```ts
 * const vox = voxelizeMesh(normalizeMesh(mesh).mesh); // 32³, unit cube
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` / `TOO_LARGE` for a bad resolution or padding, and as `contains`.
 * @category Inside/outside
 */
export function voxelizeMesh(mesh: TriangleMesh, options: VoxelizeMeshOptions = {}): Uint8Array {
  const o = { ...VOXELIZE_MESH_DEFAULTS, ...options };
  const out = voxelize(mesh, { resolution: o.resolution, padding: o.padding, method: o.method });
  if (typeof o.surface !== 'boolean') throw new SamplingError('INVALID_ARGUMENT', `surface must be a boolean, got ${String(o.surface)}`);
  if (!o.surface) return out;
  checkMesh(mesh, false);
  checkNumber(o.padding, 'padding', -0.999999, 1e6);
  markSurfaceCells(mesh, out, o.resolution, (1 + o.padding) / 2);
  return out;
}

/** Set to 1 every cell of the `R³` grid over [−h, h]³ that a triangle of `mesh` overlaps with positive measure. */
function markSurfaceCells(mesh: TriangleMesh, out: Uint8Array, R: number, h: number): void {
  const s = (2 * h) / R;
  // touching is not overlapping: shrink the cell by a hair (relative to its size)
  const half = 0.5 * s * (1 - 1e-7);
  const pos = mesh.positions;
  const idx = mesh.indices;
  const v = new Float64Array(9);
  const c = new Float64Array(3);
  const cell = (x: number) => (x + h) / s;
  for (let t = 0; t < idx.length; t += 3) {
    for (let a = 0; a < 3; a++) for (let d = 0; d < 3; d++) v[3 * a + d] = pos[3 * idx[t + a] + d];
    const lo = [0, 0, 0];
    const hi = [0, 0, 0];
    let outside = false;
    for (let d = 0; d < 3; d++) {
      const mn = Math.min(v[d], v[3 + d], v[6 + d]);
      const mx = Math.max(v[d], v[3 + d], v[6 + d]);
      // cells whose open interval meets [mn, mx]
      lo[d] = Math.max(0, Math.floor(cell(mn)));
      hi[d] = Math.min(R - 1, Math.ceil(cell(mx)) - 1);
      if (lo[d] > hi[d]) outside = true;
    }
    if (outside) continue;
    for (let i = lo[0]; i <= hi[0]; i++) {
      c[0] = -h + (i + 0.5) * s;
      for (let j = lo[1]; j <= hi[1]; j++) {
        c[1] = -h + (j + 0.5) * s;
        for (let k = lo[2]; k <= hi[2]; k++) {
          const o = (i * R + j) * R + k;
          if (out[o]) continue;
          c[2] = -h + (k + 0.5) * s;
          if (triangleBoxOverlap(c, half, v)) out[o] = 1;
        }
      }
    }
  }
}

/**
 * Separating-axis test of a triangle `v [9]` (three xyz corners) against the axis-aligned cube with centre `c` and
 * half-size `half` (Akenine-Möller 2001): the 3 box axes, the triangle's normal and the 9 edge × axis cross products.
 * Touching (a separation of exactly 0) counts as overlap; callers shrink the cube to exclude it.
 */
function triangleBoxOverlap(c: ArrayLike<number>, half: number, v: ArrayLike<number>): boolean {
  const p = [v[0] - c[0], v[1] - c[1], v[2] - c[2], v[3] - c[0], v[4] - c[1], v[5] - c[2], v[6] - c[0], v[7] - c[1], v[8] - c[2]];
  // box axes
  for (let d = 0; d < 3; d++) {
    const mn = Math.min(p[d], p[3 + d], p[6 + d]);
    const mx = Math.max(p[d], p[3 + d], p[6 + d]);
    if (mn > half || mx < -half) return false;
  }
  const e = [p[3] - p[0], p[4] - p[1], p[5] - p[2], p[6] - p[3], p[7] - p[4], p[8] - p[5], p[0] - p[6], p[1] - p[7], p[2] - p[8]];
  // edge × box-axis cross products
  for (let k = 0; k < 3; k++) {
    const ex = e[3 * k];
    const ey = e[3 * k + 1];
    const ez = e[3 * k + 2];
    // axes: (1,0,0)×e = (0, −ez, ey), (0,1,0)×e = (ez, 0, −ex), (0,0,1)×e = (−ey, ex, 0)
    const axes = [0, -ez, ey, ez, 0, -ex, -ey, ex, 0];
    for (let a = 0; a < 3; a++) {
      const ax = axes[3 * a];
      const ay = axes[3 * a + 1];
      const az = axes[3 * a + 2];
      const q0 = ax * p[0] + ay * p[1] + az * p[2];
      const q1 = ax * p[3] + ay * p[4] + az * p[5];
      const q2 = ax * p[6] + ay * p[7] + az * p[8];
      const r = half * (Math.abs(ax) + Math.abs(ay) + Math.abs(az));
      if (Math.min(q0, q1, q2) > r || Math.max(q0, q1, q2) < -r) return false;
    }
  }
  // triangle normal
  const nx = e[1] * e[5] - e[2] * e[4];
  const ny = e[2] * e[3] - e[0] * e[5];
  const nz = e[0] * e[4] - e[1] * e[3];
  const d = nx * p[0] + ny * p[1] + nz * p[2];
  const r = half * (Math.abs(nx) + Math.abs(ny) + Math.abs(nz));
  return Math.abs(d) <= r;
}
