import { MarchingCubesRangeError, MarchingCubesTypeError, throwNaNAt } from './errors.js';

/**
 * Fill the enclosed cavities of a scalar grid, in place: every node below `level` (outside) that cannot reach the
 * grid's border through outside nodes — 6-connected, i.e. through shared grid edges — is raised to `level` (in a
 * Float32Array: the nearest float32 not below it), so it counts as inside (`>= level`) and {@link marchingCubes}
 * emits no surface around it. Surfaces that bound the outside stay as they are, except where a void meets the
 * outside only across the diagonal of a grid face: 6-connectivity counts it as enclosed and fills it.
 * This is scipy's `binary_fill_holes` (default 6-connected structure) on the level set `values >= level`.
 * Memory: 1 byte per node besides `values`, plus the runs waiting to be scanned.
 *
 * Why: a surface point cloud never shows an object's interior, so a reconstruction's internal voids (closed shells
 * with inward normals, negative volume) are artefacts of an uncertain occupancy far from the input points; on solid
 * objects they cost IoU. Objects with a real closed void inside lose it.
 *
 * The grid is `values[(i·ny + j)·nz + k]` (C order, k fastest), as for {@link marchingCubes}. Nodes on the grid's
 * border are connected to the outside, as with `closeBoundary: true`. Time and memory O(nx·ny·nz): a scanline flood
 * fill over runs of outside nodes along z (the contiguous axis), not node by node.
 *
 * @example
 * ```ts
 * const filled = fillCavities(values, [n, n, n], 0); // values: a hollow ball's field, now solid
 * const mesh = marchingCubes(values, [n, n, n], { level: 0, closeBoundary: true });
 * ```
 * @param values - scalar grid `[nx·ny·nz]`, C order; modified in place.
 * @param dims - `[nx, ny, nz]` nodes per axis.
 * @param level - isolevel; inside = `>= level`.
 * @returns the number of nodes filled.
 * @throws {@link MarchingCubesTypeError} when `values` is not a Float32Array or Float64Array.
 * @throws {@link MarchingCubesRangeError} `INVALID_DIMS`, `LENGTH_MISMATCH`, or `INVALID_OPTION` for a NaN level.
 * @throws {@link MarchingCubesNaNError} for a NaN value (before anything is modified).
 * @category Grid
 */
export function fillCavities(values: Float32Array | Float64Array, dims: readonly [number, number, number], level: number): number {
  if (!(values instanceof Float32Array) && !(values instanceof Float64Array)) {
    throw new MarchingCubesTypeError('fillCavities: values must be a Float32Array or Float64Array.');
  }
  if (!Array.isArray(dims) || dims.length !== 3 || !dims.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new MarchingCubesRangeError('INVALID_DIMS', `fillCavities: dims must be three positive integers [nx, ny, nz], got ${JSON.stringify(dims)}.`);
  }
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  if (values.length !== n) {
    throw new MarchingCubesRangeError('LENGTH_MISMATCH', `fillCavities: dims ${nx}×${ny}×${nz} need ${n} values, got ${values.length}.`);
  }
  if (typeof level !== 'number' || Number.isNaN(level)) {
    throw new MarchingCubesRangeError('INVALID_OPTION', `fillCavities: level must be a number, got ${level}.`);
  }
  for (let idx = 0; idx < n; idx++) {
    if (Number.isNaN(values[idx])) throwNaNAt(idx, ny, nz, 'fillCavities', ' Inside or outside is undefined there: fix the field first.');
  }
  const reached = reachOutside(values, nx, ny, nz, level);
  // the value written must read back ≥ level: in a Float32Array, the smallest float32 not below the level
  const fill = values instanceof Float32Array ? float32AtLeast(level) : level;
  let filled = 0;
  for (let idx = 0; idx < n; idx++) {
    if (reached[idx] === 0 && values[idx]! < level) {
      values[idx] = fill;
      filled++;
    }
  }
  return filled;
}

/**
 * 1 for every node below `level` that reaches the grid's border through 6-neighbours below `level`. Flood fill by
 * runs: a run is a stretch of a z-row (fixed i, j) of outside nodes, extended both ways as far as they are outside and
 * not reached yet, so a run's z-neighbours are reached or inside; scanning a run's four neighbouring rows over its
 * k-range finds the outside nodes next to it across x and y, which start new runs. Every node is read a bounded
 * number of times, in row order.
 */
function reachOutside(values: Float32Array | Float64Array, nx: number, ny: number, nz: number, level: number): Uint8Array {
  const reached = new Uint8Array(nx * ny * nz);
  // runs waiting to be scanned: (row = i·ny + j, k0, k1) triples, a stack (the order does not change the result);
  // float64 so that any row index fits
  let stack = new Float64Array(3 * 1024);
  let sp = 0;
  /** Marks the run of unreached outside nodes through node k of row `row` (if k is one) and stacks it; returns its end. */
  const start = (row: number, k: number): number => {
    const base = row * nz;
    if (reached[base + k] !== 0 || !(values[base + k]! < level)) return k;
    reached[base + k] = 1;
    let k0 = k;
    while (k0 > 0 && reached[base + k0 - 1] === 0 && values[base + k0 - 1]! < level) reached[base + --k0] = 1;
    let k1 = k;
    while (k1 < nz - 1 && reached[base + k1 + 1] === 0 && values[base + k1 + 1]! < level) reached[base + ++k1] = 1;
    if (sp + 3 > stack.length) {
      const grown = new Float64Array(2 * stack.length);
      grown.set(stack);
      stack = grown;
    }
    stack[sp++] = row;
    stack[sp++] = k0;
    stack[sp++] = k1;
    return k1;
  };
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const row = i * ny + j;
      if (i === 0 || i === nx - 1 || j === 0 || j === ny - 1) {
        for (let k = 0; k < nz; k++) k = start(row, k);
      } else {
        start(row, 0);
        start(row, nz - 1);
      }
    }
  }
  while (sp > 0) {
    const k1 = stack[--sp]!;
    const k0 = stack[--sp]!;
    const row = stack[--sp]!;
    const j = row % ny;
    const i = (row - j) / ny;
    for (let side = 0; side < 4; side++) {
      const next = side === 0 ? (i > 0 ? row - ny : -1) : side === 1 ? (i < nx - 1 ? row + ny : -1) : side === 2 ? (j > 0 ? row - 1 : -1) : j < ny - 1 ? row + 1 : -1;
      if (next < 0) continue;
      const base = next * nz;
      for (let k = k0; k <= k1; k++) {
        if (reached[base + k] === 0 && values[base + k]! < level) k = start(next, k);
      }
    }
  }
  return reached;
}

/** The smallest float32 value ≥ x (x itself when representable). */
function float32AtLeast(x: number): number {
  const f = Math.fround(x);
  if (f === -Infinity) return -3.4028234663852886e38; // x is below the float32 range: its lowest finite value
  if (f >= x || !Number.isFinite(f)) return f;
  const buf = new Float32Array([f]);
  const bits = new Int32Array(buf.buffer);
  bits[0] += f >= 0 ? 1 : -1; // one ulp towards +∞: a larger magnitude above zero, a smaller one below
  return buf[0]!;
}
