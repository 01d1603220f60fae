import type { TriangleMesh } from '@onet/io';
import { SamplingError } from '../errors.js';
import { signedVolume } from '../signedVolume.js';
import { checkPositive, checkSegments } from './orient.js';

/**
 * A closed, outward-oriented tube of circular section swept along a polyline `path` (e.g. a mug's handle), with flat
 * caps at both ends. Cross-sections follow a rotation-minimising (parallel-transport) frame, so the tube does not
 * twist; it must not bend tighter than its radius (the surface would fold). `(K − 1)·segments·2 + 2·segments`
 * triangles.
 *
 * @param path `[K·3]` polyline, K ≥ 2 points, consecutive points distinct.
 * @param radius > 0.
 * @param segments 3 … 4096 (default 16) points per cross-section.
 * @example
 * ```ts
 * const handle = sweepTube(new Float32Array([0.4, 0, 0.2, 0.6, 0, 0.5, 0.4, 0, 0.8]), 0.04);
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for a bad path, radius or segment count.
 * @category Primitives
 */
export function sweepTube(path: ArrayLike<number>, radius: number, segments = 16): TriangleMesh {
  checkPositive(radius, 'radius');
  checkSegments(segments, 'segments', 3);
  const K = path.length / 3;
  if (!Number.isInteger(K) || K < 2) throw new SamplingError('INVALID_ARGUMENT', 'path must hold at least 2 points [K·3]');
  for (let i = 0; i < path.length; i++) if (!Number.isFinite(path[i])) throw new SamplingError('INVALID_ARGUMENT', `path[${i}] is ${path[i]}`);
  const P = (i: number) => [path[3 * i], path[3 * i + 1], path[3 * i + 2]];
  const sub = (a: number[], b: number[]) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const unit = (a: number[], what: string) => {
    const l = Math.hypot(a[0], a[1], a[2]);
    if (!(l > 1e-12)) throw new SamplingError('INVALID_ARGUMENT', `sweepTube: ${what}`);
    return [a[0] / l, a[1] / l, a[2] / l];
  };
  const tangents: number[][] = [];
  for (let i = 0; i < K; i++) {
    const a = P(Math.max(0, i - 1)), b = P(Math.min(K - 1, i + 1));
    tangents.push(unit(sub(b, a), `consecutive path points ${Math.max(0, i - 1)} and ${Math.min(K - 1, i + 1)} coincide`));
  }
  // initial normal: any direction perpendicular to the first tangent, then parallel transport
  const t0 = tangents[0];
  let nrm = unit(cross(t0, Math.abs(t0[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]), 'degenerate first tangent');
  const n = segments;
  const positions = new Float32Array(3 * (K * n + 2));
  for (let i = 0; i < K; i++) {
    const t = tangents[i];
    const d = dot(nrm, t);
    nrm = unit([nrm[0] - d * t[0], nrm[1] - d * t[1], nrm[2] - d * t[2]], 'the path turns back on itself');
    const bin = cross(t, nrm);
    const c = P(i);
    for (let s = 0; s < n; s++) {
      const a = (2 * Math.PI * s) / n;
      const ca = Math.cos(a) * radius, sa = Math.sin(a) * radius;
      positions.set([c[0] + ca * nrm[0] + sa * bin[0], c[1] + ca * nrm[1] + sa * bin[1], c[2] + ca * nrm[2] + sa * bin[2]], 3 * (i * n + s));
    }
  }
  const first = K * n, last = first + 1;
  positions.set(P(0), 3 * first);
  positions.set(P(K - 1), 3 * last);
  const indices = cappedTubeIndices(K, n, first, last);
  const mesh = { positions, indices };
  flipIfInsideOut(mesh);
  return mesh;
}

/**
 * Triangles of a closed tube: `rings` rings of `n` vertices (vertex `i·n + s`), each ring joined to the next by quads,
 * the first ring fanned to the cap vertex `first` and the last to `last`. The layout of {@link lathe} and
 * {@link sweepTube}; orientation is fixed afterwards by {@link flipIfInsideOut}. @internal
 */
export function cappedTubeIndices(rings: number, n: number, first: number, last: number): Uint32Array {
  const indices = new Uint32Array(3 * (2 * n * (rings - 1) + 2 * n));
  let o = 0;
  for (let s = 0; s < n; s++) {
    const u = (s + 1) % n;
    indices.set([first, u, s], o);
    indices.set([last, (rings - 1) * n + s, (rings - 1) * n + u], o + 3);
    o += 6;
    for (let i = 0; i + 1 < rings; i++) {
      const a = i * n + s, b = i * n + u, c = (i + 1) * n + u, d = (i + 1) * n + s;
      indices.set([a, b, c, a, c, d], o);
      o += 6;
    }
  }
  return indices;
}

/** Reverse every triangle of a closed mesh whose signed volume is negative (so it encloses positive volume). @internal */
export function flipIfInsideOut(mesh: TriangleMesh): void {
  if (signedVolume(mesh) >= 0) return;
  const f = mesh.indices;
  for (let t = 0; t < f.length; t += 3) {
    const x = f[t + 1];
    f[t + 1] = f[t + 2];
    f[t + 2] = x;
  }
}
