/**
 * The eight analytic logit functions of `fixtures/mise/mise_reference.json` (each case's `function` field), as
 * closed forms: logits `100 · signed distance` (positive inside), shared by the MISE and marching-cubes tests.
 */
const len = (x: number, y: number, z: number): number => Math.sqrt(x * x + y * y + z * z);

/** Signed distance to the box of half-sides `(bx, by, bz)` centred at the origin (negative inside). */
export function sdfBox(x: number, y: number, z: number, bx: number, by: number, bz: number): number {
  const qx = Math.abs(x) - bx;
  const qy = Math.abs(y) - by;
  const qz = Math.abs(z) - bz;
  const outside = len(Math.max(qx, 0), Math.max(qy, 0), Math.max(qz, 0));
  return outside + Math.min(Math.max(qx, qy, qz), 0);
}

/** Case name of the fixture → logit function of (x, y, z). */
export const MISE_CASE_FUNCTIONS: Record<string, (x: number, y: number, z: number) => number> = {
  'sphere_r0.20': (x, y, z) => 100 * (0.2 - len(x, y, z)),
  'sphere_r0.35': (x, y, z) => 100 * (0.35 - len(x, y, z)),
  'sphere_r0.45': (x, y, z) => 100 * (0.45 - len(x, y, z)),
  sphere_offcenter: (x, y, z) => 100 * (0.3 - len(x - 0.1, y + 0.05, z - 0.07)),
  'torus_R0.30_r0.08': (x, y, z) => 100 * (0.08 - Math.sqrt((Math.sqrt(x * x + y * y) - 0.3) ** 2 + z * z)),
  'box_0.3_0.2_0.1': (x, y, z) => -100 * sdfBox(x, y, z, 0.3, 0.2, 0.1),
  two_spheres: (x, y, z) => Math.max(100 * (0.15 - len(x + 0.2, y, z)), 100 * (0.1 - len(x - 0.25, y - 0.1, z - 0.05))),
  tiny_blob_between_coarse_nodes: (x, y, z) => 100 * (0.012 - len(x - 0.0171875, y - 0.0171875, z - 0.0171875)),
};

/** Batched wrapper: points `[N·3]` → values `[N]` in float64. */
export function batched(f: (x: number, y: number, z: number) => number): (p: Float32Array) => Float64Array {
  return (p: Float32Array): Float64Array => {
    const out = new Float64Array(p.length / 3);
    for (let n = 0; n < out.length; n++) out[n] = f(p[3 * n], p[3 * n + 1], p[3 * n + 2]);
    return out;
  };
}
