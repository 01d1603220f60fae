import { MiseError } from './errors.js';
import { IntHashMap } from './hash.js';

/** Largest supported finest resolution R = resolution0 · 2^upsamplingSteps (node keys stay below 2^31). */
export const MAX_RESOLUTION = 1024;

/** Options of the low-level {@link MISE} class beyond the reference's three arguments. */
export interface MiseOptions {
  /**
   * `'reference'`: exactly the reference's subdivision rule. `'safe'`: also subdivide coarse leaves whose
   * corner values lie within a Lipschitz margin of the threshold (see {@link MISE}).
   */
  mode?: 'reference' | 'safe';
  /**
   * Safe mode only: a known bound on |Δvalue| per finest-grid index unit. Default: estimated as the
   * largest |Δvalue| / length over the coarse-lattice edges seen so far, times `safetyFactor`.
   */
  lipschitz?: number;
  /** Safe mode only: multiplies the estimated Lipschitz bound (default 2; ignored when `lipschitz` is given). */
  safetyFactor?: number;
  /** Safe mode only: the Lipschitz test applies to leaves of level < `safeLevels` (0 = coarse voxels only → 1). */
  safeLevels?: number;
}

/** Defaults of {@link MiseOptions}. */
export const MISE_DEFAULTS: Required<Omit<MiseOptions, 'lipschitz'>> & { lipschitz: number | undefined } = {
  mode: 'reference',
  lipschitz: undefined,
  safetyFactor: 2,
  safeLevels: 1,
};

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new MiseError('INVALID_OPTION', `${name} must be an integer ≥ ${min}, got ${v}`);
  }
}

/**
 * Multiresolution IsoSurface Extraction, the reference's loop (Mescheder et al., Occupancy Networks,
 * CVPR 2019, §3.3; ON:im2mesh/utils/libmise/mise.pyx), on integer grid indices.
 *
 * The finest grid has resolution R = resolution0 · 2^upsamplingSteps, i.e. (R+1)³ nodes with integer
 * indices (i, j, k) ∈ [0, R]³. It starts as an octree of resolution0³ coarse voxels with all
 * (resolution0+1)³ corner nodes unknown. Loop: {@link MISE.query} returns the unknown nodes, the caller
 * evaluates them and calls {@link MISE.update}, which marks them known and subdivides: every leaf voxel
 * (level < upsamplingSteps) that has a known node with value ≥ threshold AND one with value ≤ threshold
 * on its closed box (its corners, or a "hanging node" created by a finer neighbour on its faces or edges)
 * is split into 8 children and the missing nodes of its 3×3×3 lattice are created unknown. Only voxels
 * that existed before the pass are visited. Stop when `query()` returns nothing, then {@link MISE.toDense}.
 *
 * **Safe mode** (`{ mode: 'safe' }`, not in the reference): the reference never looks inside a coarse
 * voxel whose 8 corners all have the same side, so a blob smaller than a coarse voxel can vanish. Safe
 * mode also subdivides a leaf of level < `safeLevels` whose 8 corners are known when
 * `min_c |v_c − threshold| ≤ L · (√3/2) · size`, where size is the voxel edge in finest index units and
 * L a Lipschitz bound on the values per index unit. If the function is L-Lipschitz, every point of the
 * voxel lies within √3/2·size of some corner, so a voxel failing this test provably has no crossing.
 * L is `lipschitz` when given, else estimated as the steepest finite difference |Δv|/Δi over the
 * coarse-lattice edges with both ends known (× `safetyFactor`) — exact for distance-like functions,
 * an estimate for networks.
 *
 * State lives in typed arrays: voxels as (x, y, z, level, first-child) columns, nodes as (x, y, z,
 * value, known) columns with an int32 open-addressing hash from node key to node index. Fine up to
 * R = {@link MAX_RESOLUTION} nodes-wise; memory grows with the refined surface, not with R³.
 *
 * @example
 * ```ts
 * const mise = new MISE(32, 2, 0);
 * for (let q = mise.query(); q.length > 0; q = mise.query()) {
 *   const values = new Float64Array(q.length / 3).map((_, n) => f(q[3 * n], q[3 * n + 1], q[3 * n + 2]));
 *   mise.update(q, values);
 * }
 * const grid = mise.toDense(); // Float32Array [(R+1)³], C order, index (i·(R+1) + j)·(R+1) + k
 * ```
 * @throws {@link MiseError} `INVALID_OPTION` (non-integer or negative arguments, non-finite threshold),
 * `TOO_LARGE` (R > {@link MAX_RESOLUTION}).
 * @category MISE
 */
