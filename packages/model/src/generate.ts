import type { TriangleMesh } from '@onet/io';
import { extractIsosurface, MiseError, type MiseProgress } from '@onet/mise';
import { createRng } from '@onet/sampling';
import { PipelineError } from './errors.js';

/**
 * Anything that maps query points to occupancy **logits**: `points` Float32Array `[N·3]` (x, y, z per point,
 * in the model's unit-cube frame) → Float32Array `[N]`. A `ConditionedShape` from
 * `OccupancyNetwork.condition()` is one; so is a plain async function.
 */
export type LogitsFunction = (points: Float32Array) => Promise<Float32Array> | Float32Array;

/** The part of a `ConditionedShape` generation uses. */
export interface LogitsSource {
  /** Occupancy logits `[N]` at `points` `[N·3]`. */
  logits(points: Float32Array): Promise<Float32Array>;
}

/** Options of {@link generateMesh}. */
export interface GenerateMeshOptions {
  /** Coarse MISE grid, voxels per axis (reference 32). */
  resolution0?: number;
  /** MISE subdivision levels; final resolution resolution0·2^upsamplingSteps (reference 2 → 128). */
  upsamplingSteps?: number;
  /** Occupancy threshold τ as a **probability** in (0, 1); the surface is logit = ln(τ/(1−τ)) (reference 0.2). */
  threshold?: number;
  /** Padding of the unit cube: the box sampled is [−(1+padding)/2, (1+padding)/2]³ (reference 0.1 → 1.1). */
  padding?: number;
  /** Most points per network call (reference 100 000). */
  batchSize?: number;
  /** `'reference'` MISE or `'safe'` (also refines coarse voxels within a Lipschitz margin; see @onet/mise). */
  mode?: 'reference' | 'safe';
  /**
   * Vertex normals: `'none'`, `'grid'` (central differences of the MISE grid, free) or `'network'`
   * (n = −∇logit / ‖∇logit‖ by central differences of the network, 6 extra evaluations per vertex; REFERENCE §3.5).
   */
  normals?: 'none' | 'grid' | 'network';
  /**
   * Fill enclosed cavities before marching cubes (`fillCavities` of @onet/mise): grid nodes below τ that cannot reach
   * the box's border become inside, so the mesh has no internal voids. A surface point cloud never shows an object's
   * inside; the voids a network leaves there (low confidence far from the input points) cost IoU. Not in the
   * reference; default off. A model can ask for it (`ModelConfig.fillCavities`, used by `reconstruct`).
   */
  fillCavities?: boolean;
  /** Refinement steps (REFERENCE §3.5 `refinement_step`; reference 0, demo.yaml 30). */
  refinementSteps?: number;
  /** RMSprop learning rate of the refinement (reference 1e-4). */
  refinementLr?: number;
  /** Seed of the refinement's random face samples. */
  seed?: number;
  /** Step of the finite differences used for gradients, in unit-cube units. */
  gradientStep?: number;
  /** Aborts between network batches; the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Progress of MISE after every batch. */
  onProgress?: ((progress: MiseProgress) => void) | undefined;
}

/** Type of {@link GENERATE_MESH_DEFAULTS}: every option set (signal and onProgress may stay undefined). */
export type GenerateMeshDefaults = Required<Omit<GenerateMeshOptions, 'signal' | 'onProgress'>> & Pick<GenerateMeshOptions, 'signal' | 'onProgress'>;

/** Defaults of {@link GenerateMeshOptions} (the reference's generation settings, ON:configs/default.yaml). */
export const GENERATE_MESH_DEFAULTS: GenerateMeshDefaults = {
  resolution0: 32,
  upsamplingSteps: 2,
  threshold: 0.2,
  padding: 0.1,
  batchSize: 100_000,
  mode: 'reference',
  normals: 'none',
  fillCavities: false,
  refinementSteps: 0,
  refinementLr: 1e-4,
  seed: 0,
  gradientStep: 1e-3,
  signal: undefined,
  onProgress: undefined,
};

