import { marchingCubes, fillCavities } from '@onet/marching-cubes';
import { type Bounds, REFERENCE_BOUNDS, gridAxes, normalizeBounds } from './bounds.js';
import { MiseError } from './errors.js';
import { MAX_RESOLUTION, MISE } from './mise.js';

/** Values an {@link ImplicitFunction} may return: one scalar per point. */
export type ImplicitValues = Float32Array | Float64Array | ArrayLike<number>;

/**
 * Any implicit function, batched: `points` is a Float32Array [N·3] of world coordinates (x, y, z per
 * point); return N values (logits, an SDF negated, a density…), inside = value above `threshold`. May be
 * async. The array passed in is fresh for every call and may be kept.
 */
export type ImplicitFunction = (points: Float32Array) => ImplicitValues | Promise<ImplicitValues>;

/** Progress report passed to {@link ExtractIsosurfaceOptions.onProgress} after every batch. */
export interface MiseProgress {
  /** Evaluation round, 0-based (round 0 is the coarse grid). */
  round: number;
  /** Points of this round evaluated so far. */
  evaluatedInRound: number;
  /** Points this round asks for. */
  pointsInRound: number;
  /** Points evaluated so far over all rounds. */
  evaluated: number;
}

/** Options of {@link extractIsosurface}. */
export interface ExtractIsosurfaceOptions {
  /** Coarse voxels per axis (reference 32). */
  resolution0?: number;
  /** Octree subdivision levels; final resolution R = resolution0 · 2^upsamplingSteps (reference 2 → 128). */
  upsamplingSteps?: number;
  /** Isolevel in the function's units; inside = above. Occupancy-network logits: logit(0.2) ≈ −1.3863. */
  threshold?: number;
  /** World box sampled: `[lo, hi]` per axis or `[[xlo, ylo, zlo], [xhi, yhi, zhi]]` (reference [−0.55, 0.55]³). */
  bounds?: Bounds;
  /** Most points per call of the function (reference 100 000). */
  batchSize?: number;
  /**
   * Aborts the extraction: the promise rejects with the signal's reason (an `AbortError`) as soon as the signal
   * fires while an async fn is pending (its promise is raced with the abort), else before the next batch; a
   * synchronous fn is followed by one event-loop turn, so an abort from a timer or another task is seen after
   * the batch in progress. A call of fn in flight is not cancelled: it runs to completion in the background and
   * its result (or rejection) is ignored. fn can stop early by watching the same signal.
   */
  signal?: AbortSignal | undefined;
  /** Called after every batch. */
  onProgress?: ((progress: MiseProgress) => void) | undefined;
  /** `'reference'`: the reference's MISE, bit for bit. `'safe'`: also finds features between coarse nodes. */
  mode?: 'reference' | 'safe';
  /**
   * Safe mode: a known Lipschitz bound of the function in value units per world unit (e.g. 100 for
   * 100·SDF). Default: estimated from the coarse grid's finite differences × `safetyFactor`.
   */
  lipschitz?: number | undefined;
  /** Safe mode: multiplies the estimated Lipschitz bound; larger = more conservative, more evaluations. */
  safetyFactor?: number;
  /**
   * Safe mode: the Lipschitz test applies to voxels of level < safeLevels (1: coarse voxels only). Each
   * further level roughly doubles the evaluations (2: 1.8–2.3× the reference on the fixture shapes).
   */
  safeLevels?: number;
  /** Compute vertex normals from the grid gradient (passed to marching cubes). */
  computeNormals?: boolean;
  /** Also return the dense value grid `[(R+1)³]` (Float32Array, C order) in the result. */
  returnGrid?: boolean;
  /**
   * Fill enclosed cavities before marching cubes: grid nodes below the threshold that cannot reach the box's border
   * through other such nodes are raised to it (`fillCavities` of @onet/marching-cubes), so the mesh has no internal
   * voids. Off by default (the reference has no such step); a surface point cloud never shows an object's inside.
   * With `returnGrid`, the grid returned is the filled one.
   */
  fillCavities?: boolean;
}

