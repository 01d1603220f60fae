import { chamferDistanceMatrix } from './chamferDistanceMatrix.js';
import { coverage } from './coverage.js';
import { minimumMatchingDistance } from './minimumMatchingDistance.js';
import { oneNearestNeighborAccuracy } from './oneNearestNeighborAccuracy.js';

/** Result of {@link generativeMetrics}, all with the Chamfer distance of {@link chamferDistanceMatrix}. */
export interface GenerativeMetrics {
  /** COV-CD in [0, 1] (higher is better). */
  coverage: number;
  /** MMD-CD in squared length units (lower is better). */
  minimumMatchingDistance: number;
  /** 1-NNA-CD in [0, 1] (0.5 is ideal). */
  oneNearestNeighborAccuracy: number;
}

/**
 * COV, MMD and 1-NNA of a generated set against a reference set (e.g. the held-out test split), with the Chamfer
 * distance between surface samples (Achlioptas et al. 2018; Yang et al. 2019). Sample every shape's surface with the
 * same number of points in the same frame first. Cost: (G + R)² / 2 Chamfer distances.
 *
 * @param generated `[G]` point sets `[N·3]`.
 * @param reference `[R]` point sets `[N·3]`.
 * @example
 * ```ts
 * const { coverage, minimumMatchingDistance, oneNearestNeighborAccuracy } = generativeMetrics(samples, testShapes);
 * ```
 * @throws {MetricsError} `EMPTY`, `BAD_LENGTH`, `NON_FINITE` (see {@link chamferDistanceMatrix}).
 * @category Generative metrics
 */
export function generativeMetrics(generated: Float32Array[], reference: Float32Array[]): GenerativeMetrics {
  const gr = chamferDistanceMatrix(generated, reference);
  const gg = chamferDistanceMatrix(generated);
  const rr = chamferDistanceMatrix(reference);
  return {
    coverage: coverage(gr),
    minimumMatchingDistance: minimumMatchingDistance(gr),
    oneNearestNeighborAccuracy: oneNearestNeighborAccuracy(gg, gr, rr),
  };
}