export class MISE {
  /** Coarse resolution (voxels per axis at level 0). */
  readonly resolution0: number;
  /** Number of subdivision levels (the reference's `depth`). */
  readonly upsamplingSteps: number;
  /** Isolevel t: a node is "pos" if value ≥ t, "neg" if value ≤ t. */
  readonly threshold: number;
  /** Finest resolution R = resolution0 · 2^upsamplingSteps (voxels per axis); nodes per axis = R + 1. */
  readonly resolution: number;
  /** `'reference'` or `'safe'`. */
  readonly mode: 'reference' | 'safe';

  private readonly voxelSize0: number;
  private readonly n1: number; // R + 1
  // Voxels (columns).
  private vx: Int32Array;
  private vy: Int32Array;
  private vz: Int32Array;
  private vlevel: Uint8Array;
  private vchild: Int32Array; // first of 8 consecutive children, −1 for a leaf
  private nVox = 0;
  // Nodes (columns).
  private px: Int32Array;
  private py: Int32Array;
  private pz: Int32Array;
  private pval: Float64Array;
  private pknown: Uint8Array;
  /** 1 once all 8 cells around a known node lie in finest-level leaves: it can flag nothing any more. */
  private pretired: Uint8Array;
  private nPts = 0;
  private firstUnknown = 0;
  private nKnown = 0;
  private readonly hash: IntHashMap;
  // Safe mode.
  private readonly safeLevels: number;
  private readonly lipschitzGiven: number | undefined;
  private readonly safetyFactor: number;
  private lipschitzEst = 0;

  /**
   * @param resolution0 coarse voxels per axis (reference 32), integer ≥ 1.
   * @param upsamplingSteps subdivision levels (reference 2), integer ≥ 0.
   * @param threshold isolevel in the units of the values (reference: logit(0.2) ≈ −1.3863).
   * @param options safe mode, see {@link MiseOptions}.
   */
  constructor(resolution0: number, upsamplingSteps: number, threshold: number, options: MiseOptions = {}) {
    const o = { ...MISE_DEFAULTS, ...options };
    checkInt('resolution0', resolution0, 1);
    checkInt('upsamplingSteps', upsamplingSteps, 0);
    if (!Number.isFinite(threshold)) {
      throw new MiseError('INVALID_OPTION', `threshold must be a finite number, got ${threshold}`);
    }
    if (upsamplingSteps > 10 || resolution0 * 2 ** upsamplingSteps > MAX_RESOLUTION) {
      throw new MiseError(
        'TOO_LARGE',
        `resolution0 · 2^upsamplingSteps = ${resolution0 * 2 ** upsamplingSteps} exceeds ${MAX_RESOLUTION}; ` +
          'lower resolution0 or upsamplingSteps',
      );
    }
    if (o.mode !== 'reference' && o.mode !== 'safe') {
      throw new MiseError('INVALID_OPTION', `mode must be 'reference' or 'safe', got ${String(o.mode)}`);
    }
    if (o.lipschitz !== undefined && !(o.lipschitz >= 0 && Number.isFinite(o.lipschitz))) {
      throw new MiseError('INVALID_OPTION', `lipschitz must be a finite number ≥ 0, got ${o.lipschitz}`);
    }
    if (!(o.safetyFactor > 0 && Number.isFinite(o.safetyFactor))) {
      throw new MiseError('INVALID_OPTION', `safetyFactor must be a finite number > 0, got ${o.safetyFactor}`);
    }
    checkInt('safeLevels', o.safeLevels, 0);
    this.resolution0 = resolution0;
    this.upsamplingSteps = upsamplingSteps;
    this.threshold = threshold;
    this.mode = o.mode;
    this.safeLevels = o.safeLevels;
    this.lipschitzGiven = o.lipschitz;
    this.safetyFactor = o.safetyFactor;
    this.voxelSize0 = 1 << upsamplingSteps;
    this.resolution = resolution0 * this.voxelSize0;
    this.n1 = this.resolution + 1;

    const nv0 = resolution0 ** 3;
    const np0 = (resolution0 + 1) ** 3;
    this.vx = new Int32Array(nv0 * 2);
    this.vy = new Int32Array(nv0 * 2);
    this.vz = new Int32Array(nv0 * 2);
    this.vlevel = new Uint8Array(nv0 * 2);
    this.vchild = new Int32Array(nv0 * 2);
    this.px = new Int32Array(np0 * 2);
    this.py = new Int32Array(np0 * 2);
    this.pz = new Int32Array(np0 * 2);
    this.pval = new Float64Array(np0 * 2);
    this.pknown = new Uint8Array(np0 * 2);
    this.pretired = new Uint8Array(np0 * 2);
    this.hash = new IntHashMap(np0 * 2);

    const s = this.voxelSize0;
    for (let i = 0; i < resolution0; i++) {
      for (let j = 0; j < resolution0; j++) {
        for (let k = 0; k < resolution0; k++) this.addVoxel(i * s, j * s, k * s, 0);
      }
    }
    for (let i = 0; i <= resolution0; i++) {
      for (let j = 0; j <= resolution0; j++) {
        for (let k = 0; k <= resolution0; k++) this.addPoint(i * s, j * s, k * s);
      }
    }
  }

