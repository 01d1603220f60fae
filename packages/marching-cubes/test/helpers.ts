/** Seeded uniform generator: `@onet/sampling`'s, via `@onet/test-utils`. */
export { rng } from '@onet/test-utils';

/** Fill a C-order grid from f(i, j, k). */
export function grid(
  dims: [number, number, number],
  f: (i: number, j: number, k: number) => number,
  Type: typeof Float32Array | typeof Float64Array = Float32Array
): Float32Array | Float64Array {
  const [nx, ny, nz] = dims;
  const v = new Type(nx * ny * nz);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) for (let k = 0; k < nz; k++) v[(i * ny + j) * nz + k] = f(i, j, k);
  return v;
}
