import * as tf from '@tensorflow/tfjs-core';
// tfjs's gradients, registered on import: tfjs-core's `register_all_gradients` for bundlers, a prebuilt CommonJS copy
// of it in Node (whose ESM resolver cannot load tfjs-core's extensionless ESM); see `imports` in package.json
import '#tfjs-gradients';
import { registerFastMatMulGradient } from '@onet/nn';
import { createRng, shuffle } from '@onet/sampling';
import { PipelineError, type PipelineErrorCode } from './errors.js';
import { logitGradient, probabilityToLogit } from './generate.js';
import type { ConditionedShape } from './model.js';

/**
 * A conditioned shape whose encoding (feature planes, feature grid or global code) is held as trainable tf variables,
 * so it can be optimised with the network's weights frozen ({@link optimizeEncoding}). `logits` answers with the
 * current values of the variables; `dispose()` frees them.
 */
export interface OptimizableShape extends ConditionedShape {
  /** The encoding's tensors as variables, owned by the shape (e.g. `[1, R, R, C]` planes, `[1, G, G, G, C]` grid). */
  readonly variables: readonly tf.Variable[];
  /**
   * Differentiable occupancy logits: query points `[1, T, 3]` (unit-cube frame) → `[1, T]`. Call it inside a
   * `tf.tidy` or a gradient closure; the caller disposes the result.
   */
  logitsTensor(points: tf.Tensor3D): tf.Tensor2D;
}

/** Options of test-time optimisation ({@link optimizeEncoding}; `ReconstructOptions.testTimeOptimization`). */
export interface TestTimeOptimizationOptions {
  /** Adam steps on the encoding (each one a forward + backward pass of the decoder at the input and off-surface points). */
  steps?: number;
  /** Adam learning rate, in feature units (the encodings' values are O(0.1–1)). */
  lr?: number;
  /**
   * Weight λ of the anchor term λ · Σ (F − F₀)² over every feature value F (F₀: the encoder's output), which keeps
   * the encoding near what the encoder produced; 0 = no anchor.
   */
  anchorWeight?: number;
  /**
   * Offset δ of the labelled off-surface points, unit-cube units: for every input point p, p + δ·ĝ is labelled inside
   * and p − δ·ĝ outside, ĝ = ∇logit/‖∇logit‖ of the encoder's field at p (logits rise inwards). 0 = none.
   */
  offSurfaceDistance?: number;
  /** Weight of the off-surface term (binary cross-entropy of logit − logit(τ) against the labels). */
  offSurfaceWeight?: number;
  /**
   * Input points used per step: a fixed random subset of this many (seeded by `seed`) when the cloud has more, else
   * all of them. Default 10,000, which bounds memory: every step builds one gradient graph over these points and
   * their 2× off-surface points. 0 = all N points, whatever N: that graph then holds the decoder's activations at 3N
   * points, so memory grows linearly with the cloud (10⁶ points can exhaust it).
   */
  pointsPerStep?: number;
  /** Seed of the point subset. */
  seed?: number;
}

/**
 * Defaults of {@link TestTimeOptimizationOptions}: the cheapest setting that won on the shipped default's validation
 * shapes (`packages/models/scripts/study-tto.ts`, setting `tto-5`).
 */
export const TEST_TIME_OPTIMIZATION_DEFAULTS: Required<TestTimeOptimizationOptions> = {
  steps: 5,
  lr: 0.1,
  anchorWeight: 0,
  offSurfaceDistance: 0.02,
  offSurfaceWeight: 3,
  // bounds memory on large clouds; clouds of ≤ 10,000 points are used whole (as with the former default, 0 = all)
  pointsPerStep: 10_000,
  seed: 0,
};

/** What {@link optimizeEncoding} did. */
export interface TestTimeOptimizationStats {
  /** Steps run. */
  steps: number;
  /** Mean (logit(p) − logit(τ))² over the input points before and after (the surface term alone). */
  surfaceLossBefore: number;
  surfaceLossAfter: number;
  /** Total loss (surface + off-surface + anchor) at the first and the last step. */
  lossFirst: number;
  lossLast: number;
  /** Wall-clock milliseconds. */
  timeMs: number;
}

/**
 * Check test-time optimisation options (before any network evaluation).
 * @throws {@link PipelineError} `INVALID_OPTION` for a field out of range or unknown; `GRADIENTS_NOT_REGISTERED` when
 *   tfjs gradients are not registered (see {@link checkGradientsRegistered}). @internal
 */
export function checkTestTimeOptimization(options: TestTimeOptimizationOptions): void {
  checkTestTimeOptimizationFields(options, 'testTimeOptimization', 'INVALID_OPTION');
  checkGradientsRegistered('test-time optimisation');
}

/**
 * Check that tfjs's gradients are registered. This package registers them on import (`#tfjs-gradients`); the
 * registry is tfjs's global one (`globalThis._tfGlobals`), shared by every copy of tfjs-core, so they are missing
 * only when that import was dropped (e.g. by a bundler configuration that marks it side-effect free or stubs it) or
 * tfjs-core was loaded in an unexpected way. `what` names the caller in the message (test-time optimisation here;
 * `@onet/train`'s trainer and `ensureNodeGradients` use it too). @internal
 * @throws {@link PipelineError} `GRADIENTS_NOT_REGISTERED` when the `Relu` or `RealDiv` gradient is missing.
 */
