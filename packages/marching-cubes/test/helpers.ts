/** Small deterministic PRNG (mulberry32) so property tests are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
