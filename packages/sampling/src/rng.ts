import { SamplingError } from './errors.js';

/**
 * A seeded pseudo-random generator. Same seed ⇒ same sequence on every platform: the state is 32-bit
 * integer arithmetic (sfc32, seeded through splitmix32) and the normal variates use only +, −, ×, ÷, √
 * (all correctly rounded by IEEE 754) plus a logarithm implemented here in plain arithmetic, so no
 * platform-dependent `Math.log`/`Math.cos` result enters the stream. `Math.random` is never used.
 */
export interface Rng {
  /** Uniform float in [0, 1) with 32 random bits. */
  next(): number;
  /** Standard normal variate N(0, 1) (Marsaglia's polar form of Box–Muller). */
  normal(): number;
  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2³². */
  int(n: number): number;
  /** Raw uniform 32-bit unsigned integer. */
  uint32(): number;
}

/** Options accepted by every sampling function for its randomness: pass an `rng` or a `seed`. */
export interface RandomOptions {
  /** Generator to draw from (advanced in place). Wins over `seed`. */
  rng?: Rng;
  /** Seed for a fresh generator when no `rng` is given (default 0). */
  seed?: number;
}

/** The generator from `opts.rng`, else a fresh one seeded with `opts.seed ?? 0`. */
export function resolveRng(opts: RandomOptions | undefined): Rng {
  return opts?.rng ?? createRng(opts?.seed ?? 0);
}

const LN2 = 0.6931471805599453;
const SQRT1_2 = 0.7071067811865476;

/** Natural log from IEEE arithmetic only (deterministic everywhere); x > 0 and finite. */
export function detLog(x: number): number {
  let e = 0;
  // Bring x into [√½, √2) by exact power-of-two scaling.
  while (x >= 2) { x *= 0.5; e++; }
  while (x < 1) { x *= 2; e--; }
  if (x > 1.4142135623730951) { x *= 0.5; e++; }
  if (x < SQRT1_2) { x *= 2; e--; }
  // ln(x) = 2 atanh(s), s = (x−1)/(x+1), |s| ≤ 0.1716
  const s = (x - 1) / (x + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 1; k <= 29; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return 2 * sum + e * LN2;
}

/**
 * Create a seeded generator ({@link Rng}). Seeds are reduced to 32 bits (`seed >>> 0` after folding the
 * high part of larger integers), so use integers in [0, 2³²).
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.next();   // uniform in [0, 1)
 * rng.normal(); // N(0, 1)
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` when `seed` is not a finite number.
 * @category Random
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new SamplingError('INVALID_ARGUMENT', `seed must be a finite number, got ${String(seed)}`);
  }
  const hi = Math.floor(Math.trunc(seed) / 4294967296);
  let sm = (Math.trunc(seed) ^ Math.imul(hi | 0, 0x9e3779b9)) >>> 0;
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix() | 0;
  let b = splitmix() | 0;
  let c = splitmix() | 0;
  let d = 1;
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32();
  const next = (): number => uint32() / 4294967296;
  let spare = 0;
  let hasSpare = false;
  return {
    next,
    uint32,
    int(n: number): number {
      return Math.floor(next() * n);
    },
    normal(): number {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * next() - 1;
        v = 2 * next() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * detLog(s)) / s);
      spare = v * f;
      hasSpare = true;
      return u * f;
    },
  };
}

/**
 * Fisher–Yates shuffle of `array` in place (returns it), drawing from `rng`.
 * @category Random
 */
export function shuffle<T extends { length: number; [i: number]: unknown }>(array: T, rng: Rng): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = array[i];
    array[i] = array[j];
    array[j] = t;
  }
  return array;
}