/** Statistics of one generation. Times are wall-clock milliseconds. */
export interface GenerationStats {
  /** Network evaluations: MISE points + normal and refinement queries. */
  evaluations: number;
  /** MISE points per round (round 0 = the (resolution0+1)³ coarse grid). */
  evaluationsPerRound: number[];
  /** Final grid resolution R. */
  resolution: number;
  /** The threshold τ used, as a probability (the caller's, else the model's for the input size, else 0.2). */
  threshold: number;
  /** The threshold as a logit, ln(τ/(1−τ)). */
  thresholdLogit: number;
  /** Grid nodes raised to the level by `fillCavities` (0 when off, or when there was no enclosed void). */
  filledNodes: number;
  /** Vertices and faces of the result. */
  vertices: number;
  faces: number;
  timeMs: {
    /** Conditioning the network on the input (encoder); 0 when a ready shape was passed. */
    encode: number;
    /** MISE: network evaluations and octree bookkeeping, densification included. */
    mise: number;
    /** Of which: inside the network. */
    network: number;
    /** Marching cubes. */
    marchingCubes: number;
    /** Vertex normals (network normals only; grid normals are part of marching cubes). */
    normals: number;
    /** Refinement. */
    refine: number;
    /** Everything. */
    total: number;
  };
}

/** Result of {@link generateMesh}. */
export interface GenerationResult {
  /** Watertight mesh in the model's unit-cube frame; `normals` `[V·3]` when requested. */
  mesh: TriangleMesh;
  stats: GenerationStats;
}

/** ln(τ / (1 − τ)): a probability threshold as a logit. */
export function probabilityToLogit(probability: number): number {
  return Math.log(probability / (1 - probability));
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new PipelineError('INVALID_OPTION', `${name} must be an integer in [${min}, ${max}], got ${v}`);
  }
}

function checkRange(name: string, v: number, min: number, max: number, open = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (open && (v === min || v === max))) {
    throw new PipelineError('INVALID_OPTION', `${name} must be a number in ${open ? '(' : '['}${min}, ${max}${open ? ')' : ']'}, got ${v}`);
  }
}

/** Wrap a shape or function into a checked `(points) => Promise<Float32Array>` counting evaluations. */
function wrap(shape: LogitsSource | LogitsFunction, counter: { n: number; ms: number }): (p: Float32Array) => Promise<Float32Array> {
  const call: LogitsFunction = typeof shape === 'function' ? shape : (p) => shape.logits(p);
  if (typeof shape !== 'function' && typeof shape?.logits !== 'function') {
    throw new PipelineError('INVALID_OPTION', 'generateMesh needs a ConditionedShape (with logits()) or a function (points) => logits');
  }
  return async (p) => {
    const t0 = performance.now();
    const out = await call(p);
    counter.ms += performance.now() - t0;
    const n = p.length / 3;
    if (!(out instanceof Float32Array) || out.length !== n) {
      throw new PipelineError(
        'BAD_NETWORK_OUTPUT',
        `the network returned ${out instanceof Float32Array ? out.length : typeof out} logits for ${n} points; expected a Float32Array [${n}]`,
      );
    }
    counter.n += n;
    return out;
  };
}

/** Evaluate `f` on `points` [N·3] in batches of `batch` points. */
async function batched(f: (p: Float32Array) => Promise<Float32Array>, points: Float32Array, batch: number, signal?: AbortSignal): Promise<Float32Array> {
  const n = points.length / 3;
  const out = new Float32Array(n);
  for (let s = 0; s < n; s += batch) {
    signal?.throwIfAborted();
    const e = Math.min(n, s + batch);
    out.set(await f(points.subarray(3 * s, 3 * e)), s);
  }
  return out;
}

/**
 * ∇logit at `points` [N·3] by central differences (step h): returns [N·3]. Evaluates 6N points.
 * @internal
 */
