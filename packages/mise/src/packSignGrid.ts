/**
 * Pack the boolean grid `value ≥ threshold` into bytes, 8 nodes per byte, most significant bit first —
 * numpy's `np.packbits(grid >= t)` on a C-order array. Hash the result (sha256) to compare sign grids with
 * the reference fixtures (`sign_grid_sha256`) without shipping the grid.
 * @param grid dense values, any shape, in C order (e.g. {@link MISE.toDense}'s [(R+1)³]).
 * @param threshold isolevel; a node is set when value ≥ threshold (NaN → unset).
 * @returns Uint8Array [ceil(length / 8)].
 * @category MISE
 */
export function packSignGrid(grid: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(grid.length / 8));
  for (let i = 0; i < grid.length; i++) if (grid[i] >= threshold) out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}
