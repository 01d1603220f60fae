import { checkDistanceMatrix, type DistanceMatrix } from './chamferDistanceMatrix.js';

/**
 * **Minimum matching distance (MMD)** (Achlioptas et al. 2018): for each reference shape, the distance to its nearest
 * generated shape, averaged over the reference set — how faithful the closest samples are. Lower is better; in the
 * matrix's units (squared lengths for {@link chamferDistanceMatrix}).
 *
 * @param generatedToReference `[G × R]` distances.
 * @returns mean over the R columns of the column minimum, ≥ 0.
 * @example
 * ```ts
 * const mmd = minimumMatchingDistance(chamferDistanceMatrix(generated, test));
 * ```
 * @throws {MetricsError} `EMPTY`, `SHAPE_MISMATCH`, `NON_FINITE` for a malformed matrix.
 * @category Generative metrics
 */
export function minimumMatchingDistance(generatedToReference: DistanceMatrix): number {
  const m = generatedToReference;
  checkDistanceMatrix(m, 'minimumMatchingDistance: generatedToReference');
  let sum = 0;
  for (let j = 0; j < m.cols; j++) {
    let best = Infinity;
    for (let i = 0; i < m.rows; i++) best = Math.min(best, m.data[i * m.cols + j]);
    sum += best;
  }
  return sum / m.cols;
}