export async function logitGradient(
  f: (p: Float32Array) => Promise<Float32Array>,
  points: Float32Array,
  h: number,
  batch: number,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const n = points.length / 3;
  const grad = new Float32Array(3 * n);
  // Chunks of points so the 6N query array stays bounded.
  const chunk = Math.max(1, Math.floor(batch / 6));
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const m = e - s;
    const q = new Float32Array(18 * m);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < 3; a++) {
        for (let sign = 0; sign < 2; sign++) {
          const o = 3 * (6 * i + 2 * a + sign);
          q[o] = points[3 * (s + i)];
          q[o + 1] = points[3 * (s + i) + 1];
          q[o + 2] = points[3 * (s + i) + 2];
          q[o + a] += sign === 0 ? h : -h;
        }
      }
    }
    const v = await batched(f, q, batch, signal);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < 3; a++) grad[3 * (s + i) + a] = (v[6 * i + 2 * a] - v[6 * i + 2 * a + 1]) / (2 * h);
    }
  }
  return grad;
}

/** Dirichlet(½, ½, ½) barycentric weights: normalised Gamma(½) = ½·χ²₁ = ½·N(0,1)² variates. */
function dirichletHalf(rng: ReturnType<typeof createRng>, out: Float64Array): void {
  let sum = 0;
  for (let k = 0; k < 3; k++) {
    const z = rng.normal();
    out[k] = z * z + 1e-12;
    sum += out[k];
  }
  for (let k = 0; k < 3; k++) out[k] /= sum;
}

/**
 * The reference's refinement (REFERENCE §3.5, ON:im2mesh/onet/generation.py `refine_mesh`), with gradients
 * by finite differences instead of autograd: each step draws one Dirichlet(½,½,½) point per face, and moves
 * the vertices with RMSprop (lr, α 0.99, ε 1e-8, as torch) along the gradient of
 * mean (σ(f(p)) − τ)² + 0.01·mean ‖n_f − n_t‖², where n_t = normalize(−∇σ(f)) is held fixed within a step
 * (the reference also differentiates through n_t; that second-order term is dropped here).
 * @internal
 */
