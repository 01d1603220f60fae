import { describe, expect, it } from 'vitest';
import {
  eulerCharacteristic,
  isWatertight,
  marchingCubes,
  MarchingCubesNaNError,
  MarchingCubesRangeError,
  MarchingCubesTypeError,
  meshArea,
  meshEdges,
  meshVolume,
} from '../src/index.js';
import { grid } from './helpers.js';

const sphereGrid = (n: number, r: number) => {
  const c = (n - 1) / 2;
  return grid([n, n, n], (i, j, k) => r - Math.hypot(i - c, j - c, k - c));
};

describe('marchingCubes on analytic shapes', () => {
  it('sphere at 64³: area and volume within 1% of 4πr² and 4/3πr³, χ = 2, watertight, outward', () => {
    const r = 24;
    const m = marchingCubes(sphereGrid(64, r), [64, 64, 64]);
    expect(Math.abs(meshArea(m) / (4 * Math.PI * r * r) - 1)).toBeLessThan(0.01);
    expect(Math.abs(meshVolume(m) / ((4 / 3) * Math.PI * r ** 3) - 1)).toBeLessThan(0.01);
    expect(eulerCharacteristic(m)).toBe(2);
    expect(isWatertight(m)).toBe(true);
    // every vertex lies on the sphere up to the linear-interpolation error
    const c = 31.5;
    for (let v = 0; v < m.positions.length; v += 3) {
      const d = Math.hypot(m.positions[v]! - c, m.positions[v + 1]! - c, m.positions[v + 2]! - c);
      expect(Math.abs(d - r)).toBeLessThan(0.05);
    }
  });

  it('torus: χ = 0, watertight, volume within 1% of 2π²Rr²', () => {
    const n = 64;
    const R = 18;
    const r = 7;
    const c = (n - 1) / 2;
    const v = grid([n, n, n], (i, j, k) => r - Math.hypot(Math.hypot(i - c, j - c) - R, k - c));
    const m = marchingCubes(v, [n, n, n]);
    expect(eulerCharacteristic(m)).toBe(0);
    expect(isWatertight(m)).toBe(true);
    expect(Math.abs(meshVolume(m) / (2 * Math.PI ** 2 * R * r * r) - 1)).toBeLessThan(0.01);
    expect(Math.abs(meshArea(m) / (4 * Math.PI ** 2 * R * r) - 1)).toBeLessThan(0.01);
  });

  it('two disjoint spheres: χ = 4', () => {
    const n = 40;
    const v = grid([n, n, n], (i, j, k) =>
      Math.max(8 - Math.hypot(i - 10, j - 20, k - 20), 7 - Math.hypot(i - 29, j - 20, k - 20))
    );
    const m = marchingCubes(v, [n, n, n]);
    expect(eulerCharacteristic(m)).toBe(4);
    expect(isWatertight(m)).toBe(true);
  });

  it('honours origin and spacing: a plane x = 2.3 (index units) lands at origin + 2.3·sx', () => {
    const dims: [number, number, number] = [6, 4, 5];
    const v = grid(dims, (i) => 2.3 - i, Float64Array); // inside for i ≤ 2
    const origin = [10, -3, 0.5];
    const spacing = [0.5, 2, 0.25];
    const m = marchingCubes(v, dims, { origin, spacing, computeNormals: true });
    // one vertex per crossed x-edge: 4·5 edges between i = 2 and i = 3
    expect(m.positions.length / 3).toBe(20);
    expect(m.indices.length / 3).toBe(2 * 3 * 4);
    const ys = new Set<number>();
    const zs = new Set<number>();
    for (let p = 0; p < m.positions.length; p += 3) {
      expect(m.positions[p]).toBeCloseTo(10 + 2.3 * 0.5, 5);
      ys.add(m.positions[p + 1]!);
      zs.add(m.positions[p + 2]!);
      expect([m.normals![p], m.normals![p + 1], m.normals![p + 2]]).toEqual([1, 0, 0]); // high → low: +x
    }
    expect([...ys].sort((a, b) => a - b)).toEqual([-3, -1, 1, 3]);
    expect([...zs].sort((a, b) => a - b)).toEqual([0.5, 0.75, 1, 1.25, 1.5]);
    // counter-clockwise seen from outside (+x side): every face normal points +x
    for (let t = 0; t < m.indices.length; t += 3) {
      const [a, b, c] = [m.indices[t]! * 3, m.indices[t + 1]! * 3, m.indices[t + 2]! * 3];
      const uy = m.positions[b + 1]! - m.positions[a + 1]!;
      const uz = m.positions[b + 2]! - m.positions[a + 2]!;
      const vy = m.positions[c + 1]! - m.positions[a + 1]!;
      const vz = m.positions[c + 2]! - m.positions[a + 2]!;
      expect(uy * vz - uz * vy).toBeGreaterThan(0);
    }
    expect(meshArea(m)).toBeCloseTo(6 * 1, 5); // y extent 6, z extent 1
  });

  it('computeNormals: sphere normals are the outward radial direction', () => {
    const m = marchingCubes(sphereGrid(32, 10), [32, 32, 32], { computeNormals: true });
    const c = 15.5;
    let worst = 1;
    for (let p = 0; p < m.positions.length; p += 3) {
      const dx = m.positions[p]! - c;
      const dy = m.positions[p + 1]! - c;
      const dz = m.positions[p + 2]! - c;
      const d = Math.hypot(dx, dy, dz);
      const dot = (dx * m.normals![p]! + dy * m.normals![p + 1]! + dz * m.normals![p + 2]!) / d;
      worst = Math.min(worst, dot);
      expect(Math.hypot(m.normals![p]!, m.normals![p + 1]!, m.normals![p + 2]!)).toBeCloseTo(1, 5);
    }
    expect(worst).toBeGreaterThan(0.999);
  });

  it('computeNormals with anisotropic spacing is radial in world space; cap normals point out of the box', () => {
    const dims: [number, number, number] = [24, 12, 48];
    const spacing = [0.5, 1, 0.25]; // world box 11.5 × 11 × 11.75, centre (5.75, 5.5, 5.875)
    const c = [5.75, 5.5, 5.875];
    const v = grid(dims, (i, j, k) => 4 - Math.hypot(i * 0.5 - c[0]!, j - c[1]!, k * 0.25 - c[2]!), Float64Array);
    const m = marchingCubes(v, dims, { spacing, computeNormals: true });
    let worst = 1;
    for (let p = 0; p < m.positions.length; p += 3) {
      const d = [m.positions[p]! - c[0]!, m.positions[p + 1]! - c[1]!, m.positions[p + 2]! - c[2]!];
      const len = Math.hypot(d[0]!, d[1]!, d[2]!);
      worst = Math.min(worst, (d[0]! * m.normals![p]! + d[1]! * m.normals![p + 1]! + d[2]! * m.normals![p + 2]!) / len);
    }
    expect(worst).toBeGreaterThan(0.99);
    // a solid block: all vertices are cap vertices; normals are the outward axes of the caps that meet there
    // (one on a face, the diagonal of two on an edge of the box, of three at a corner)
    const box = marchingCubes(new Float32Array(4 * 5 * 6).fill(1), [4, 5, 6], {
      closeBoundary: true,
      computeNormals: true,
    });
    const last = [3, 4, 5];
    for (let p = 0; p < box.positions.length; p += 3) {
      const x = [box.positions[p]!, box.positions[p + 1]!, box.positions[p + 2]!];
      const out = x.map((c, a) => (c === 0 ? -1 : c === last[a] ? 1 : 0));
      const len = Math.hypot(...out);
      for (let a = 0; a < 3; a++) expect(box.normals![p + a]!).toBeCloseTo(out[a]! / len, 6);
    }
  });

  it('closeBoundary caps a half-space on the grid faces and a full grid becomes its box', () => {
    const dims: [number, number, number] = [5, 6, 7];
    const half = marchingCubes(
      grid(dims, (i) => 1.5 - i),
      dims,
      { closeBoundary: true, spacing: [1, 2, 3] }
    );
    expect(isWatertight(half)).toBe(true);
    expect(eulerCharacteristic(half)).toBe(2);
    expect(meshVolume(half)).toBeCloseTo(1.5 * 10 * 18, 4); // x ∈ [0, 1.5], y ∈ [0, 10], z ∈ [0, 18]
    const full = marchingCubes(new Float32Array(5 * 6 * 7).fill(3), dims, { closeBoundary: true });
    expect(isWatertight(full)).toBe(true);
    expect(meshVolume(full)).toBeCloseTo(4 * 5 * 6, 4);
    expect(meshArea(full)).toBeCloseTo(2 * (4 * 5 + 5 * 6 + 4 * 6), 4);
  });

  it('closeBoundary interpolates the edges of the grid row (0, 0, ·) like every other row', () => {
    // the surface crosses the first cell along x (or y): on row (0, 0) too, the vertex sits at t = 0.5
    const dims: [number, number, number] = [4, 4, 4];
    for (const axis of [0, 1]) {
      const v = grid(dims, (i, j) => 0.5 - (axis === 0 ? i : j));
      const m = marchingCubes(v, dims, { closeBoundary: true });
      expect(meshVolume(m)).toBeCloseTo(0.5 * 3 * 3, 5); // slab [0, 0.5] × [0, 3]²
      for (let p = 0; p < m.positions.length; p += 3) expect(m.positions[p + axis]!).toBeLessThanOrEqual(0.5);
    }
  });

  it('closeBoundary on a grid entirely inside gives its exact box: one vertex per boundary node, no slivers', () => {
    const cases = [
      { dims: [3, 3, 3], origin: [0, 0, 0], spacing: [1, 1, 1] },
      { dims: [5, 4, 3], origin: [0.5, -2, 3], spacing: [0.25, 0.5, 2] },
    ] as const;
    for (const { dims, origin, spacing } of cases) {
      const [nx, ny, nz] = dims;
      const m = marchingCubes(new Float32Array(nx * ny * nz).fill(1), dims, { level: 0.5, origin, spacing, closeBoundary: true });
      const [a, b, c] = [nx - 1, ny - 1, nz - 1]; // cells per axis
      expect(m.positions.length / 3).toBe(nx * ny * nz - (nx - 2) * (ny - 2) * (nz - 2)); // 26 for 3³, 54 for 5×4×3
      expect(m.indices.length / 3).toBe(4 * (a * b + b * c + c * a)); // two triangles per boundary square
      const extent = [0, 1, 2].map((q) => (dims[q]! - 1) * spacing[q]!);
      expect(meshVolume(m)).toBeCloseTo(extent[0]! * extent[1]! * extent[2]!, 5);
      expect(meshArea(m)).toBeCloseTo(2 * (extent[0]! * extent[1]! + extent[1]! * extent[2]! + extent[2]! * extent[0]!), 5);
      const e = meshEdges(m);
      expect([e.boundaryEdges, e.nonManifoldEdges, e.inconsistentEdges, e.degenerateFaces]).toEqual([0, 0, 0, 0]);
      expect(eulerCharacteristic(m)).toBe(2);
      // every vertex is a boundary node, exactly, and no two coincide
      const seen = new Set<string>();
      for (let p = 0; p < m.positions.length; p += 3) {
        const idx = [0, 1, 2].map((q) => (m.positions[p + q]! - origin[q]!) / spacing[q]!);
        for (let q = 0; q < 3; q++) {
          expect(idx[q]).toBe(Math.round(idx[q]!));
          expect(idx[q]).toBeGreaterThanOrEqual(0);
          expect(idx[q]).toBeLessThanOrEqual(dims[q]! - 1);
        }
        expect(idx.some((t, q) => t === 0 || t === dims[q]! - 1)).toBe(true);
        seen.add(idx.join());
      }
      expect(seen.size).toBe(m.positions.length / 3);
    }
  });

  it('closeBoundary: a grid with a dimension of 1 encloses no volume and gives an empty mesh, as without', () => {
    for (const dims of [
      [1, 3, 3],
      [3, 1, 3],
      [3, 3, 1],
      [1, 1, 4],
      [1, 1, 1],
    ]) {
      const n = dims[0]! * dims[1]! * dims[2]!;
      for (const closeBoundary of [true, false]) {
        const m = marchingCubes(new Float32Array(n).fill(1), dims, { level: 0.5, closeBoundary, computeNormals: true });
        expect([m.positions.length, m.indices.length, m.normals!.length], `${dims} ${closeBoundary}`).toEqual([0, 0, 0]);
      }
      // the values are still checked
      const nan = new Float32Array(n).fill(1);
      nan[n - 1] = NaN;
      expect(() => marchingCubes(nan, dims, { closeBoundary: true })).toThrow(MarchingCubesNaNError);
    }
  });

  it('closeBoundary on a sphere cut by the faces and edges of the grid: closed, clean, inside the extent', () => {
    // ball of radius 1.5 in the cube [−1, 1]³: cut by all six faces and twelve edges, the corners (√3) outside
    const n = 24;
    const s = 2 / (n - 1);
    const r = 1.5;
    const v = grid([n, n, n], (i, j, k) => r - Math.hypot(-1 + i * s, -1 + j * s, -1 + k * s));
    const m = marchingCubes(v, [n, n, n], { origin: [-1, -1, -1], spacing: [s, s, s], closeBoundary: true });
    const e = meshEdges(m);
    expect([e.boundaryEdges, e.nonManifoldEdges, e.inconsistentEdges, e.degenerateFaces]).toEqual([0, 0, 0, 0]);
    expect(eulerCharacteristic(m)).toBe(2);
    const P = m.positions;
    const seen = new Set<string>();
    for (let p = 0; p < P.length; p += 3) {
      for (let q = 0; q < 3; q++) {
        expect(P[p + q]!).toBeGreaterThanOrEqual(-1);
        expect(P[p + q]!).toBeLessThanOrEqual(Math.fround(-1 + (n - 1) * s));
      }
      seen.add(`${P[p]},${P[p + 1]},${P[p + 2]}`);
    }
    expect(seen.size).toBe(P.length / 3);
    let zeroArea = 0;
    const T = m.indices;
    for (let t = 0; t < T.length; t += 3) {
      const [a, b, c] = [3 * T[t]!, 3 * T[t + 1]!, 3 * T[t + 2]!];
      const u = [P[b]! - P[a]!, P[b + 1]! - P[a + 1]!, P[b + 2]! - P[a + 2]!];
      const w = [P[c]! - P[a]!, P[c + 1]! - P[a + 1]!, P[c + 2]! - P[a + 2]!];
      const cross = [u[1]! * w[2]! - u[2]! * w[1]!, u[2]! * w[0]! - u[0]! * w[2]!, u[0]! * w[1]! - u[1]! * w[0]!];
      if (cross.every((x) => x === 0)) zeroArea++;
    }
    expect(zeroArea).toBe(0);
    // volume of ball ∩ cube by quadrature over (x, y): the z-chord clipped to [−1, 1]
    const q = 800;
    let exact = 0;
    for (let i = 0; i < q; i++)
      for (let j = 0; j < q; j++) {
        const x = -1 + ((i + 0.5) * 2) / q;
        const y = -1 + ((j + 0.5) * 2) / q;
        const h = r * r - x * x - y * y;
        if (h > 0) exact += 2 * Math.min(1, Math.sqrt(h));
      }
    exact *= (2 / q) ** 2;
    expect(Math.abs(meshVolume(m) / exact - 1)).toBeLessThan(0.005);
  });

  it('constant grids and levels outside the data range give an empty mesh', () => {
    const v = sphereGrid(8, 2);
    for (const level of [100, -100, Infinity]) {
      const m = marchingCubes(v, [8, 8, 8], { level });
      expect(m.positions.length).toBe(0);
      expect(m.indices.length).toBe(0);
    }
    const c = marchingCubes(new Float64Array(27).fill(0.5), [3, 3, 3], { computeNormals: true });
    expect(c.positions.length + c.indices.length + c.normals!.length).toBe(0);
    expect(marchingCubes(new Float32Array(27).fill(-1), [3, 3, 3], { closeBoundary: true }).indices.length).toBe(0);
  });

  it('gives identical output whatever ran before (scratch buffers are reused between calls)', () => {
    const a = sphereGrid(20, 6);
    const first = marchingCubes(a, [20, 20, 20], { closeBoundary: true });
    marchingCubes(new Float32Array(40 * 40 * 40).fill(1), [40, 40, 40], { closeBoundary: true }); // bigger, all inside
    marchingCubes(sphereGrid(7, 2), [7, 7, 7]); // smaller
    const again = marchingCubes(a, [20, 20, 20], { closeBoundary: true });
    expect(Array.from(again.indices)).toEqual(Array.from(first.indices));
    expect(Array.from(again.positions)).toEqual(Array.from(first.positions));
    expect(again.positions.buffer).not.toBe(first.positions.buffer);
  });

  it('is monomorphic in the array type: Float32Array and Float64Array grids give the same mesh', () => {
    const a = sphereGrid(20, 6);
    const b = Float64Array.from(a);
    const ma = marchingCubes(a, [20, 20, 20]);
    const mb = marchingCubes(b, [20, 20, 20]);
    expect(Array.from(mb.indices)).toEqual(Array.from(ma.indices));
    expect(Array.from(mb.positions)).toEqual(Array.from(ma.positions));
  });
});

