import { checkDistanceMatrix, type DistanceMatrix } from './chamferDistanceMatrix.js';
import { MetricsError } from './errors.js';

/**
 * **1-nearest-neighbour accuracy (1-NNA)** (Lopez-Paz & Oquab 2017; used for shapes by Yang et al. 2019, PointFlow): a
 * leave-one-out 1-NN classifier on the union of the generated set Sg and the reference set Sr; each shape is
 * classified by the set of its nearest other shape. 1-NNA = fraction classified correctly. **0.5 is ideal** (the sets
 * are indistinguishable); 1 = every shape's neighbour comes from its own set (samples far from the data, or memorised
 * copies that cluster away from held-out shapes). Ties go to the lower index in the order [Sg, Sr].
 *
 * @param gg `[G × G]` distances within the generated set (diagonal ignored).
 * @param gr `[G × R]` generated-to-reference distances.
 * @param rr `[R × R]` distances within the reference set (diagonal ignored).
 * @returns a fraction in [0, 1].
 * @example
 * ```ts
 * const nna = oneNearestNeighborAccuracy(chamferDistanceMatrix(gen), chamferDistanceMatrix(gen, test), chamferDistanceMatrix(test));
 * ```
 * @throws {MetricsError} `SHAPE_MISMATCH` when the sizes disagree, `EMPTY` when G + R < 2 … see {@link coverage}.
 * @category Generative metrics
 */
export function oneNearestNeighborAccuracy(gg: DistanceMatrix, gr: DistanceMatrix, rr: DistanceMatrix): number {
  checkDistanceMatrix(gg, 'oneNearestNeighborAccuracy: gg');
  checkDistanceMatrix(gr, 'oneNearestNeighborAccuracy: gr');
  checkDistanceMatrix(rr, 'oneNearestNeighborAccuracy: rr');
  const G = gr.rows;
  const R = gr.cols;
  if (gg.rows !== G || gg.cols !== G || rr.rows !== R || rr.cols !== R) {
    throw new MetricsError('SHAPE_MISMATCH', `oneNearestNeighborAccuracy: need gg ${G}×${G}, gr ${G}×${R}, rr ${R}×${R}; got ${gg.rows}×${gg.cols}, ${gr.rows}×${gr.cols}, ${rr.rows}×${rr.cols}`);
  }
  // distance between items k, l of the union [Sg, Sr]
  const d = (k: number, l: number): number => {
    if (k < G) return l < G ? gg.data[k * G + l] : gr.data[k * R + (l - G)];
    return l < G ? gr.data[l * R + (k - G)] : rr.data[(k - G) * R + (l - G)];
  };
  let correct = 0;
  for (let k = 0; k < G + R; k++) {
    let best = -1;
    let bestD = Infinity;
    for (let l = 0; l < G + R; l++) {
      if (l === k) continue;
      const v = d(k, l);
      if (v < bestD) {
        bestD = v;
        best = l;
      }
    }
    if ((best < G) === (k < G)) correct++;
  }
  return correct / (G + R);
}