  /** Number of grid nodes created so far (known or not). */
  get numPoints(): number {
    return this.nPts;
  }

  /** Number of grid nodes whose value is known. */
  get numKnown(): number {
    return this.nKnown;
  }

  /** Number of voxels in the octree (leaves and inner voxels). */
  get numVoxels(): number {
    return this.nVox;
  }

  /** Lipschitz bound per finest index unit used by safe mode (given or estimated so far); 0 in reference mode. */
  get lipschitz(): number {
    if (this.mode !== 'safe') return 0;
    return this.lipschitzGiven ?? this.lipschitzEst * this.safetyFactor;
  }

  /**
   * Grid indices of every node whose value is unknown, in creation order.
   * @returns Int32Array [M·3] of (i, j, k) triples in [0, R]; empty when extraction is finished.
   */
  query(): Int32Array {
    const m = this.nPts - this.nKnown;
    const out = new Int32Array(m * 3);
    while (this.firstUnknown < this.nPts && this.pknown[this.firstUnknown]) this.firstUnknown++;
    let o = 0;
    for (let p = this.firstUnknown; p < this.nPts && o < out.length; p++) {
      if (this.pknown[p]) continue;
      out[o++] = this.px[p];
      out[o++] = this.py[p];
      out[o++] = this.pz[p];
    }
    return out;
  }

  /**
   * Set the values of nodes (normally the ones {@link MISE.query} returned) and subdivide every leaf whose
   * known nodes now straddle the threshold (safe mode: or pass the Lipschitz test).
   * @param points grid indices [M·3] (any integer array type).
   * @param values [M] values at those nodes (logits or any scalar; inside = above threshold). NaN is
   *   stored as given: callers should reject it first (as `extractIsosurface` does).
   * @throws {@link MiseError} `SHAPE_MISMATCH`, `POINT_NOT_IN_GRID` (a node this MISE never created).
   */
  update(points: ArrayLike<number>, values: ArrayLike<number>): void {
    if (points.length % 3 !== 0 || points.length / 3 !== values.length) {
      throw new MiseError(
        'SHAPE_MISMATCH',
        `update() needs points [M·3] and values [M]; got ${points.length} indices and ${values.length} values`,
      );
    }
    const n1 = this.n1;
    const R = this.resolution;
    for (let n = 0; n < values.length; n++) {
      const i = points[3 * n];
      const j = points[3 * n + 1];
      const k = points[3 * n + 2];
      const idx =
        Number.isInteger(i) && Number.isInteger(j) && Number.isInteger(k) &&
        i >= 0 && j >= 0 && k >= 0 && i <= R && j <= R && k <= R
          ? this.hash.get((i * n1 + j) * n1 + k)
          : -1;
      if (idx < 0) {
        throw new MiseError(
          'POINT_NOT_IN_GRID',
          `point ${n} = (${i}, ${j}, ${k}) is not a node of this MISE grid; pass the indices query() returned`,
        );
      }
      if (!this.pknown[idx]) {
        this.pknown[idx] = 1;
        this.nKnown++;
      }
      this.pval[idx] = values[n];
    }
    this.subdivideVoxels();
  }