type OptionalKeys = 'signal' | 'onProgress' | 'lipschitz';

/** Defaults of {@link ExtractIsosurfaceOptions} (`signal`, `onProgress`, `lipschitz`: none). */
export const EXTRACT_ISOSURFACE_DEFAULTS = {
  resolution0: 32,
  upsamplingSteps: 2,
  threshold: 0,
  bounds: REFERENCE_BOUNDS,
  batchSize: 100_000,
  signal: undefined,
  onProgress: undefined,
  mode: 'reference',
  lipschitz: undefined,
  safetyFactor: 2,
  safeLevels: 1,
  computeNormals: false,
  returnGrid: false,
  fillCavities: false,
} satisfies Required<Omit<ExtractIsosurfaceOptions, OptionalKeys>> & Pick<ExtractIsosurfaceOptions, OptionalKeys>;

/** Statistics of one {@link extractIsosurface} run. */
export interface MiseStats {
  /** Points evaluated in each round (round 0: the (resolution0+1)³ coarse grid). */
  evaluationsPerRound: number[];
  /** Total points evaluated. */
  evaluations: number;
  /** Points a dense grid of the same resolution would evaluate: (R+1)³. */
  denseEvaluations: number;
  /** Final resolution R (voxels per axis; R+1 nodes per axis). */
  resolution: number;
  /** Dense-grid nodes with value ≥ threshold (the reference's `inside_nodes` count), filled cavities included. */
  insideNodes: number;
  /** Nodes of enclosed cavities raised to the threshold by `fillCavities`; 0 when off. */
  filledNodes: number;
  /** Safe mode: the Lipschitz bound used, in value units per world unit; 0 in reference mode. */
  lipschitz: number;
  /** Wall time per stage in milliseconds. */
  timeMs: {
    /** Inside the implicit function (including awaiting it). */
    evaluate: number;
    /** MISE bookkeeping: query, update, subdivision. */
    mise: number;
    /** Densification (toDense). */
    densify: number;
    /** Marching cubes. */
    marchingCubes: number;
    /** Everything. */
    total: number;
  };
}

/** Result of {@link extractIsosurface}. */
export interface ExtractIsosurfaceResult {
  /**
   * The surface in world coordinates: positions Float32Array [V·3], indices Uint32Array [F·3]
   * (counter-clockwise seen from outside, i.e. from low values), normals Float32Array [V·3] if requested.
   * Watertight: the grid is closed with "outside" beyond its border.
   */
  mesh: { positions: Float32Array; indices: Uint32Array; normals?: Float32Array };
  /** Evaluation counts and timings. */
  stats: MiseStats;
  /** The dense value grid Float32Array [(R+1)³], C order (i·(R+1) + j)·(R+1) + k — only with `returnGrid`. */
  grid?: Float32Array;
}

const F32_MAX = 3.4028234663852886e38;

