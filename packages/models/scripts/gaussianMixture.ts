/**
 * Gaussian mixtures over latent codes, for study-latent-prior.ts (issue #21): EM fit, held-out log-likelihood and
 * seeded sampling. Not shipped: on chair-vae a mixture prior sampled no better than one Gaussian (see the model's
 * README), so `ModelConfig.latentPrior` stays a single Gaussian.
 */
import { createRng } from '@onet/sampling';
import { PipelineError } from '@onet/model';

/**
 * One Gaussian of a mixture over latent codes z `[zDim]`: density weight·N(mean, scale·scaleᵀ).
 * A single Gaussian (the ex-post prior of Ghosh et al. 2020) is a mixture with one component of weight 1.
 */
export interface GaussianMixtureComponent {
  /** Mixture weight in (0, 1]; the weights of a mixture sum to 1. */
  weight: number;
  /** `[zDim]`. */
  mean: number[];
  /** `[zDim][zDim]`, lower triangular: a Cholesky factor of the covariance (entries above the diagonal are ignored). */
  scale: number[][];
}

/** Options of {@link fitGaussianMixture}. */
export interface FitGaussianMixtureOptions {
  /** Seed of the k-means++ start (default 0). */
  seed?: number;
  /** Most EM iterations (default 200). */
  iterations?: number;
  /** Stop when the mean log-likelihood gains less than this in an iteration (default 1e-6). */
  tolerance?: number;
  /**
   * Added to every covariance's diagonal, as a fraction of the codes' mean per-dimension variance (default 1e-3):
   * keeps each factorisation defined when a component holds fewer codes than dimensions.
   */
  regularization?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

function cholesky(cov: Float64Array[], d: number): number[][] {
  const L = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / L[j][j];
    }
  }
  return L;
}

/** log N(x | mean, L·Lᵀ) by forward substitution. */
function logDensity(c: GaussianMixtureComponent, x: ArrayLike<number>, y: Float64Array): number {
  const d = c.mean.length;
  let q = 0;
  let logDet = 0;
  for (let i = 0; i < d; i++) {
    const row = c.scale[i];
    let s = x[i] - c.mean[i];
    for (let k = 0; k < i; k++) s -= row[k] * y[k];
    y[i] = s / row[i];
    q += y[i] * y[i];
    logDet += Math.log(row[i]);
  }
  return -0.5 * (d * LOG_2PI + q) - logDet;
}

function logSumExp(v: Float64Array): number {
  let m = -Infinity;
  for (const x of v) if (x > m) m = x;
  if (m === -Infinity) return m;
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s);
}

function checkCodes(codes: ArrayLike<number>[], what: string): number {
  if (!Array.isArray(codes) || codes.length === 0) throw new PipelineError('EMPTY_INPUT', `${what} needs at least one code`);
  const d = codes[0].length;
  for (const z of codes) {
    if (z.length !== d || d === 0) throw new PipelineError('INVALID_OPTION', `${what}: every code must hold the same number (≥ 1) of values`);
    for (let i = 0; i < d; i++) if (!Number.isFinite(z[i])) throw new PipelineError('NON_FINITE_INPUT', `${what}: codes must be finite`);
  }
  return d;
}

/**
 * Fit a `components`-Gaussian mixture with full covariances to latent codes by expectation–maximisation, started
 * from a seeded k-means++ pick of centres (Arthur & Vassilvitskii 2007) and one hard assignment. Used as the ex-post
 * density of an unconditional model's aggregated posterior (Ghosh et al. 2020, "From variational to deterministic
 * autoencoders", §4: a 10-component GMM on the training codes); `components = 1` gives the mean and covariance.
 * @param codes `N` codes `[zDim]` (e.g. posterior means of training shapes).
 * @returns the components, largest weight first.
 * @throws PipelineError `EMPTY_INPUT` without codes; `INVALID_OPTION` for ragged codes, `components` outside [1, N] or
 *   bad options; `NON_FINITE_INPUT` for a non-finite value.
 */