async function refine(
  f: (p: Float32Array) => Promise<Float32Array>,
  mesh: TriangleMesh,
  o: GenerateMeshDefaults,
  tau: number,
): Promise<void> {
  const pos = mesh.positions;
  const idx = mesh.indices;
  const nf = idx.length / 3;
  if (nf === 0) return;
  const rng = createRng(o.seed);
  const sq = new Float64Array(pos.length);
  const grad = new Float64Array(pos.length);
  const bary = new Float64Array(3 * nf);
  const w = new Float64Array(3);
  const pts = new Float32Array(3 * nf);
  for (let step = 0; step < o.refinementSteps; step++) {
    o.signal?.throwIfAborted();
    for (let t = 0; t < nf; t++) {
      dirichletHalf(rng, w);
      bary.set(w, 3 * t);
      for (let k = 0; k < 3; k++) {
        pts[3 * t + k] = w[0] * pos[3 * idx[3 * t] + k] + w[1] * pos[3 * idx[3 * t + 1] + k] + w[2] * pos[3 * idx[3 * t + 2] + k];
      }
    }
    const logit = await batched(f, pts, o.batchSize, o.signal);
    const g = await logitGradient(f, pts, o.gradientStep, o.batchSize, o.signal);
    grad.fill(0);
    for (let t = 0; t < nf; t++) {
      const s = 1 / (1 + Math.exp(-logit[t]));
      const ds = s * (1 - s);
      // Data term: d/dp (s − τ)² / F = 2(s − τ)·ds·∇logit / F, distributed to the vertices by barycentric weight.
      const c = (2 * (s - tau) * ds) / nf;
      const a = idx[3 * t], b = idx[3 * t + 1], cc = idx[3 * t + 2];
      // Normal term: n_t = −∇s/‖∇s‖ = −∇logit/‖∇logit‖ (same direction since ds > 0).
      const gx = g[3 * t], gy = g[3 * t + 1], gz = g[3 * t + 2];
      const gl = Math.hypot(gx, gy, gz) + 1e-10;
      const nt = [-gx / gl, -gy / gl, -gz / gl];
      const e0 = [0, 1, 2].map((k) => pos[3 * b + k] - pos[3 * a + k]);
      const e1 = [0, 1, 2].map((k) => pos[3 * cc + k] - pos[3 * b + k]);
      const cr = [e0[1] * e1[2] - e0[2] * e1[1], e0[2] * e1[0] - e0[0] * e1[2], e0[0] * e1[1] - e0[1] * e1[0]];
      const len = Math.hypot(cr[0], cr[1], cr[2]) + 1e-10;
      const nfv = cr.map((x) => x / len);
      // d‖n − nt‖²/dn = 2(n − nt); through normalisation: (I − n nᵀ)/len; then through the cross product.
      const dn = nfv.map((x, k) => (2 * 0.01 * (x - nt[k])) / nf);
      const dot = dn[0] * nfv[0] + dn[1] * nfv[1] + dn[2] * nfv[2];
      const dc = dn.map((x, k) => (x - dot * nfv[k]) / len);
      // cr = e0 × e1: d/de0 = e1 × dc, d/de1 = dc × e0.
      const de0 = [e1[1] * dc[2] - e1[2] * dc[1], e1[2] * dc[0] - e1[0] * dc[2], e1[0] * dc[1] - e1[1] * dc[0]];
      const de1 = [dc[1] * e0[2] - dc[2] * e0[1], dc[2] * e0[0] - dc[0] * e0[2], dc[0] * e0[1] - dc[1] * e0[0]];
      for (let k = 0; k < 3; k++) {
        const dp = c * g[3 * t + k];
        grad[3 * a + k] += bary[3 * t] * dp - de0[k];
        grad[3 * b + k] += bary[3 * t + 1] * dp + de0[k] - de1[k];
        grad[3 * cc + k] += bary[3 * t + 2] * dp + de1[k];
      }
    }
    for (let i = 0; i < pos.length; i++) {
      sq[i] = 0.99 * sq[i] + 0.01 * grad[i] * grad[i];
      pos[i] -= (o.refinementLr * grad[i]) / (Math.sqrt(sq[i]) + 1e-8);
    }
  }
}

/**
 * Extract a mesh from an occupancy network conditioned on one input (Mescheder et al., CVPR 2019, §3.3
 * "Inference"; ON:im2mesh/onet/generation.py): MISE on the box [−(1+padding)/2, (1+padding)/2]³ at
 * threshold logit(τ), marching cubes on the densified grid (border closed, so the mesh is watertight),
 * then optional vertex normals n = −∇logit/‖∇logit‖ and the optional refinement of REFERENCE §3.5.
 * Coordinates stay in the model's unit-cube frame; see {@link reconstruct} for user-frame inputs.
 * The caller keeps ownership of `shape` (dispose it afterwards).
 *
 * @example
 * ```ts
 * const shape = model.condition(points);          // points: Float32Array [N·3] in the unit cube
 * const { mesh, stats } = await generateMesh(shape, { resolution0: 32, upsamplingSteps: 2 });
 * shape.dispose();
 * ```
 * @throws {@link PipelineError} `INVALID_OPTION` for bad options (before any evaluation),
 *   `BAD_NETWORK_OUTPUT` when the network returns the wrong length or NaN. Rejects with `signal.reason` when aborted.
 * @category Generation
 */
