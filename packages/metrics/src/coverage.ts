import { checkDistanceMatrix, type DistanceMatrix } from './chamferDistanceMatrix.js';

/**
 * **Coverage (COV)** of a reference set by a generated set (Achlioptas et al. 2018): each generated shape is matched
 * to its nearest reference shape; COV is the fraction of reference shapes matched at least once. 1 = every reference
 * shape has a generated look-alike; low COV = mode collapse. Higher is better (≈ 0.5–0.6 for a second sample of the
 * same distribution with equal set sizes). Ties go to the lower reference index.
 *
 * @param generatedToReference `[G × R]` distances (e.g. {@link chamferDistanceMatrix}(generated, reference)).
 * @returns a fraction in [0, 1].
 * @example
 * ```ts
 * const cov = coverage(chamferDistanceMatrix(generated, test));
 * ```
 * @throws {MetricsError} `EMPTY`, `SHAPE_MISMATCH`, `NON_FINITE` for a malformed matrix.
 * @category Generative metrics
 */
export function coverage(generatedToReference: DistanceMatrix): number {
  const m = generatedToReference;
  checkDistanceMatrix(m, 'coverage: generatedToReference');
  const hit = new Uint8Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.data[i * m.cols + j] < m.data[i * m.cols + best]) best = j;
    hit[best] = 1;
  }
  let n = 0;
  for (const h of hit) n += h;
  return n / m.cols;
}
