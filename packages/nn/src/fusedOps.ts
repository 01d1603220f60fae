import * as tf from '@tensorflow/tfjs-core';
import { differentiable } from './lazyGradient.js';

/** Sum `t` over the axes along which `shape` was broadcast to `t.shape`, then reshape to `shape`. */
function reduceTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, t.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
}

/**
 * `x·W + b` over the last axis as one differentiable op: `x` `[..., in]`, `weight` `[in, out]`, `bias` `[out]`
 * (or null) → `[..., out]`. The forward pass is one fused matmul (bias added inside, one output tensor instead of
 * two); the backward pass multiplies explicitly transposed operands (tfjs's own fused-matmul gradient uses
 * transposed-operand matmuls, which tfjs-backend-wasm runs on a naive loop) and keeps only `x` and `W`; each input's
 * gradient runs only when the backward pass needs it (with frozen weights, only `dx`).
 * Same values as `matMul` + `add` to float32 rounding. Used by `Linear`.
 */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const [inF, outF] = weight.shape as [number, number];
  const outShape = [...x.shape.slice(0, -1), outF];
  // one thunk per input: with frozen weights only dx runs (see `differentiable`)
  const backward = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [xx, ww] = saved;
    const d = () => tf.reshape(dy, [-1, outF]) as tf.Tensor2D;
    const grads = [
      () => tf.reshape(tf.matMul(d(), tf.transpose(ww)), xx.shape),
      () => tf.matMul(tf.transpose(tf.reshape(xx, [-1, inF])), d()),
    ];
    if (bias) grads.push(() => tf.sum(d(), 0));
    return grads;
  };
  return differentiable(
    bias ? [x, weight, bias] : [x, weight],
    (save) => {
      save([x, weight]);
      return tf.reshape(tf.fused.matMul({ a: tf.reshape(x, [-1, inF]) as tf.Tensor2D, b: weight as tf.Tensor2D, ...(bias ? { bias } : {}) }), outShape);
    },
    backward,
  );
}

/** Output of {@link batchNormTrain}. */
export interface BatchNormTrainResult {
  /** `γ ⊙ (x − μ)/√(σ² + ε) + β`, same shape as x; differentiable in x, γ and β. */
  y: tf.Tensor;
  /** `[F]` batch mean μ (new tensor, no gradient; the caller disposes it). */
  mean: tf.Tensor1D;
  /** `[F]` biased batch variance σ² (new tensor, no gradient; the caller disposes it). */
  variance: tf.Tensor1D;
}

/**
 * Train-mode batch normalisation over every axis but the last, with an optional affine map, as one
 * differentiable op: `x` `[..., F]`; `gamma`, `beta` broadcastable to x (`[F]` for BatchNorm's affine, `[B, 1, F]`
 * for the conditional BN of the ONet decoder) or both null. The backward pass is the closed form
 * `dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/√(σ² + ε)` with `ĝ = dy·γ`, and the op keeps only `x̂` (and γ) for it,
 * where the composed tfjs ops kept every intermediate (≈ 7 tensors the size of x per BN). Same values as the
 * composed ops to float32 rounding.
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null, eps: number): BatchNormTrainResult {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | undefined;
  const normalise = (xx: tf.Tensor) => {
    const mean = tf.mean(xx, axes) as tf.Tensor1D;
    const centred = tf.sub(xx, mean);
    const variance = tf.mean(tf.square(centred), axes) as tf.Tensor1D;
    const rstd = tf.rsqrt(tf.add(variance, eps));
    stats = { mean: tf.keep(mean), variance: tf.keep(variance) };
    return { xhat: tf.mul(centred, rstd), rstd };
  };
  // dx from ĝ = dy·γ: (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))·rstd
  const dxOf = (g: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor) =>
    tf.mul(tf.sub(tf.sub(g, tf.mean(g, axes)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), axes))), rstd);
  let y: tf.Tensor;
  if (gamma && beta) {
    y = differentiable(
      [x, gamma, beta],
      (save) => {
        const { xhat, rstd } = normalise(x);
        save([xhat, rstd, gamma]);
        return tf.add(tf.mul(xhat, gamma), beta);
      },
      (dy, [xh, rs, g]) => [() => dxOf(tf.mul(dy, g), xh, rs), () => reduceTo(tf.mul(dy, xh), g.shape), () => reduceTo(dy, beta.shape)],
    );
  } else {
    y = differentiable(
      [x],
      (save) => {
        const { xhat, rstd } = normalise(x);
        save([xhat, rstd]);
        return xhat;
      },
      (dy, [xh, rs]) => [() => dxOf(dy, xh, rs)],
    );
  }
  return { y, mean: stats!.mean, variance: stats!.variance };
}

/**
 * `a + b` for two tensors of the same shape (a residual connection), whose gradient keeps nothing alive: tfjs's `Add`
 * saves both inputs for its backward pass (only to read their shapes), which under a gradient tape holds two
 * activations per residual connection until backprop. Same values as `tf.add`; tensors of different shapes
 * (broadcasting) go to `tf.add` itself.
 */
export function residualAdd(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (!tf.util.arraysEqual(a.shape, b.shape) || a.dtype !== b.dtype) return tf.add(a, b);
  return differentiable(
    [a, b],
    () => tf.add(a, b),
    (dy) => [() => tf.clone(dy), () => tf.clone(dy)],
  );
}

/**
 * `max(x, 0)` whose gradient keeps the output instead of the input: `dx = dy · step(relu(x))`, which equals tfjs's
 * `dy · step(x)` for every x but NaN. In a per-point MLP the output is what the next linear layer keeps anyway, so a
 * tape holds one activation per ReLU instead of two. Same forward values as `tf.relu`.
 */
export function reluSavingOutput(x: tf.Tensor): tf.Tensor {
  return differentiable(
    [x],
    (save) => {
      const y = tf.relu(x);
      save([y]);
      return y;
    },
    (dy, [y]) => [() => tf.mul(dy, tf.step(y))],
  );
}