export function fitGaussianMixture(codes: ArrayLike<number>[], components: number, options: FitGaussianMixtureOptions = {}): GaussianMixtureComponent[] {
  const d = checkCodes(codes, 'fitGaussianMixture');
  const n = codes.length;
  const K = components;
  if (!Number.isInteger(K) || K < 1 || K > n)
    throw new PipelineError('INVALID_OPTION', `components must be an integer in [1, ${n}] (the number of codes), got ${components}`);
  const { seed = 0, iterations = 200, tolerance = 1e-6, regularization = 1e-3 } = options;
  if (!Number.isInteger(iterations) || iterations < 0) throw new PipelineError('INVALID_OPTION', `iterations must be an integer ≥ 0, got ${iterations}`);
  if (!(tolerance >= 0) || !(regularization > 0) || !Number.isFinite(regularization))
    throw new PipelineError('INVALID_OPTION', 'tolerance must be ≥ 0 and regularization a finite number > 0');
  // regularisation relative to the data's spread
  const mu = new Float64Array(d);
  for (const z of codes) for (let i = 0; i < d; i++) mu[i] += z[i] / n;
  let meanVar = 0;
  for (const z of codes) for (let i = 0; i < d; i++) meanVar += (z[i] - mu[i]) ** 2 / (n * d);
  const reg = regularization * (meanVar > 0 ? meanVar : 1);

  // responsibilities r[j·K + k]
  const r = new Float64Array(n * K);
  const sq = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += (a[i] - b[i]) ** 2;
    return s;
  };
  // k-means++ centres, then each code to its nearest centre
  const rng = createRng(seed);
  const centres: ArrayLike<number>[] = [codes[rng.int(n)]];
  const dist = codes.map((z) => sq(z, centres[0]));
  while (centres.length < K) {
    const total = dist.reduce((a, b) => a + b, 0);
    let pick = 0;
    if (total > 0) {
      let u = rng.next() * total;
      for (pick = 0; pick < n - 1 && u >= dist[pick]; pick++) u -= dist[pick];
    } else pick = rng.int(n);
    centres.push(codes[pick]);
    for (let j = 0; j < n; j++) dist[j] = Math.min(dist[j], sq(codes[j], codes[pick]));
  }
  for (let j = 0; j < n; j++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (sq(codes[j], centres[k]) < sq(codes[j], centres[best])) best = k;
    r[j * K + best] = 1;
  }

  let mixture: GaussianMixtureComponent[] = [];
  const mStep = () => {
    mixture = [];
    for (let k = 0; k < K; k++) {
      let nk = 0;
      const mean = new Float64Array(d);
      for (let j = 0; j < n; j++) {
        const w = r[j * K + k];
        nk += w;
        for (let i = 0; i < d; i++) mean[i] += w * codes[j][i];
      }
      const safe = nk > 1e-12 ? nk : 1;
      for (let i = 0; i < d; i++) mean[i] = nk > 1e-12 ? mean[i] / safe : mu[i];
      const cov = Array.from({ length: d }, () => new Float64Array(d));
      for (let j = 0; j < n; j++) {
        const w = r[j * K + k];
        if (w === 0) continue;
        const z = codes[j];
        for (let i = 0; i < d; i++) {
          const a = w * (z[i] - mean[i]);
          for (let l = 0; l <= i; l++) cov[i][l] += a * (z[l] - mean[l]);
        }
      }
      for (let i = 0; i < d; i++) {
        for (let l = 0; l <= i; l++) cov[i][l] /= safe;
        cov[i][i] += reg;
      }
      mixture.push({ weight: Math.max(nk / n, 1e-12), mean: Array.from(mean), scale: cholesky(cov, d) });
    }
    const total = mixture.reduce((a, c) => a + c.weight, 0);
    for (const c of mixture) c.weight /= total;
  };

  const y = new Float64Array(d);
  const lp = new Float64Array(K);
  let previous = -Infinity;
  mStep();
  for (let it = 0; it < iterations; it++) {
    let ll = 0;
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < K; k++) lp[k] = Math.log(mixture[k].weight) + logDensity(mixture[k], codes[j], y);
      const s = logSumExp(lp);
      ll += s / n;
      for (let k = 0; k < K; k++) r[j * K + k] = Math.exp(lp[k] - s);
    }
    mStep();
    if (ll - previous < tolerance) break;
    previous = ll;
  }
  return mixture.sort((a, b) => b.weight - a.weight);
}

/**
 * Mean log-density of `codes` under a mixture (nats per code), e.g. of held-out codes to choose the component count.
 * @throws PipelineError `EMPTY_INPUT`, `INVALID_OPTION` (codes of another size than the mixture's), `NON_FINITE_INPUT`.
 */
export function gaussianMixtureLogLikelihood(mixture: GaussianMixtureComponent[], codes: ArrayLike<number>[]): number {
  const d = checkCodes(codes, 'gaussianMixtureLogLikelihood');
  if (d !== mixture[0]?.mean.length) throw new PipelineError('INVALID_OPTION', `codes hold ${d} values; the mixture is over ${mixture[0]?.mean.length}`);
  const y = new Float64Array(d);
  const lp = new Float64Array(mixture.length);
  let ll = 0;
  for (const z of codes) {
    for (const [k, c] of mixture.entries()) lp[k] = Math.log(c.weight) + logDensity(c, z, y);
    ll += logSumExp(lp) / codes.length;
  }
  return ll;
}

/**
 * Draw `count` codes from a mixture with `seed`: for each code in turn, a component by weight, then
 * z = mean + scale·ε, ε ~ N(0, I) (so code k of a seed is the same whatever the count; a one-component mixture
 * draws no pick, only the ε).
 * @returns `count` arrays `[zDim]`.
 * @throws PipelineError `INVALID_OPTION` for a bad count or seed.
 */
export function sampleGaussianMixture(mixture: GaussianMixtureComponent[], count: number, seed = 0): Float32Array[] {
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000)
    throw new PipelineError('INVALID_OPTION', `count must be an integer in [0, 1e6], got ${count}`);
  if (!Number.isFinite(seed)) throw new PipelineError('INVALID_OPTION', `seed must be a finite number, got ${seed}`);
  const rng = createRng(seed);
  const d = mixture[0].mean.length;
  const eps = new Float64Array(d);
  return Array.from({ length: count }, () => {
    // one component: no pick, so the draws are those of a plain Gaussian prior
    let u = mixture.length > 1 ? rng.next() : 0;
    let c = mixture[mixture.length - 1];
    for (const m of mixture) {
      if (u < m.weight) {
        c = m;
        break;
      }
      u -= m.weight;
    }
    for (let i = 0; i < d; i++) eps[i] = rng.normal();
    const z = new Float32Array(d);
    for (let i = 0; i < d; i++) {
      let v = c.mean[i];
      for (let j = 0; j <= i; j++) v += c.scale[i][j] * eps[j];
      z[i] = v;
    }
    return z;
  });
}
