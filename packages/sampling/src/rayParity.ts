import type { TriangleMesh } from '@onet/io';
import { boundsOf } from './boundingBox.js';

const RES = 512;

/**
 * The reference's inside test, re-implemented rule for rule (ON:im2mesh/utils/libmesh/inside_mesh.py
 * `MeshIntersector` + triangle_hash.pyx; REFERENCE §2.1 check_mesh_contains): rescale the mesh bbox to
 * [0.5, 511.5]³ (float64), hash the triangles' xy-bounding boxes into a 512² grid, and for each query count
 * the triangles whose xy-projection strictly contains it (strict barycentric inequalities), split by whether
 * the plane hit lies at or above (`depth ≥ z`) or below the point. Inside iff both counts are odd; points
 * outside the rescaled [0, 512]³ are outside; triangles parallel to z are skipped. @internal
 */
export function rayParityContains(mesh: TriangleMesh, points: Float32Array, disagree?: Uint8Array): Uint8Array {
  const { positions: p, indices: f } = mesh;
  const nf = f.length / 3;
  const n = points.length / 3;
  const out = new Uint8Array(n);
  if (nf === 0) return out;
  const { min, max } = boundsOf(p, f);
  const scale = [0, 1, 2].map((k) => (RES - 1) / (max[k] - min[k]));
  const trans = [0, 1, 2].map((k) => 0.5 - scale[k] * min[k]);
  // Flat axes (zero extent) give infinite scale in the reference too: nothing is inside a flat mesh.
  if (scale.some((s) => !Number.isFinite(s))) return out;
  const tri = new Float64Array(9 * nf);
  for (let t = 0; t < nf; t++) {
    for (let v = 0; v < 3; v++) {
      for (let k = 0; k < 3; k++) tri[9 * t + 3 * v + k] = scale[k] * p[3 * f[3 * t + v] + k] + trans[k];
    }
  }
  // CSR hash of triangle xy-bboxes over the grid cells.
  const cellOf = (x: number): number => Math.min(RES - 1, Math.max(0, Math.floor(x)));
  const cellCount = new Int32Array(RES * RES + 1);
  const box = new Int32Array(4 * nf);
  for (let t = 0; t < nf; t++) {
    const o = 9 * t;
    const x0 = cellOf(Math.min(tri[o], tri[o + 3], tri[o + 6])), x1 = cellOf(Math.max(tri[o], tri[o + 3], tri[o + 6]));
    const y0 = cellOf(Math.min(tri[o + 1], tri[o + 4], tri[o + 7])), y1 = cellOf(Math.max(tri[o + 1], tri[o + 4], tri[o + 7]));
    box.set([x0, x1, y0, y1], 4 * t);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) cellCount[x * RES + y + 1]++;
  }
  for (let c = 0; c < RES * RES; c++) cellCount[c + 1] += cellCount[c];
  const entries = new Int32Array(cellCount[RES * RES]);
  const fill = cellCount.slice(0, RES * RES);
  for (let t = 0; t < nf; t++) {
    const [x0, x1, y0, y1] = box.subarray(4 * t, 4 * t + 4);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) entries[fill[x * RES + y]++] = t;
  }
  for (let i = 0; i < n; i++) {
    const px = scale[0] * points[3 * i] + trans[0];
    const py = scale[1] * points[3 * i + 1] + trans[1];
    const pz = scale[2] * points[3 * i + 2] + trans[2];
    if (!(px >= 0 && px <= RES && py >= 0 && py <= RES && pz >= 0 && pz <= RES)) continue;
    const cx = Math.floor(px), cy = Math.floor(py);
    if (cx >= RES || cy >= RES) continue;
    const cell = cx * RES + cy;
    let above = 0, below = 0;
    for (let e = cellCount[cell]; e < cellCount[cell + 1]; e++) {
      const o = 9 * entries[e];
      // 2D strict containment (triangle_hash.pyx check_triangles), in the reference's algebra
      const a00 = tri[o] - tri[o + 6], a10 = tri[o + 1] - tri[o + 7];
      const a01 = tri[o + 3] - tri[o + 6], a11 = tri[o + 4] - tri[o + 7];
      const y0 = px - tri[o + 6], y1 = py - tri[o + 7];
      const detA = a00 * a11 - a01 * a10;
      if (detA === 0) continue;
      const s = detA > 0 ? 1 : -1;
      const absDet = Math.abs(detA);
      const u = (a11 * y0 - a01 * y1) * s;
      const v = (-a10 * y0 + a00 * y1) * s;
      const uv = u + v;
      if (!(u > 0 && u < absDet && v > 0 && v < absDet && uv > 0 && uv < absDet)) continue;
      // plane depth (inside_mesh.py compute_intersection_depth): normal = (t3 − t1) × (t2 − t1)
      const v1x = tri[o + 6] - tri[o], v1y = tri[o + 7] - tri[o + 1], v1z = tri[o + 8] - tri[o + 2];
      const v2x = tri[o + 3] - tri[o], v2y = tri[o + 4] - tri[o + 1], v2z = tri[o + 5] - tri[o + 2];
      const nx = v1y * v2z - v1z * v2y, ny = v1z * v2x - v1x * v2z, nz = v1x * v2y - v1y * v2x;
      if (nz === 0) continue;
      const alpha = nx * (tri[o] - px) + ny * (tri[o + 1] - py);
      const absN2 = Math.abs(nz);
      const depth = tri[o + 2] * absN2 + alpha * (nz > 0 ? 1 : -1);
      if (depth >= pz * absN2) above++;
      else below++;
    }
    out[i] = above % 2 === 1 && below % 2 === 1 ? 1 : 0;
    // The reference warns when the +z and −z parities differ (contains1 != contains2): an open or broken mesh.
    if (disagree && above % 2 !== below % 2) disagree[i] = 1;
  }
  return out;
}