/**
 * Extract the isosurface `value = threshold` of any implicit function with Multiresolution IsoSurface
 * Extraction (Mescheder et al., Occupancy Networks, CVPR 2019, §3.3 "Inference"; ON:im2mesh/onet/
 * generation.py + ON:im2mesh/utils/libmise), then marching cubes on the densified grid.
 *
 * Node (i, j, k) ∈ [0, R]³ sits at world point size·(i/R − 0.5) + center per axis (float32, see
 * {@link gridAxes}); with the default bounds that is the reference's p = 1.1·(i/R − 0.5). The mesh comes
 * from `marchingCubes` with origin = bounds' low corner and spacing = size/R, with the border closed as the
 * reference's −1e6 padding does. Returned values are rounded to float32 (as a network's are); ±Infinity
 * is clamped to ±3.4e38 so interpolation stays finite. With `upsamplingSteps = 0` the reference's
 * shortcut runs instead: a dense grid of resolution0 nodes per axis spanning the bounds.
 *
 * `mode: 'safe'` adds a Lipschitz test on coarse voxels so that blobs smaller than a coarse voxel are not
 * missed (see {@link MISE}); on the reference's analytic shapes it evaluates 1.2–1.3× the reference's
 * points.
 *
 * @example
 * ```ts
 * const sphere = (p: Float32Array) => {
 *   const v = new Float32Array(p.length / 3);
 *   for (let n = 0; n < v.length; n++) v[n] = 0.4 - Math.hypot(p[3 * n], p[3 * n + 1], p[3 * n + 2]);
 *   return v;
 * };
 * const { mesh, stats } = await extractIsosurface(sphere, { resolution0: 32, upsamplingSteps: 2 });
 * ```
 * @param fn the implicit function, see {@link ImplicitFunction}.
 * @throws {@link MiseError} `INVALID_OPTION` / `TOO_LARGE` for bad options (before any evaluation),
 *   `BAD_OUTPUT` when fn returns the wrong number of values, `NAN_VALUE` naming the first NaN point.
 *   Rejects with `signal.reason` (an `AbortError` DOMException by default) when aborted.
 * @category MISE
 */