describe('marchingCubes input checks', () => {
  it('rejects bad dims and length mismatches with RangeError codes', () => {
    const v = new Float32Array(24);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        expect(e).toBeInstanceOf(MarchingCubesRangeError);
        return (e as MarchingCubesRangeError).code;
      }
      return 'no error';
    };
    expect(code(() => marchingCubes(v, [2, 3, 5]))).toBe('LENGTH_MISMATCH');
    expect(code(() => marchingCubes(v, [2, 3, 4.5]))).toBe('INVALID_DIMS');
    expect(code(() => marchingCubes(v, [-2, -3, 4]))).toBe('INVALID_DIMS');
    expect(code(() => marchingCubes(v, [0, 3, 4]))).toBe('INVALID_DIMS');
    expect(code(() => marchingCubes(v, [2, 12]))).toBe('INVALID_DIMS');
    expect(code(() => marchingCubes(v, [2, 3, 4], { spacing: [1, 0, 1] }))).toBe('INVALID_OPTION');
    expect(code(() => marchingCubes(v, [2, 3, 4], { origin: [0, NaN, 0] }))).toBe('INVALID_OPTION');
    expect(code(() => marchingCubes(v, [2, 3, 4], { level: NaN }))).toBe('INVALID_OPTION');
    expect(code(() => marchingCubes(v, [2, 3, 4], { nan: 'zero' as 'error' }))).toBe('INVALID_OPTION');
    // 2048³ has ~2.6e10 edges: rejected before anything is allocated (the array is tiny)
    expect(code(() => marchingCubes(v, [2048, 2048, 2048]))).toBe('GRID_TOO_LARGE');
    expect(code(() => marchingCubes(v, [1100, 1100, 1200], { closeBoundary: true }))).toBe('GRID_TOO_LARGE');
    expect(() => marchingCubes([1, 2] as unknown as Float32Array, [1, 1, 2])).toThrow(MarchingCubesTypeError);
  });

  it('names the first NaN in C order, or treats NaN as outside on request', () => {
    const v = sphereGrid(6, 2);
    v[(4 * 6 + 1) * 6 + 2] = NaN;
    v[(3 * 6 + 5) * 6 + 0] = NaN; // comes first in C order
    let err: unknown;
    try {
      marchingCubes(v, [6, 6, 6]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MarchingCubesNaNError);
    const e = err as MarchingCubesNaNError;
    expect([e.code, e.index, e.i, e.j, e.k]).toEqual(['NAN_VALUE', (3 * 6 + 5) * 6, 3, 5, 0]);
    expect(e.message).toContain('values[');

    // long rows: the NaN sits inside a whole 32-value word (the unrolled path), behind a later one
    const long = new Float64Array(3 * 4 * 100).fill(1);
    long[(2 * 4 + 3) * 100 + 5] = NaN;
    long[(1 * 4 + 2) * 100 + 70] = NaN;
    expect(() => marchingCubes(long, [3, 4, 100])).toThrow(/values\[670\] \(i=1, j=2, k=70\)/);
    expect(isWatertight(marchingCubes(long, [3, 4, 100], { nan: 'outside', closeBoundary: true }))).toBe(true);

    // NaN as outside: a NaN inside the sphere carves a cavity, still watertight, all positions finite
    const w = sphereGrid(12, 4.5);
    w[(5 * 12 + 5) * 12 + 5] = NaN;
    const m = marchingCubes(w, [12, 12, 12], { nan: 'outside', computeNormals: true });
    expect(isWatertight(m)).toBe(true);
    expect(eulerCharacteristic(m)).toBe(4); // outer sphere + cavity
    expect(m.positions.every(Number.isFinite)).toBe(true);
    expect(m.normals!.every(Number.isFinite)).toBe(true);
  });

  it('handles ±Infinity values without NaN positions', () => {
    const v = grid([4, 4, 4], (i) => (i === 0 ? Infinity : i === 1 ? 1 : i === 2 ? -Infinity : -1));
    const m = marchingCubes(v, [4, 4, 4], { computeNormals: true });
    expect(m.positions.length).toBe(16 * 3);
    expect(m.positions.every(Number.isFinite)).toBe(true);
    for (let p = 0; p < m.positions.length; p += 3) expect(m.positions[p]).toBe(1); // at the finite node
  });
});

describe('meshEdges', () => {
  it('classifies a single triangle, a flipped pair and a fan of three around one edge', () => {
    const positions = new Float32Array(15);
    const tri = meshEdges({ positions, indices: Uint32Array.of(0, 1, 2) });
    expect([tri.edges, tri.boundaryEdges, tri.vertices]).toEqual([3, 3, 3]);
    const flipped = meshEdges({ positions, indices: Uint32Array.of(0, 1, 2, 0, 1, 3) });
    expect(flipped.inconsistentEdges).toBe(1);
    const fan = meshEdges({ positions, indices: Uint32Array.of(0, 1, 2, 1, 0, 3, 0, 1, 4) });
    expect(fan.nonManifoldEdges).toBe(1);
    expect(isWatertight({ positions, indices: new Uint32Array(0) })).toBe(true);
  });
});
