import type { PointCloud, TriangleMesh } from '@onet/io';
import { boundingBox, contains, sampleSurface, sampleUniformPoints } from '@onet/sampling';
import { MetricsError } from './errors.js';
import { EMPTY_PREDICTION_SCORES } from './emptyPolicy.js';
import { evaluatePointClouds, type PointCloudMetrics } from './evaluatePointClouds.js';
import { occupancyIoU, type OccupancyInput } from './occupancyIoU.js';
import { checkCloud, checkCoordinates, checkMesh, checkThresholds, meshArea } from './validate.js';

/**
 * Ground truth for {@link evaluateMesh}, as the reference stores it: the mesh, and/or its precomputed
 * surface samples (`pointcloud.npz`) and labelled IoU points (`points.npz`). What is given is used as is;
 * what is missing is made from `mesh`.
 */
export interface MeshGroundTruth {
  /** The ground-truth mesh: sampled for `pointcloud` and labelled for `occupancies` when those are absent. */
  mesh?: TriangleMesh;
  /** Surface samples `[M·3]` with unit face normals `[M·3]` (the reference's 100k points of pointcloud.npz). */
  pointcloud?: PointCloud;
  /** IoU query points `[K·3]` (the reference's 100k uniform points in [−0.55, 0.55]³ of points.npz). */
  points?: Float32Array;
  /** Occupancy of `points` `[K]` (value ≥ 0.5 = inside; the reference thresholds its labels at 0.5). */
  occupancies?: OccupancyInput;
}

/** Options of {@link evaluateMesh}. */
export interface EvaluateMeshOptions {
  /** Surface points sampled on each mesh (by area, with face normals); the reference uses 100 000. */
  nSurfacePoints?: number;
  /** Uniform points labelled for IoU when the ground truth brings no `points`; the reference uses 100 000. */
  nIoUPoints?: number;
  /** F-score distance thresholds (unit-cube units; the papers report 0.01, 0.015, 0.02). */
  thresholds?: ArrayLike<number>;
  /** Padding of the IoU box: side = (1 + padding) × its reference length (reference: 0.1 → [−0.55, 0.55]³). */
  padding?: number;
  /**
   * Where the uniform IoU points lie: `'gt-bounds'` = the cube around the centre of the ground-truth mesh's
   * bounding box whose side is its longest edge × (1 + padding) — for meshes normalised as the reference's
   * data (§2.1: centred, longest edge 1) this is exactly `'unit-cube'`, and it stays meaningful at any
   * other scale; `'unit-cube'` = the fixed box [−(1 + padding)/2, (1 + padding)/2]³ of the reference.
   */
  iouBox?: 'gt-bounds' | 'unit-cube';
  /** Seed of the sampling. Both meshes are sampled with the same seed, so identical meshes get identical samples. */
  seed?: number;
  /** Inside test of `@onet/sampling` `contains`: `'winding'` (robust) or `'ray-parity'` (the reference's rule). */
  containsMethod?: 'winding' | 'ray-parity';
}

/** Defaults of {@link EvaluateMeshOptions} (REFERENCE §4). */
export const EVALUATE_MESH_DEFAULTS: Required<EvaluateMeshOptions> = {
  nSurfacePoints: 100_000,
  nIoUPoints: 100_000,
  thresholds: [0.01, 0.015, 0.02],
  padding: 0.1,
  iouBox: 'gt-bounds',
  seed: 0,
  containsMethod: 'winding',
};

/** Every metric of {@link evaluateMesh}: the point-set metrics plus volumetric IoU. */
export interface MeshMetrics extends PointCloudMetrics {
  /** Volumetric IoU of the two solids on the IoU points; 0 for an empty prediction. */
  iou: number;
  /** Number of surface points compared per side (the ground truth's own count when it brings a pointcloud). */
  nSurfacePoints: number;
  /** Number of points the IoU was measured on. */
  nIoUPoints: number;
}

const MAX_POINTS = 50_000_000;

