import { MarchingCubesRangeError, MarchingCubesTypeError, throwNaNAt } from './errors.js';

/**
 * Fill the enclosed cavities of a scalar grid, in place: every node below `level` (outside) that cannot reach the
 * grid's border through outside nodes — 6-connected, i.e. through shared grid edges — is raised to `level` (in a
 * Float32Array: the nearest float32 not below it), so it counts as inside (`>= level`) and {@link marchingCubes}
 * emits no surface around it. Surfaces that bound the outside stay as they are, except where a void meets the
 * outside only across the diagonal of a grid face: 6-connectivity counts it as enclosed and fills it.
 * This is scipy's `binary_fill_holes` (default 6-connected structure) on the level set `values >= level`.
 * Memory: 5 bytes per node besides `values`.
 *
 * Why: a surface point cloud never shows an object's interior, so a reconstruction's internal voids (closed shells
 * with inward normals, negative volume) are artefacts of an uncertain occupancy far from the input points; on solid
 * objects they cost IoU. Objects with a real closed void inside lose it.
 *
 * The grid is `values[(i·ny + j)·nz + k]` (C order, k fastest), as for {@link marchingCubes}. Nodes on the grid's
 * border are connected to the outside, as with `closeBoundary: true`. Time and memory O(nx·ny·nz).
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
  // 1 = outside and reached from the border; breadth-first over 6-neighbours
  const reached = new Uint8Array(n);
  const queue = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  const push = (idx: number): void => {
    if (reached[idx] === 0 && values[idx]! < level) {
      reached[idx] = 1;
      queue[tail++] = idx;
    }
  };
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const row = (i * ny + j) * nz;
      if (i === 0 || i === nx - 1 || j === 0 || j === ny - 1) {
        for (let k = 0; k < nz; k++) push(row + k);
      } else {
        push(row);
        push(row + nz - 1);
      }
    }
  }
  const sx = ny * nz;
  while (head < tail) {
    const idx = queue[head++]!;
    const k = idx % nz;
    const j = ((idx - k) / nz) % ny;
    const i = (idx - k - j * nz) / sx;
    if (i > 0) push(idx - sx);
    if (i < nx - 1) push(idx + sx);
    if (j > 0) push(idx - nz);
    if (j < ny - 1) push(idx + nz);
    if (k > 0) push(idx - 1);
    if (k < nz - 1) push(idx + 1);
  }
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
