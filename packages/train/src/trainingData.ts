import type { TriangleMesh } from '@onet/io';
import {
  createRng,
  normalizeMesh,
  sampleUniformPoints,
  sampleSurface,
  sampleNearSurface,
  contains,
  randomAffine,
  transformMesh,
  icosphere,
  box,
  cylinder,
  torus,
  concatMeshes,
  type Rng,
} from '@onet/sampling';

/** Precomputed, labelled samples of one training shape (unit-cube frame, longest side 1). */
export interface ShapeSamples {
  /** Human-readable origin, e.g. `anchor.off#rot3` or `csg-union#12`. */
  name: string;
  /** Surface samples `[S·3]` to draw input point clouds from. */
  surface: Float32Array;
  /** Uniform points in the padded box `[U·3]` (reference: 100k uniform in [−0.55, 0.55]³). */
  uniform: Float32Array;
  /** Occupancy of `uniform` (1 = inside) `[U]`. */
  uniformOcc: Uint8Array;
  /** Near-surface points `[M·3]` (surface + N(0, σ²)), possibly empty. */
  near: Float32Array;
  /** Occupancy of `near` `[M]`. */
  nearOcc: Uint8Array;
  /** Voxel models: the shape's occupancy grid `[R³]` (`voxelizeMesh`, unit cube), their encoder input. */
  voxels?: Uint8Array;
  /** Image models: renders of the shape from seeded views, their encoder input (see {@link ShapeViews}). */
  views?: ShapeViews;
}

/**
 * `V` renders of one shape (`@onet/render`'s `renderMesh` from `randomView`s) and their world → view rotations: a
 * batch picks one view per shape and rotates that shape's labelled points into the view frame.
 */
export interface ShapeViews {
  /** Image side S in pixels. */
  size: number;
  /** RGB bytes `[V·S·S·3]`, view v at `v·S·S·3`, row-major from the top-left pixel. */
  images: Uint8Array;
  /** World → view rotations `[V·9]`, row-major 3×3 each (`Camera.rotation`). */
  rotations: Float32Array;
}

/** Options of {@link sampleShape}. */
export interface SampleShapeOptions {
  /** Surface samples kept per shape. */
  surfacePoints?: number;
  /** Labelled uniform points per shape. */
  uniformPoints?: number;
  /** Labelled near-surface points per shape (0 = none). */
  nearPoints?: number;
  /** σ of the near-surface offsets, unit-cube units (reference ablation 0.01). */
  nearSigma?: number;
  /** Padding of the sampling box (reference 0.1 → [−0.55, 0.55]³). */
  padding?: number;
  /** Seed of this shape's samples. */
  seed?: number;
}

/** Defaults of {@link SampleShapeOptions}. */
export const SAMPLE_SHAPE_DEFAULTS: Required<SampleShapeOptions> = {
  surfacePoints: 30_000,
  uniformPoints: 40_000,
  nearPoints: 20_000,
  nearSigma: 0.015,
  padding: 0.1,
  seed: 0,
};

/**
 * Sample and label one normalised mesh (REFERENCE §2.1 step 4): uniform points in the padded box and
 * near-surface points, labelled by generalized winding number (`contains`), plus surface samples for inputs.
 */
export function sampleShape(name: string, mesh: TriangleMesh, options: SampleShapeOptions = {}): ShapeSamples {
  const o = { ...SAMPLE_SHAPE_DEFAULTS, ...options };
  const rng = createRng(o.seed);
  const surface = sampleSurface(mesh, o.surfacePoints, { rng }).points;
  const uniform = sampleUniformPoints(o.uniformPoints, { rng, padding: o.padding });
  const uniformOcc = contains(mesh, uniform);
  const near = o.nearPoints > 0 ? sampleNearSurface(mesh, o.nearPoints, { rng, sigma: o.nearSigma }) : new Float32Array(0);
  const nearOcc = o.nearPoints > 0 ? contains(mesh, near) : new Uint8Array(0);
  return { name, surface, uniform, uniformOcc, near, nearOcc };
}

function primitive(rng: Rng): TriangleMesh {
  const u = (a: number, b: number) => a + (b - a) * rng.next();
  const c: [number, number, number] = [u(-0.2, 0.2), u(-0.2, 0.2), u(-0.2, 0.2)];
  const k = Math.floor(rng.next() * 4);
  let m: TriangleMesh;
  if (k === 0) m = box([u(0.15, 0.8), u(0.15, 0.8), u(0.15, 0.8)], c);
  else if (k === 1) m = cylinder(u(0.08, 0.35), u(0.2, 0.9), 32, c);
  else if (k === 2) {
    const r = u(0.04, 0.15);
    m = torus(u(r + 0.06, 0.4), r, 40, 20, c);
  } else m = icosphere(3, u(0.12, 0.4), c);
  return transformMesh(m, randomAffine(rng, { rotate: true }));
}

/**
 * A procedural training shape: one primitive (box, cylinder, torus, sphere) or a union of 2–3, randomly rotated
 * and stretched, normalised to the unit cube (longest side 1, bbox centre at the origin).
 */
export function proceduralShape(seed: number): { name: string; mesh: TriangleMesh } {
  const rng = createRng(seed);
  const n = rng.next() < 0.4 ? 1 : rng.next() < 0.6 ? 2 : 3;
  const parts: TriangleMesh[] = [];
  for (let i = 0; i < n; i++) parts.push(primitive(rng));
  const mesh = n === 1 ? parts[0] : concatMeshes(parts);
  const stretched = transformMesh(mesh, randomAffine(rng, { stretchRange: [0.7, 1.3] }));
  return { name: n === 1 ? `primitive#${seed}` : `csg-union${n}#${seed}`, mesh: normalizeMesh(stretched).mesh };
}

/**
 * An augmented copy of a real mesh: random rotation in SO(3) and anisotropic stretch (0.7–1.3 per axis), then
 * the reference normalisation (bbox centre to origin, longest side 1). Copy 0 is the mesh as given.
 */
export function augmentedMesh(mesh: TriangleMesh, copy: number, seed: number): TriangleMesh {
  if (copy === 0) return normalizeMesh(mesh).mesh;
  const rng = createRng(seed);
  return normalizeMesh(transformMesh(mesh, randomAffine(rng, { rotate: true, stretchRange: [0.7, 1.3] }))).mesh;
}

/**
 * Scale a mesh centred at the origin so that it fits in the sphere of radius `radius` (default ½): every vertex at
 * most `radius` from the origin. Image models train on shapes normalised this way, so that every rotation of the
 * shape into a camera's view frame stays inside the unit cube where occupancy is sampled and generated. A mesh already
 * inside is scaled up to touch the sphere. Returns a new mesh (normals copied).
 */
export function fitInSphere(mesh: TriangleMesh, radius = 0.5): TriangleMesh {
  const P = mesh.positions;
  const k = sphereFitScale(mesh, radius);
  return { ...mesh, positions: Float32Array.from(P, (v) => v * k), ...(mesh.normals ? { normals: mesh.normals.slice() } : {}) };
}

/** The factor {@link fitInSphere} scales `mesh` by: `radius / max |p|` over its vertices (1 for a mesh at the origin). */
export function sphereFitScale(mesh: TriangleMesh, radius = 0.5): number {
  const P = mesh.positions;
  let r2 = 0;
  for (let i = 0; i < P.length; i += 3) r2 = Math.max(r2, P[i] * P[i] + P[i + 1] * P[i + 1] + P[i + 2] * P[i + 2]);
  return r2 > 0 ? radius / Math.sqrt(r2) : 1;
}