/**
 * Evaluates a predicted mesh against the ground truth the way the reference's `eval_meshes.py` does
 * (ON:im2mesh/eval.py `eval_mesh`; REFERENCE §4), returning every metric at once: IoU, Chamfer-L1,
 * Chamfer-L2, accuracy, completeness, normal consistency and precision/recall/F-score per threshold.
 *
 * 1. Surface: `nSurfacePoints` points sampled by area on the prediction, with face normals
 *    (`sampleSurface` of `@onet/sampling`); the ground truth's `pointcloud`, or the same sampling of its
 *    mesh. Then {@link evaluatePointClouds}.
 * 2. IoU: the ground truth's `points`/`occupancies`, or `nIoUPoints` uniform points in the padded box
 *    (`sampleUniformPoints`) labelled with `contains` on the ground-truth mesh; the prediction is labelled
 *    with `contains` on the same points; then {@link occupancyIoU}.
 *
 * No alignment or rescaling happens (the reference has none). An empty prediction (no faces, or zero
 * area) scores {@link EMPTY_PREDICTION_SCORES} with `empty: true`, IoU 0. A mesh compared with itself
 * scores Chamfer 0, normal consistency 1, F-score 1 and IoU 1 at any scale.
 *
 * @param pred the predicted mesh (e.g. from marching cubes), in the ground truth's frame.
 * @param gt the ground-truth mesh, or {@link MeshGroundTruth}.
 * @example
 * ```ts
 * const m = evaluateMesh(predMesh, gtMesh);                     // 100k + 100k points, as the reference
 * const q = evaluateMesh(predMesh, { pointcloud, points, occupancies }); // the reference's own GT files
 * console.log(m.iou, toPaperUnits(m.chamferL1), m.normalConsistency, m.fScore[0]);
 * ```
 * @throws {MetricsError} `MISSING_GROUND_TRUTH` (no way to get GT surface points or IoU labels),
 *   `EMPTY_GROUND_TRUTH` (GT mesh without area, empty GT points or no GT inside point), `SHAPE_MISMATCH`
 *   (occupancies vs points, face indices out of range), `BAD_LENGTH`, `NON_FINITE`, `BAD_OPTION`.
 * @category Metrics
 */