  /**
   * The finest grid, densified as the reference does: known node values written in, then every remaining
   * node copies its lower neighbour along x (i−1), then along y (j−1), then along z (k−1) — piecewise-
   * constant fill. Unlike the reference, nodes still unknown (only possible before the loop ends) are
   * filled too instead of being written as 0.
   * @param out optional destination of length (R+1)³ (Float32Array or Float64Array); allocated as a
   *   Float32Array if omitted.
   * @returns values [(R+1)³], C order: index (i·(R+1) + j)·(R+1) + k, i along x.
   * @throws {@link MiseError} `SHAPE_MISMATCH` if `out` has the wrong length, `TOO_LARGE` if (R+1)³ is
   *   over 2^30 elements (R > 1022).
   */
  toDense<T extends Float32Array | Float64Array = Float32Array>(out?: T): T {
    const n = this.n1;
    const total = n * n * n;
    if (total > 2 ** 30) {
      throw new MiseError('TOO_LARGE', `a dense grid of ${total} nodes exceeds 2^30 values; use a lower resolution`);
    }
    if (out && out.length !== total) {
      throw new MiseError('SHAPE_MISMATCH', `toDense(out) needs length (R+1)³ = ${total}, got ${out.length}`);
    }
    const g = (out ?? new Float32Array(total)) as T;
    g.fill(NaN);
    for (let p = 0; p < this.nPts; p++) {
      if (this.pknown[p]) g[(this.px[p] * n + this.py[p]) * n + this.pz[p]] = this.pval[p];
    }
    const nn = n * n;
    // Along x: copy from i−1.
    for (let idx = nn; idx < total; idx++) if (g[idx] !== g[idx]) g[idx] = g[idx - nn];
    // Along y: copy from j−1.
    for (let i = 0; i < n; i++) {
      for (let j = 1; j < n; j++) {
        const base = (i * n + j) * n;
        for (let k = 0; k < n; k++) {
          const idx = base + k;
          if (g[idx] !== g[idx]) g[idx] = g[idx - n];
        }
      }
    }
    // Along z: copy from k−1.
    for (let row = 0; row < nn; row++) {
      const base = row * n;
      for (let k = 1; k < n; k++) {
        const idx = base + k;
        if (g[idx] !== g[idx]) g[idx] = g[idx - 1];
      }
    }
    return g;
  }

  // ---------------------------------------------------------------------------------------------------

  private addVoxel(x: number, y: number, z: number, level: number): number {
    if (this.nVox === this.vx.length) {
      const cap = this.vx.length * 2;
      this.vx = grow(this.vx, cap);
      this.vy = grow(this.vy, cap);
      this.vz = grow(this.vz, cap);
      this.vlevel = grow(this.vlevel, cap);
      this.vchild = grow(this.vchild, cap);
    }
    const v = this.nVox++;
    this.vx[v] = x;
    this.vy[v] = y;
    this.vz[v] = z;
    this.vlevel[v] = level;
    this.vchild[v] = -1;
    return v;
  }

  private addPoint(x: number, y: number, z: number): void {
    if (this.nPts === this.px.length) {
      const cap = this.px.length * 2;
      this.px = grow(this.px, cap);
      this.py = grow(this.py, cap);
      this.pz = grow(this.pz, cap);
      this.pval = grow(this.pval, cap);
      this.pknown = grow(this.pknown, cap);
      this.pretired = grow(this.pretired, cap);
    }
    const p = this.nPts++;
    this.px[p] = x;
    this.py[p] = y;
    this.pz[p] = z;
    this.pknown[p] = 0;
    this.hash.set((x * this.n1 + y) * this.n1 + z, p);
  }

  /** Leaf voxel containing the finest cell with minimum corner (x, y, z) ∈ [0, R)³. */
  private leafOf(x: number, y: number, z: number): number {
    const d = this.upsamplingSteps;
    const r0 = this.resolution0;
    let v = ((x >> d) * r0 + (y >> d)) * r0 + (z >> d);
    const vchild = this.vchild;
    let bit = d - 1;
    let c = vchild[v];
    while (c >= 0) {
      v = c + (((x >> bit) & 1) << 2) + (((y >> bit) & 1) << 1) + ((z >> bit) & 1);
      bit--;
      c = vchild[v];
    }
    return v;
  }