export function checkGradientsRegistered(what: string): void {
  if (!tf.getGradient('Relu') || !tf.getGradient('RealDiv')) {
    throw new PipelineError(
      'GRADIENTS_NOT_REGISTERED',
      `${what} needs tfjs gradients, which are not registered: @onet/model registers them on import ('#tfjs-gradients'), so that import was dropped (e.g. by a bundler configuration) or @tensorflow/tfjs-core was loaded in an unexpected way; register them with import '@tensorflow/tfjs-core/dist/register_all_gradients.js'`,
    );
  }
}

/**
 * Check the fields of test-time optimisation options `o` (an object of {@link TestTimeOptimizationOptions} fields,
 * each absent or in range, no others); `where` names them in messages. @internal
 * @throws {@link PipelineError} with `code` otherwise.
 */
export function checkTestTimeOptimizationFields(o: unknown, where: string, code: PipelineErrorCode): void {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new PipelineError(code, `${where} must be true, false or an options object, got ${JSON.stringify(o)}`);
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(TEST_TIME_OPTIMIZATION_DEFAULTS, k)) {
      throw new PipelineError(code, `${where} has an unknown field "${k}"; known: ${Object.keys(TEST_TIME_OPTIMIZATION_DEFAULTS).join(', ')}`);
    }
  }
  const f = { ...TEST_TIME_OPTIMIZATION_DEFAULTS, ...(o as TestTimeOptimizationOptions) };
  const int = (k: 'steps' | 'pointsPerStep', max: number) => {
    if (!Number.isInteger(f[k]) || f[k] < 0 || f[k] > max) throw new PipelineError(code, `${where}.${k} must be an integer in [0, ${max}], got ${f[k]}`);
  };
  const num = (k: 'lr' | 'anchorWeight' | 'offSurfaceDistance' | 'offSurfaceWeight', max: number) => {
    if (typeof f[k] !== 'number' || !Number.isFinite(f[k]) || f[k] < 0 || f[k] > max) {
      throw new PipelineError(code, `${where}.${k} must be a number in [0, ${max}], got ${f[k]}`);
    }
  };
  int('steps', 10_000);
  int('pointsPerStep', 10_000_000);
  num('lr', 10);
  num('anchorWeight', 1e6);
  num('offSurfaceDistance', 0.5);
  num('offSurfaceWeight', 1e6);
  if (typeof f.seed !== 'number' || !Number.isFinite(f.seed)) throw new PipelineError(code, `${where}.seed must be a finite number, got ${f.seed}`);
}

/** `, test-time optimisation (N Adam steps)` for a model's setting that turns it on, else `''` (load messages). @internal */
export function describeTestTimeOptimization(setting: boolean | TestTimeOptimizationOptions | undefined): string {
  if (!setting) return '';
  const steps = (setting === true ? undefined : setting.steps) ?? TEST_TIME_OPTIMIZATION_DEFAULTS.steps;
  return `, test-time optimisation (${steps} Adam steps)`;
}

/** A seeded subset of `count` of the `n` points (without replacement: the first `count` of a seeded shuffle). */
function subset(points: Float32Array, count: number, seed: number): Float32Array {
  const n = points.length / 3;
  if (count === 0 || count >= n) return points;
  const order = shuffle(Uint32Array.from({ length: n }, (_, i) => i), createRng(seed));
  const out = new Float32Array(3 * count);
  for (let i = 0; i < count; i++) out.set(points.subarray(3 * order[i], 3 * order[i] + 3), 3 * i);
  return out;
}

/**
 * Test-time optimisation of an encoding: with the network frozen, move the shape's feature variables by Adam so
 * that the input points lie on the τ level set. Loss per step, over the input points p_i (`[N·3]`, unit-cube frame):
 * `mean_i (logit(p_i) − logit(τ))²` + `offSurfaceWeight · mean BCE(logit(q) − logit(τ), label(q))` over the
 * off-surface points q = p_i ± δ·ĝ_i (when `offSurfaceDistance` δ > 0; ĝ from central differences of the initial
 * field, step δ/2) + `anchorWeight · Σ (F − F₀)²`. Features never reached by an input point keep their values
 * (Adam moves only what has a gradient). Not in the references (test-time optimisation of local codes in the manner
 * of DeepSDF's auto-decoding, here started from the encoder's output). Updates `shape.variables` in place; every
 * intermediate tensor is released.
 * @param shape the encoding to optimise (from `OccupancyNetwork.conditionOptimizable` or `OccupancyEnsemble`'s).
 * @param points the encoder's input `[N·3]` in the unit-cube frame.
 * @param threshold τ as a probability in (0, 1).
 * @throws {@link PipelineError} `INVALID_OPTION` for options out of range, an empty cloud or a τ outside (0, 1);
 *   `GRADIENTS_NOT_REGISTERED` when tfjs gradients are not registered; `BAD_NETWORK_OUTPUT` when the loss turns
 *   non-finite.
 */
