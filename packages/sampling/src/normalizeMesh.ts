import type { TriangleMesh } from '@onet/io';
import { boundsOf } from './boundingBox.js';
import { SamplingError } from './errors.js';
import { checkMesh, checkNumber } from './validate.js';

/** Options of {@link normalizeMesh}. */
export interface NormalizeMeshOptions {
  /** Fraction of the unit cube left empty: the longest bounding-box side becomes `1 − padding`. */
  padding?: number;
}

/** Defaults of {@link NormalizeMeshOptions}. */
export const NORMALIZE_MESH_DEFAULTS: Required<NormalizeMeshOptions> = { padding: 0 };

/** Result of {@link normalizeMesh}: the new mesh and the transform `v' = (v − loc) / scale`. */
export interface NormalizedMesh {
  /** The normalised mesh (new arrays; per-vertex normals copied unchanged since scaling is uniform). */
  mesh: TriangleMesh;
  /** Bounding-box centre of the input, `[x, y, z]`. */
  loc: [number, number, number];
  /** Divisor applied after subtracting `loc`: longest side / (1 − padding). Map back with `v = v'·scale + loc`. */
  scale: number;
}

/**
 * Centre a mesh on its bounding-box centre and scale it uniformly so its longest side is `1 − padding`,
 * i.e. the reference rule `v ← (v − loc) / scale` (REFERENCE §2.1 step 4, ON:scripts/sample_mesh.py
 * `--resize`; step 1 of the pipeline uses padding 0.1). The object then lies in [−½, ½]³.
 * The bounding box counts only vertices referenced by a face (all vertices when there are no faces).
 *
 * @example
 * ```ts
 * const { mesh: unit, loc, scale } = normalizeMesh(mesh);
 * ```
 * @throws {@link SamplingError} `EMPTY` (no vertices), `DEGENERATE` (all vertices coincide),
 *   `NON_FINITE`, `SHAPE_MISMATCH`, `INVALID_ARGUMENT` (padding outside [0, 1)).
 * @category Geometry
 */
export function normalizeMesh(mesh: TriangleMesh, options: NormalizeMeshOptions = {}): NormalizedMesh {
  const { padding } = { ...NORMALIZE_MESH_DEFAULTS, ...options };
  checkNumber(padding, 'padding', 0, 0.999999);
  checkMesh(mesh, false);
  const { positions, indices } = mesh;
  if (positions.length === 0) throw new SamplingError('EMPTY', 'mesh has no vertices');
  const { center: loc, side } = boundsOf(positions, indices.length > 0 ? indices : undefined);
  if (!(side > 0)) throw new SamplingError('DEGENERATE', 'mesh has zero extent (all vertices coincide); cannot normalise');
  const scale = side / (1 - padding);
  const out = new Float32Array(positions.length);
  for (let i = 0; i < positions.length; i += 3) {
    out[i] = (positions[i] - loc[0]) / scale;
    out[i + 1] = (positions[i + 1] - loc[1]) / scale;
    out[i + 2] = (positions[i + 2] - loc[2]) / scale;
  }
  const result: TriangleMesh = { positions: out, indices: indices.slice() };
  if (mesh.normals) result.normals = mesh.normals.slice();
  return { mesh: result, loc, scale };
}