  private subdivideVoxels(): void {
    const nV = this.nVox;
    const flags = new Uint8Array(nV); // bit 1: next to a value ≥ t, bit 2: next to a value ≤ t
    const t = this.threshold;
    const R = this.resolution;
    const depth = this.upsamplingSteps;
    const { px, py, pz, pval, pknown, pretired, vlevel } = this;
    for (let p = 0; p < this.nPts; p++) {
      if (!pknown[p] || pretired[p]) continue;
      const value = pval[p];
      const bits = (value >= t ? 1 : 0) | (value <= t ? 2 : 0);
      if (bits === 0) continue; // NaN marks nothing, as in the reference
      const x = px[p];
      const y = py[p];
      const z = pz[p];
      let allFinest = true;
      for (let cx = x - 1; cx <= x; cx++) {
        if (cx < 0 || cx >= R) continue;
        for (let cy = y - 1; cy <= y; cy++) {
          if (cy < 0 || cy >= R) continue;
          for (let cz = z - 1; cz <= z; cz++) {
            if (cz < 0 || cz >= R) continue;
            const leaf = this.leafOf(cx, cy, cz);
            flags[leaf] |= bits;
            if (vlevel[leaf] < depth) allFinest = false;
          }
        }
      }
      // Leaves only ever get finer: a node surrounded by finest leaves flags nothing that can subdivide.
      if (allFinest) pretired[p] = 1;
    }
    const safe = this.mode === 'safe' && this.safeLevels > 0;
    if (safe && this.lipschitzGiven === undefined) this.estimateLipschitz();
    const L = this.lipschitz;
    for (let v = 0; v < nV; v++) {
      if (this.vchild[v] >= 0 || this.vlevel[v] >= depth) continue;
      if (flags[v] === 3 || (safe && this.vlevel[v] < this.safeLevels && this.lipschitzTest(v, L))) {
        this.subdivideVoxel(v);
      }
    }
  }

  /** Safe mode: true if a crossing inside voxel v cannot be ruled out by the Lipschitz bound L. */
  private lipschitzTest(v: number, L: number): boolean {
    const size = 1 << (this.upsamplingSteps - this.vlevel[v]);
    const n1 = this.n1;
    const x0 = this.vx[v];
    const y0 = this.vy[v];
    const z0 = this.vz[v];
    const t = this.threshold;
    let m = Infinity;
    for (let c = 0; c < 8; c++) {
      const x = x0 + ((c >> 2) & 1) * size;
      const y = y0 + ((c >> 1) & 1) * size;
      const z = z0 + (c & 1) * size;
      const p = this.hash.get((x * n1 + y) * n1 + z);
      if (p < 0 || !this.pknown[p]) return false; // corners not all known yet: decide later
      const d = Math.abs(this.pval[p] - t);
      if (d < m) m = d;
    }
    return m <= L * (Math.sqrt(3) / 2) * size;
  }

  /** Largest |Δv| / length over coarse-lattice edges whose two ends are known. */
  private estimateLipschitz(): void {
    const r0 = this.resolution0;
    const m = r0 + 1; // coarse node (a, b, c) has index (a·m + b)·m + c: creation order
    const s = this.voxelSize0;
    const { pval, pknown } = this;
    let L = this.lipschitzEst;
    for (let a = 0; a <= r0; a++) {
      for (let b = 0; b <= r0; b++) {
        for (let c = 0; c <= r0; c++) {
          const p = (a * m + b) * m + c;
          if (!pknown[p]) continue;
          const v = pval[p];
          if (a < r0 && pknown[p + m * m]) L = Math.max(L, Math.abs(pval[p + m * m] - v) / s);
          if (b < r0 && pknown[p + m]) L = Math.max(L, Math.abs(pval[p + m] - v) / s);
          if (c < r0 && pknown[p + 1]) L = Math.max(L, Math.abs(pval[p + 1] - v) / s);
        }
      }
    }
    this.lipschitzEst = Number.isFinite(L) ? L : Number.MAX_VALUE;
  }

  private subdivideVoxel(v: number): void {
    const x0 = this.vx[v];
    const y0 = this.vy[v];
    const z0 = this.vz[v];
    const level = this.vlevel[v] + 1;
    const size = 1 << (this.upsamplingSteps - level);
    const first = this.nVox;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        for (let k = 0; k < 2; k++) this.addVoxel(x0 + i * size, y0 + j * size, z0 + k * size, level);
      }
    }
    this.vchild[v] = first;
    const n1 = this.n1;
    for (let i = 0; i < 3; i++) {
      const x = x0 + i * size;
      for (let j = 0; j < 3; j++) {
        const y = y0 + j * size;
        for (let k = 0; k < 3; k++) {
          const z = z0 + k * size;
          if (this.hash.get((x * n1 + y) * n1 + z) < 0) this.addPoint(x, y, z);
        }
      }
    }
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
