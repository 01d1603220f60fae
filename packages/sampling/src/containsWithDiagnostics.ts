import type { TriangleMesh } from '@onet/io';
import { containsImpl, type ContainsOptions } from './contains.js';

/** What {@link containsWithDiagnostics} found besides the labels. */
export interface ContainsDiagnostics {
  /** Points whose fast winding number fell near ±½ and were re-evaluated with 8× β (winding method). */
  refinedNearHalf: number;
  /** Of those, points still near ½ and evaluated exactly (every triangle visited). */
  exactNearHalf: number;
  /**
   * Pairs of coincident triangles (same three vertex positions) with opposite orientation: their contributions
   * to w cancel, so a solid bounded by them reads as outside (w = 0).
   */
  cancellingFacePairs: number;
  /**
   * Points whose +z and −z ray parities differ — the reference's `contains1 != contains2` warning: the mesh is
   * open or self-intersecting where the rays cross it, and the ray-parity label there is arbitrary.
   */
  rayParityDisagreements: number;
  /** One line per kind of problem found, for logs; empty when none. */
  warnings: string[];
}

/** Result of {@link containsWithDiagnostics}. */
export interface ContainsWithDiagnosticsResult {
  /** `Uint8Array [N]`, the same labels as {@link contains} with the same options. */
  occupancy: Uint8Array;
  diagnostics: ContainsDiagnostics;
}

/**
 * {@link contains} plus a report of inputs whose answers are silently arbitrary: duplicate faces of opposite
 * orientation (their winding numbers cancel) and points where the reference's two ray parities disagree
 * (computed for either method, with one extra ray-parity pass), as the reference warns
 * (ON:im2mesh/utils/libmesh/inside_mesh.py, `contains1 != contains2`). The labels are those of `contains`.
 *
 * ```ts
 * const { occupancy, diagnostics } = containsWithDiagnostics(mesh, points);
 * for (const w of diagnostics.warnings) console.warn(w);
 * ```
 * @throws {@link SamplingError} as {@link contains}.
 * @category Inside/outside
 */
export function containsWithDiagnostics(mesh: TriangleMesh, points: Float32Array, options: ContainsOptions = {}): ContainsWithDiagnosticsResult {
  const n = points.length / 3;
  const stats = { refined: 0, exact: 0, disagree: new Uint8Array(n) };
  const occupancy = containsImpl(mesh, points, options, stats);
  if (options.method !== 'ray-parity') containsImpl(mesh, points, { ...options, method: 'ray-parity' }, stats);
  let rayParityDisagreements = 0;
  for (let i = 0; i < n; i++) rayParityDisagreements += stats.disagree[i];
  const cancellingFacePairs = countCancellingFacePairs(mesh);
  const warnings: string[] = [];
  if (cancellingFacePairs > 0) {
    warnings.push(
      `${cancellingFacePairs} pair(s) of coincident faces with opposite orientation: their winding numbers cancel, so what they bound reads as outside; remove the duplicates`,
    );
  }
  if (rayParityDisagreements > 0) {
    warnings.push(
      `${rayParityDisagreements} of ${n} points have different +z and −z ray parities (the reference's contains1 != contains2): the mesh is not watertight there`,
    );
  }
  return {
    occupancy,
    diagnostics: { refinedNearHalf: stats.refined, exactNearHalf: stats.exact, cancellingFacePairs, rayParityDisagreements, warnings },
  };
}

/** Pairs of triangles with the same three vertex positions and opposite orientation. */
function countCancellingFacePairs(mesh: TriangleMesh): number {
  const { positions: p, indices: f } = mesh;
  // Vertices with identical coordinates share an id (duplicates often come with duplicated vertices).
  const vid = new Map<string, number>();
  const id = new Uint32Array(p.length / 3);
  for (let v = 0; v < id.length; v++) {
    const key = `${p[3 * v]},${p[3 * v + 1]},${p[3 * v + 2]}`;
    let k = vid.get(key);
    if (k === undefined) vid.set(key, (k = vid.size));
    id[v] = k;
  }
  const counts = new Map<string, [number, number]>(); // sorted triple → [even, odd] orientations
  for (let t = 0; t < f.length; t += 3) {
    const a = id[f[t]], b = id[f[t + 1]], c = id[f[t + 2]];
    if (a === b || b === c || a === c) continue;
    const s = [a, b, c].sort((x, y) => x - y);
    // (a, b, c) is an even permutation of the sorted triple iff it is one of its rotations.
    const even = (a === s[0] && b === s[1]) || (a === s[1] && b === s[2]) || (a === s[2] && b === s[0]);
    const key = `${s[0]},${s[1]},${s[2]}`;
    const e = counts.get(key) ?? [0, 0];
    e[even ? 0 : 1]++;
    counts.set(key, e);
  }
  let pairs = 0;
  for (const [e, o] of counts.values()) pairs += Math.min(e, o);
  return pairs;
}