export async function extractIsosurface(
  fn: ImplicitFunction,
  options: ExtractIsosurfaceOptions = {},
): Promise<ExtractIsosurfaceResult> {
  const o = { ...EXTRACT_ISOSURFACE_DEFAULTS, ...stripUndefined(options) };
  const tStart = performance.now();
  if (typeof fn !== 'function') throw new MiseError('INVALID_OPTION', 'fn must be a function (points: Float32Array) => values');
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new MiseError('INVALID_OPTION', `batchSize must be an integer ≥ 1, got ${o.batchSize}`);
  }
  if (o.lipschitz !== undefined && !(o.lipschitz >= 0 && Number.isFinite(o.lipschitz))) {
    throw new MiseError('INVALID_OPTION', `lipschitz must be a finite number ≥ 0, got ${o.lipschitz}`);
  }
  const { lo, hi } = normalizeBounds(o.bounds);
  // Every option and the grid size are checked here, before any allocation or call of fn.
  if (typeof o.threshold !== 'number' || !Number.isFinite(o.threshold)) {
    throw new MiseError('INVALID_OPTION', `threshold must be a finite number, got ${o.threshold}`);
  }
  if (!Number.isInteger(o.upsamplingSteps) || o.upsamplingSteps < 0) {
    throw new MiseError('INVALID_OPTION', `upsamplingSteps must be an integer ≥ 0, got ${o.upsamplingSteps}`);
  }
  if (o.upsamplingSteps === 0) {
    if (!Number.isInteger(o.resolution0) || o.resolution0 < 2 || o.resolution0 > 1024) {
      throw new MiseError(
        Number.isInteger(o.resolution0) && o.resolution0 > 1024 ? 'TOO_LARGE' : 'INVALID_OPTION',
        `with upsamplingSteps 0, resolution0 must be an integer in [2, 1024] (at most 2^30 grid values), got ${o.resolution0}`,
      );
    }
  } else {
    if (!Number.isInteger(o.resolution0) || o.resolution0 < 1) {
      throw new MiseError('INVALID_OPTION', `resolution0 must be an integer ≥ 1, got ${o.resolution0}`);
    }
    const r = o.resolution0 * 2 ** o.upsamplingSteps;
    if (o.upsamplingSteps > 10 || r > MAX_RESOLUTION) {
      throw new MiseError('TOO_LARGE', `resolution0 · 2^upsamplingSteps = ${r} exceeds ${MAX_RESOLUTION}; lower resolution0 or upsamplingSteps`);
    }
  }
  o.signal?.throwIfAborted();

  const time = { evaluate: 0, mise: 0, densify: 0, marchingCubes: 0, total: 0 };
  const evaluationsPerRound: number[] = [];
  let evaluated = 0;

  /** Evaluate fn on `count` points whose world coordinates `fill` writes; values land in `out`. */
  const evaluate = async (
    count: number,
    round: number,
    fill: (n: number, dst: Float32Array, at: number) => void,
    out: Float32Array,
  ): Promise<void> => {
    for (let start = 0; start < count; start += o.batchSize) {
      o.signal?.throwIfAborted();
      const n = Math.min(o.batchSize, count - start);
      const pts = new Float32Array(n * 3);
      for (let m = 0; m < n; m++) fill(start + m, pts, 3 * m);
      const t0 = performance.now();
      const call = fn(pts);
      const res = isThenable(call) ? await raceAbort(call, o.signal) : call;
      time.evaluate += performance.now() - t0;
      // A synchronous fn never lets timers or abort handlers run: give the event loop one turn.
      if (!isThenable(call) && o.signal) await nextMacrotask();
      o.signal?.throwIfAborted();
      if (res == null || typeof (res as ArrayLike<number>).length !== 'number') {
        throw new MiseError('BAD_OUTPUT', `fn must return an array of ${n} numbers (one per point), got ${typeof res}`);
      }
      if (res.length !== n) {
        throw new MiseError(
          'BAD_OUTPUT',
          `fn returned ${res.length} values for ${n} points; return one scalar per point (shape [N], not [N, 1] nested)`,
        );
      }
      for (let m = 0; m < n; m++) {
        let v = res[m];
        if (typeof v !== 'number') {
          throw new MiseError('BAD_OUTPUT', `fn returned a ${typeof v} at index ${m}; return numbers`);
        }
        if (v !== v) {
          throw new MiseError(
            'NAN_VALUE',
            `fn returned NaN at point (${pts[3 * m]}, ${pts[3 * m + 1]}, ${pts[3 * m + 2]}) ` +
              `(round ${round}, point ${start + m} of the round); make the function finite there`,
          );
        }
        if (v > F32_MAX) v = F32_MAX;
        else if (v < -F32_MAX) v = -F32_MAX;
        out[start + m] = v;
      }
      evaluated += n;
      o.onProgress?.({ round, evaluatedInRound: start + n, pointsInRound: count, evaluated });
    }
  };

  let grid: Float32Array;
  let n1: number; // nodes per axis
  let spacing: number[];
  let lipschitz = 0;
  let resolution: number;

  if (o.upsamplingSteps === 0) {
    // Reference shortcut (generation.py): dense resolution0³ nodes spanning the box.
    const n = o.resolution0;
    if (!Number.isInteger(n) || n < 2 || n > 1025) {
      throw new MiseError('INVALID_OPTION', `with upsamplingSteps 0, resolution0 must be an integer in [2, 1025], got ${n}`);
    }
    const axes = [0, 1, 2].map((a) => {
      const ax = new Float32Array(n);
      const size = Math.fround(hi[a] - lo[a]);
      const center = Math.fround((hi[a] + lo[a]) / 2);
      for (let i = 0; i < n; i++) ax[i] = Math.fround(Math.fround(size * Math.fround(i / (n - 1) - 0.5)) + center);
      return ax;
    });
    grid = new Float32Array(n * n * n);
    await evaluate(
      grid.length,
      0,
      (idx, dst, at) => {
        const k = idx % n;
        const j = ((idx - k) / n) % n;
        const i = (idx - k - j * n) / (n * n);
        dst[at] = axes[0][i];
        dst[at + 1] = axes[1][j];
        dst[at + 2] = axes[2][k];
      },
      grid,
    );
    evaluationsPerRound.push(grid.length);
    n1 = n;
    resolution = n - 1;
    spacing = [0, 1, 2].map((a) => (hi[a] - lo[a]) / (n - 1));
  } else {
    const r = o.resolution0 * 2 ** o.upsamplingSteps;
    if (Number.isInteger(r) && r > 0 && (r + 1) ** 3 > 2 ** 30) {
      throw new MiseError(
        'TOO_LARGE',
        `the dense ${r + 1}³ grid marching cubes needs would exceed 2^30 float32 values (4 GiB); ` +
          'lower resolution0 or upsamplingSteps',
      );
    }
    let t0 = performance.now();
    const mise = new MISE(o.resolution0, o.upsamplingSteps, o.threshold, {
      mode: o.mode,
      safetyFactor: o.safetyFactor,
      safeLevels: o.safeLevels,
      // Index-space bound from a world-space one: |Δv| ≤ L·|Δp| ≤ L·max(spacing)·|Δi|.
      lipschitz:
        o.lipschitz === undefined
          ? undefined
          : (o.lipschitz * Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2])) /
            (o.resolution0 * 2 ** o.upsamplingSteps),
    });
    resolution = mise.resolution;
    n1 = resolution + 1;
    spacing = [0, 1, 2].map((a) => (hi[a] - lo[a]) / resolution);
    const axes = gridAxes(resolution, [lo as [number, number, number], hi as [number, number, number]]);
    for (let round = 0; ; round++) {
      const q = mise.query();
      time.mise += performance.now() - t0;
      if (q.length === 0) break;
      const count = q.length / 3;
      const values = new Float32Array(count);
      await evaluate(
        count,
        round,
        (idx, dst, at) => {
          dst[at] = axes[0][q[3 * idx]];
          dst[at + 1] = axes[1][q[3 * idx + 1]];
          dst[at + 2] = axes[2][q[3 * idx + 2]];
        },
        values,
      );
      evaluationsPerRound.push(count);
      t0 = performance.now();
      mise.update(q, values);
    }
    lipschitz = mise.lipschitz / Math.max(spacing[0], spacing[1], spacing[2]);
    t0 = performance.now();
    grid = mise.toDense();
    time.densify = performance.now() - t0;
  }
  o.signal?.throwIfAborted();

  const filledNodes = o.fillCavities ? fillCavities(grid, [n1, n1, n1], o.threshold) : 0;
  let insideNodes = 0;
  for (let i = 0; i < grid.length; i++) if (grid[i] >= o.threshold) insideNodes++;

  const t1 = performance.now();
  const mc = marchingCubes(grid, [n1, n1, n1], {
    level: o.threshold,
    origin: [lo[0], lo[1], lo[2]],
    spacing: [spacing[0], spacing[1], spacing[2]],
    closeBoundary: true,
    computeNormals: o.computeNormals,
  });
  time.marchingCubes = performance.now() - t1;
  time.total = performance.now() - tStart;

  const mesh: ExtractIsosurfaceResult['mesh'] = { positions: mc.positions, indices: mc.indices };
  if (mc.normals) mesh.normals = mc.normals;
  const result: ExtractIsosurfaceResult = {
    mesh,
    stats: {
      evaluationsPerRound,
      evaluations: evaluated,
      denseEvaluations: n1 ** 3,
      resolution,
      insideNodes,
      filledNodes,
      lipschitz,
      timeMs: time,
    },
  };
  if (o.returnGrid) result.grid = grid;
  return result;
}

function isThenable(v: unknown): v is PromiseLike<ImplicitValues> {
  return typeof (v as PromiseLike<unknown> | null)?.then === 'function';
}

/** `p`, or a rejection with `signal.reason` as soon as the signal aborts (p's own outcome is then ignored). */
function raceAbort<T>(p: PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return Promise.resolve(p);
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      Promise.resolve(p).catch(() => undefined);
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(p).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Resolve after one timer turn: timers already due (an abort scheduled with setTimeout during a synchronous fn)
 * run first. Costs about 1 ms per synchronous batch.
 */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
