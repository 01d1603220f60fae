import type { TriangleMesh } from '@onet/io';
import { contains, type ContainsOptions } from './contains.js';
import { SamplingError } from './errors.js';
import { checkNumber } from './validate.js';

/** Options of {@link voxelize}. */
export interface VoxelizeOptions {
  /** Cells per axis (reference voxels: 32). */
  resolution?: number;
  /** The grid covers `[−(1 + padding)/2, (1 + padding)/2]³` (0: the unit cube [−½, ½]³). */
  padding?: number;
  /** Inside test for the cell centres (see {@link contains}). */
  method?: ContainsOptions['method'];
}

/** Defaults of {@link VoxelizeOptions}. */
export const VOXELIZE_DEFAULTS: Required<VoxelizeOptions> = { resolution: 32, padding: 0, method: 'winding' };

/** Largest accepted resolution (1024³ = 1 G cells). */
const MAX_RESOLUTION = 1024;

/**
 * Solid voxelisation: occupancy of every cell centre of a `resolution³` grid over the (padded) unit cube,
 * decided by {@link contains} (winding number > ½ by default), so the interior is filled, not only the
 * shell. Cell (i, j, k) has centre `(−h + (i + ½)·s, −h + (j + ½)·s, −h + (k + ½)·s)` with
 * `h = (1 + padding)/2`, `s = 2h / resolution`, and is stored at `(i·R + j)·R + k` (C order, i along x,
 * k along z) — the layout of ONet's voxel input after the binvox xzy → xyz fix (REFERENCE §2.1 4c).
 * Normalise the mesh first ({@link normalizeMesh}).
 *
 * @returns `Uint8Array [R³]`, 1 = occupied.
 * @example
 * ```ts
 * const vox = voxelize(normalizeMesh(mesh).mesh, { resolution: 32 });
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` / `TOO_LARGE` for a bad resolution, and as {@link contains}.
 * @category Inside/outside
 */
export function voxelize(mesh: TriangleMesh, options: VoxelizeOptions = {}): Uint8Array {
  const { resolution: R, padding, method } = { ...VOXELIZE_DEFAULTS, ...options };
  if (!Number.isInteger(R) || R < 1) throw new SamplingError('INVALID_ARGUMENT', `resolution must be an integer ≥ 1, got ${String(R)}`);
  if (R > MAX_RESOLUTION) throw new SamplingError('TOO_LARGE', `resolution ${R} exceeds ${MAX_RESOLUTION}; voxelise in blocks`);
  checkNumber(padding, 'padding', -0.999999, 1e6);
  const h = (1 + padding) / 2;
  const s = (2 * h) / R;
  const centres = new Float32Array(3 * R * R * R);
  let o = 0;
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < R; j++) {
      for (let k = 0; k < R; k++) {
        centres[o++] = -h + (i + 0.5) * s;
        centres[o++] = -h + (j + 0.5) * s;
        centres[o++] = -h + (k + 0.5) * s;
      }
    }
  }
  return contains(mesh, centres, { method });
}