export function evaluateMesh(
  pred: TriangleMesh,
  gt: TriangleMesh | MeshGroundTruth,
  options: EvaluateMeshOptions = {},
): MeshMetrics {
  const opts = { ...EVALUATE_MESH_DEFAULTS, ...options };
  const { nSurfacePoints, nIoUPoints, padding, iouBox, seed, containsMethod } = opts;
  const thresholds = checkThresholds(opts.thresholds);
  checkCount(nSurfacePoints, 'nSurfacePoints');
  checkCount(nIoUPoints, 'nIoUPoints');
  if (!Number.isFinite(padding) || padding < 0 || padding > 10) {
    throw new MetricsError('BAD_OPTION', `padding must be a finite number in [0, 10], got ${padding}.`);
  }
  if (iouBox !== 'gt-bounds' && iouBox !== 'unit-cube') {
    throw new MetricsError('BAD_OPTION', `iouBox must be 'gt-bounds' or 'unit-cube', got ${String(iouBox)}.`);
  }
  if (containsMethod !== 'winding' && containsMethod !== 'ray-parity') {
    throw new MetricsError('BAD_OPTION', `containsMethod must be 'winding' or 'ray-parity', got ${String(containsMethod)}.`);
  }
  if (!Number.isInteger(seed)) throw new MetricsError('BAD_OPTION', `seed must be an integer, got ${seed}.`);

  checkMesh(pred, 'pred');
  const truth: MeshGroundTruth = isMesh(gt) ? { mesh: gt } : gt;
  if (truth === null || typeof truth !== 'object') {
    throw new MetricsError('MISSING_GROUND_TRUTH', 'gt must be a TriangleMesh or { mesh?, pointcloud?, points?, occupancies? }.');
  }
  const gtMesh = truth.mesh;
  if (gtMesh !== undefined) {
    checkMesh(gtMesh, 'gt.mesh');
    if (!(meshArea(gtMesh) > 0)) {
      throw new MetricsError('EMPTY_GROUND_TRUTH', 'the ground-truth mesh has no area (no faces or all degenerate): check the file.');
    }
  }

  // --- what the ground truth brings, checked before any sampling
  if (truth.pointcloud === undefined && gtMesh === undefined) {
    throw new MetricsError('MISSING_GROUND_TRUTH', 'gt needs a mesh or a pointcloud { points, normals } for the surface metrics.');
  }
  if (truth.occupancies !== undefined && truth.points === undefined) {
    throw new MetricsError('MISSING_GROUND_TRUTH', 'gt.occupancies were given without gt.points: pass the points they label.');
  }
  if (truth.points !== undefined) {
    checkCoordinates(truth.points, 'gt.points');
    if (truth.points.length === 0) throw new MetricsError('EMPTY_GROUND_TRUTH', 'gt.points is empty: IoU needs query points.');
    if (truth.occupancies === undefined && gtMesh === undefined) {
      throw new MetricsError('MISSING_GROUND_TRUTH', 'gt.points need gt.occupancies, or gt.mesh to label them.');
    }
    if (truth.occupancies !== undefined && truth.occupancies.length !== truth.points.length / 3) {
      throw new MetricsError(
        'SHAPE_MISMATCH',
        `gt.occupancies has ${truth.occupancies.length} labels for ${truth.points.length / 3} points: one label per point.`,
      );
    }
  } else if (gtMesh === undefined) {
    throw new MetricsError('MISSING_GROUND_TRUTH', 'IoU needs gt.points with gt.occupancies, or gt.mesh to sample and label points.');
  }
  const gtCloud = truth.pointcloud ?? sampleSurface(gtMesh!, nSurfacePoints, { seed });
  const gtChecked = checkCloud(gtCloud, 'gt.pointcloud');

  const predEmpty = pred.indices.length === 0 || !(meshArea(pred) > 0);
  const predCloud: PointCloud = predEmpty
    ? { points: new Float32Array(0), normals: new Float32Array(0) }
    : sampleSurface(pred, nSurfacePoints, { seed });
  const surface = evaluatePointClouds(
    { points: predCloud.points, normals: predCloud.normals },
    { points: gtCloud.points, normals: gtCloud.normals },
    { thresholds },
  );

  // --- IoU
  let points = truth.points;
  if (points === undefined) {
    points = sampleUniformPoints(nIoUPoints, { padding, seed: seed + 1 });
    if (iouBox === 'gt-bounds') fitToBounds(points, gtMesh!);
  }
  const gtOcc = truth.occupancies ?? contains(gtMesh!, points, { method: containsMethod });
  const iou = predEmpty
    ? EMPTY_PREDICTION_SCORES.iou
    : occupancyIoU(contains(pred, points, { method: containsMethod }), gtOcc);

  return { ...surface, iou, nSurfacePoints: gtChecked.count, nIoUPoints: points.length / 3 };
}

function isMesh(x: unknown): x is TriangleMesh {
  return x !== null && typeof x === 'object' && 'positions' in x && 'indices' in x;
}

function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_POINTS) {
    throw new MetricsError('BAD_OPTION', `${what} must be an integer in [1, ${MAX_POINTS}], got ${n}.`);
  }
}

/**
 * Maps points of the reference box (centred at 0, side 1 + padding) onto the cube around the centre of
 * the mesh's bounding box (referenced vertices, as `normalizeMesh`) with side = its longest edge × (1 + padding). In place.
 */
function fitToBounds(points: Float32Array, mesh: TriangleMesh): void {
  const { center: c, side: scale } = boundingBox(mesh);
  for (let i = 0; i < points.length; i += 3) {
    for (let k = 0; k < 3; k++) points[i + k] = c[k] + scale * points[i + k];
  }
}