export async function generateMesh(shape: LogitsSource | LogitsFunction, options: GenerateMeshOptions = {}): Promise<GenerationResult> {
  const o: GenerateMeshDefaults = { ...GENERATE_MESH_DEFAULTS, ...stripUndefined(options) };
  const tStart = performance.now();
  checkInt('resolution0', o.resolution0, 2, 512);
  checkInt('upsamplingSteps', o.upsamplingSteps, 0, 6);
  if (o.upsamplingSteps > 0 && o.resolution0 * 2 ** o.upsamplingSteps > 1024) {
    throw new PipelineError('INVALID_OPTION', `resolution0·2^upsamplingSteps must be ≤ 1024, got ${o.resolution0 * 2 ** o.upsamplingSteps}`);
  }
  checkRange('threshold (a probability)', o.threshold, 0, 1, true);
  checkRange('padding', o.padding, 0, 10);
  checkInt('batchSize', o.batchSize, 1, 10_000_000);
  checkInt('refinementSteps', o.refinementSteps, 0, 100_000);
  checkRange('refinementLr', o.refinementLr, 0, 10);
  checkRange('gradientStep', o.gradientStep, 1e-7, 0.1);
  if (typeof o.fillCavities !== 'boolean') throw new PipelineError('INVALID_OPTION', `fillCavities must be true or false, got ${String(o.fillCavities)}`);
  if (!['none', 'grid', 'network'].includes(o.normals)) {
    throw new PipelineError('INVALID_OPTION', `normals must be 'none', 'grid' or 'network', got ${String(o.normals)}`);
  }
  const counter = { n: 0, ms: 0 };
  const f = wrap(shape, counter);
  const thresholdLogit = probabilityToLogit(o.threshold);
  const half = (1 + o.padding) / 2;

  let iso;
  try {
    iso = await extractIsosurface(f, {
      resolution0: o.resolution0,
      upsamplingSteps: o.upsamplingSteps,
      threshold: thresholdLogit,
      bounds: [-half, half],
      batchSize: o.batchSize,
      mode: o.mode,
      signal: o.signal,
      onProgress: o.onProgress,
      computeNormals: o.normals === 'grid',
      fillCavities: o.fillCavities,
    });
  } catch (e) {
    if (e instanceof MiseError && (e.code === 'NAN_VALUE' || e.code === 'BAD_OUTPUT')) {
      throw new PipelineError('BAD_NETWORK_OUTPUT', `the network returned invalid logits: ${e.message}`, { cause: e });
    }
    if (e instanceof MiseError) throw new PipelineError('INVALID_OPTION', e.message, { cause: e });
    throw e;
  }
  const st = iso.stats.timeMs;
  const mesh: TriangleMesh = { positions: iso.mesh.positions, indices: iso.mesh.indices };
  if (iso.mesh.normals) mesh.normals = iso.mesh.normals;

  let tRefine = 0;
  if (o.refinementSteps > 0) {
    const t0 = performance.now();
    await refine(f, mesh, o, o.threshold);
    tRefine = performance.now() - t0;
    if (o.normals === 'grid') delete mesh.normals; // positions moved: grid normals no longer match
  }
  let tNormals = 0;
  if (o.normals === 'network' || (o.normals === 'grid' && !mesh.normals)) {
    const t0 = performance.now();
    const g = await logitGradient(f, mesh.positions, o.gradientStep, o.batchSize, o.signal);
    for (let v = 0; v < g.length; v += 3) {
      const l = Math.hypot(g[v], g[v + 1], g[v + 2]);
      const s = l > 0 ? -1 / l : 0;
      g[v] *= s;
      g[v + 1] *= s;
      g[v + 2] *= s;
    }
    mesh.normals = g;
    tNormals = performance.now() - t0;
  }

  return {
    mesh,
    stats: {
      evaluations: counter.n,
      evaluationsPerRound: iso.stats.evaluationsPerRound,
      resolution: iso.stats.resolution,
      threshold: o.threshold,
      thresholdLogit,
      filledNodes: iso.stats.filledNodes,
      vertices: mesh.positions.length / 3,
      faces: mesh.indices.length / 3,
      timeMs: {
        encode: 0,
        mise: st.evaluate + st.mise + st.densify,
        network: st.evaluate,
        marchingCubes: st.marchingCubes,
        normals: tNormals,
        refine: tRefine,
        total: performance.now() - tStart,
      },
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
