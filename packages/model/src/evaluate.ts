import type { TriangleMesh } from '@onet/io';
import { evaluateMesh, MetricsError, type MeshGroundTruth } from '@onet/metrics';
import { normalizeMesh, sampleSurface } from '@onet/sampling';
import { PipelineError } from './errors.js';
import { toUnitFrame } from './unitFrame.js';

/**
 * The four headline scores of a reconstruction plus accuracy/completeness — a summary of `@onet/metrics`
 * `MeshMetrics` (which also has Chamfer-L2, per-threshold precision/recall, …). The reference's per-shape
 * evaluation (REFERENCE §4, ON:eval_meshes.py), computed by `@onet/metrics` `evaluateMesh`: all distances Euclidean in the ground truth's unit-cube frame (Chamfer-L1 ×10 gives the
 * papers' numbers).
 */
export interface ReconstructionMetrics {
  /** Volumetric IoU on uniform points in the padded box [−0.55, 0.55]³. */
  iou: number;
  /** ½(accuracy + completeness), not squared. */
  chamferL1: number;
  /** ½(mean |n·n′| pred→gt + gt→pred), face normals. */
  normalConsistency: number;
  /** F-score at distance 0.01 (the "F@1%" of CON:src/eval.py). */
  fscore: number;
  /** Mean distance predicted surface → ground truth. */
  accuracy: number;
  /** Mean distance ground truth → predicted surface. */
  completeness: number;
}

/**
 * Ground truth as the reference stores it: `points.npz` (uniform points + occupancy labels) and
 * `pointcloud.npz` (surface points + normals), all `[N·3]` / `[N]`, in the unit-cube frame.
 */
export interface GroundTruthSamples {
  occupancyPoints: Float32Array;
  occupancies: Uint8Array;
  surfacePoints: Float32Array;
  surfaceNormals: Float32Array;
}

/** Options of {@link evaluateMeshes} and {@link evaluateAgainstSamples}. */
export interface EvaluateMeshesOptions {
  /**
   * `'gt-unit'`: map both meshes by the ground truth's normalisation (bounding-box centre to the origin,
   * longest side 1) first, so distances are in unit-cube units whatever the input frame. `'as-is'`: the
   * meshes are already in the unit-cube frame (dataset shapes).
   */
  frame?: 'gt-unit' | 'as-is';
  /** Surface points per mesh and uniform points for IoU (reference 100 000). */
  points?: number | undefined;
  /** Seed of the samples. */
  seed?: number | undefined;
  /** Padding of the IoU box (reference 0.1 → [−0.55, 0.55]³). */
  padding?: number;
}

/** Defaults of {@link EvaluateMeshesOptions}. */
export const EVALUATE_MESHES_DEFAULTS = { frame: 'gt-unit', points: 100_000, seed: 0, padding: 0.1 } as const;

function opts(options: EvaluateMeshesOptions) {
  const o = { ...EVALUATE_MESHES_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<EvaluateMeshesOptions>;
  if (!Number.isInteger(o.points) || o.points < 1 || o.points > 10_000_000) {
    throw new PipelineError('INVALID_OPTION', `points must be an integer in [1, 1e7], got ${o.points}`);
  }
  return o;
}

/** One implementation: `@onet/metrics` `evaluateMesh` at F-score threshold 0.01, IoU box [−(1+padding)/2, (1+padding)/2]³. */
function score(pred: TriangleMesh, gt: TriangleMesh | MeshGroundTruth, o: Required<EvaluateMeshesOptions>): ReconstructionMetrics {
  let m;
  try {
    m = evaluateMesh(pred, gt, { nSurfacePoints: o.points, nIoUPoints: o.points, thresholds: [0.01], padding: o.padding, iouBox: 'unit-cube', seed: o.seed });
  } catch (e) {
    if (!(e instanceof MetricsError)) throw e;
    throw new PipelineError(e.code === 'EMPTY_GROUND_TRUTH' ? 'EMPTY_INPUT' : 'INVALID_OPTION', `cannot evaluate: ${e.message}`, { cause: e });
  }
  return {
    iou: m.iou,
    chamferL1: m.chamferL1,
    normalConsistency: m.normalConsistency ?? NaN,
    fscore: m.fScore[0],
    accuracy: m.accuracy,
    completeness: m.completeness,
  };
}

/**
 * Score a predicted mesh against a ground-truth mesh as the reference does (REFERENCE §4): IoU on
 * `points` uniform points in the padded box (inside tests by generalized winding number, so an open ground
 * truth such as the Stanford bunny still has a sensible inside), Chamfer-L1, normal consistency and
 * F-score@0.01 on `points` area-weighted surface samples with face normals per mesh.
 *
 * @example
 * ```ts
 * const m = evaluateMeshes(result.mesh, gtMesh); // { iou, chamferL1, normalConsistency, fscore, … }
 * ```
 * @throws {@link PipelineError} `EMPTY_INPUT` when the ground truth has no faces, no area or no inside
 *   point, `INVALID_OPTION` (bad counts, mismatched or non-finite arrays; the `@onet/metrics` error is the `cause`).
 * @category Evaluation
 */
export function evaluateMeshes(pred: TriangleMesh, gt: TriangleMesh, options: EvaluateMeshesOptions = {}): ReconstructionMetrics {
  const o = opts(options);
  if (!gt?.indices || gt.indices.length === 0) throw new PipelineError('EMPTY_INPUT', 'the ground-truth mesh has no faces');
  let p = pred;
  let g = gt;
  if (o.frame === 'gt-unit') {
    const n = normalizeMesh(gt);
    g = n.mesh;
    p = { positions: toUnitFrame(pred.positions, n.loc, n.scale), indices: pred.indices };
  }
  // The ground truth's surface samples are drawn independently of the prediction's (as the reference's
  // stored pointcloud.npz is), so a mesh scored against itself shows the sampling distance, not 0.
  const pointcloud = sampleSurface(g, o.points, { seed: o.seed + 2 });
  return score(p, { mesh: g, pointcloud }, o);
}

/**
 * Score a predicted mesh (in the unit-cube frame) against stored ground-truth samples (a dataset shape's
 * `points.npz` + `pointcloud.npz`), as ON:eval_meshes.py does.
 * @throws {@link PipelineError} `EMPTY_INPUT` (no surface points, or no inside label), `INVALID_OPTION`.
 * @category Evaluation
 */
export function evaluateAgainstSamples(pred: TriangleMesh, gt: GroundTruthSamples, options: EvaluateMeshesOptions = {}): ReconstructionMetrics {
  const o = opts({ ...options, frame: 'as-is' });
  return score(pred, { pointcloud: { points: gt.surfacePoints, normals: gt.surfaceNormals }, points: gt.occupancyPoints, occupancies: gt.occupancies }, o);
}

/** Mean of each metric over rows, skipping NaN entries per metric (reported as NaN when all are). */
export function meanMetrics(rows: ReconstructionMetrics[]): ReconstructionMetrics {
  const keys: (keyof ReconstructionMetrics)[] = ['iou', 'chamferL1', 'normalConsistency', 'fscore', 'accuracy', 'completeness'];
  const out = {} as ReconstructionMetrics;
  for (const k of keys) {
    let s = 0;
    let n = 0;
    for (const r of rows) {
      if (Number.isFinite(r[k])) {
        s += r[k];
        n++;
      }
    }
    out[k] = n ? s / n : NaN;
  }
  return out;
}