export async function optimizeEncoding(
  shape: OptimizableShape,
  points: Float32Array,
  threshold: number,
  options: TestTimeOptimizationOptions = {},
): Promise<TestTimeOptimizationStats> {
  checkTestTimeOptimization(options);
  const o = { ...TEST_TIME_OPTIMIZATION_DEFAULTS, ...options };
  if (!(points instanceof Float32Array) || points.length === 0 || points.length % 3 !== 0) {
    throw new PipelineError('INVALID_OPTION', 'test-time optimisation needs the input points as a non-empty Float32Array [N·3]');
  }
  if (!(threshold > 0 && threshold < 1)) throw new PipelineError('INVALID_OPTION', `threshold must be in (0, 1), got ${threshold}`);
  // the decoders' backward pass is mostly 2D matMul gradients: transpose + plain matMul, as training does
  registerFastMatMulGradient();
  const t0 = performance.now();
  const level = probabilityToLogit(threshold);
  const p = subset(points, o.pointsPerStep, o.seed);
  const n = p.length / 3;

  // off-surface points from the initial field's gradient (logits rise inwards)
  let off: Float32Array | undefined;
  let labels: Float32Array | undefined;
  if (o.offSurfaceDistance > 0 && o.offSurfaceWeight > 0) {
    const grad = await logitGradient((q) => shape.logits(q), p, o.offSurfaceDistance / 2, 60_000);
    off = new Float32Array(6 * n);
    labels = new Float32Array(2 * n);
    const d = o.offSurfaceDistance;
    for (let i = 0; i < n; i++) {
      const len = Math.hypot(grad[3 * i], grad[3 * i + 1], grad[3 * i + 2]);
      const k = len > 0 ? d / len : 0;
      for (let a = 0; a < 3; a++) {
        const g = grad[3 * i + a] * k;
        off[3 * i + a] = p[3 * i + a] + g; // inside
        off[3 * (n + i) + a] = p[3 * i + a] - g; // outside
      }
      labels[i] = 1;
      labels[n + i] = 0;
    }
  }

  const pts = tf.tensor3d(p, [1, n, 3]);
  const offPts = off ? tf.tensor3d(off, [1, 2 * n, 3]) : undefined;
  const offLabels = labels ? tf.tensor2d(labels, [1, 2 * n]) : undefined;
  // the anchor's reference values, kept only when the anchor term is on
  const initial = o.anchorWeight > 0 ? shape.variables.map((v) => tf.clone(v)) : [];
  const optimizer = tf.train.adam(o.lr);
  const surfaceTerm = () => tf.mean(tf.square(tf.sub(shape.logitsTensor(pts), level))) as tf.Scalar;
  // read asynchronously: a synchronous read stalls WebGPU (and needs OffscreenCanvas, which Node's WebGPU lacks)
  const surfaceLoss = async (): Promise<number> => {
    const t = tf.tidy(surfaceTerm);
    try {
      return (await t.data())[0];
    } finally {
      t.dispose();
    }
  };
  let lossFirst = Number.NaN;
  let lossLast = Number.NaN;
  let surfaceLossBefore = Number.NaN;
  let surfaceLossAfter = Number.NaN;
  try {
    surfaceLossBefore = await surfaceLoss();
    for (let step = 0; step < o.steps; step++) {
      const cost = optimizer.minimize(
        () => {
          let loss = surfaceTerm();
          if (offPts && offLabels) {
            const z = tf.sub(shape.logitsTensor(offPts), level);
            loss = tf.add(loss, tf.mul(o.offSurfaceWeight, tf.losses.sigmoidCrossEntropy(offLabels, z))) as tf.Scalar;
          }
          if (o.anchorWeight > 0) {
            let anchor = tf.scalar(0);
            for (const [j, v] of shape.variables.entries()) anchor = tf.add(anchor, tf.sum(tf.square(tf.sub(v, initial[j]))));
            loss = tf.add(loss, tf.mul(o.anchorWeight, anchor)) as tf.Scalar;
          }
          return loss;
        },
        true,
        shape.variables as tf.Variable[],
      );
      const value = (await cost!.data())[0];
      cost!.dispose();
      if (!Number.isFinite(value)) throw new PipelineError('BAD_NETWORK_OUTPUT', `test-time optimisation diverged at step ${step} (loss ${value}); lower testTimeOptimization.lr`);
      if (step === 0) lossFirst = value;
      lossLast = value;
    }
    surfaceLossAfter = await surfaceLoss();
  } finally {
    optimizer.dispose();
    tf.dispose(initial);
    tf.dispose(pts);
    if (offPts) tf.dispose(offPts);
    if (offLabels) tf.dispose(offLabels);
  }
  return { steps: o.steps, surfaceLossBefore, surfaceLossAfter, lossFirst, lossLast, timeMs: performance.now() - t0 };
}
