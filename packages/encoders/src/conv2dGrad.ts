import * as tf from '@tensorflow/tfjs-core';
import { differentiable } from '@onet/nn';

/**
 * `tf.conv2d(x, w, stride, 'valid')` with a gradient built from ops that are correct and fast on every backend.
 *
 * Why: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (the built-in gradient of `tf.conv2d` throws
 * "Kernel 'Conv2DBackpropFilter' not registered" there), and its Conv2DBackpropInput is a scalar loop. Here the
 * filter gradient is a forward convolution of `x` with `dy` (batch and channels swapped, dilated by the stride)
 * and the input gradient, per stride phase, a stride-1 forward convolution of `dy` with the flipped, transposed
 * taps of that phase; both run on the backend's forward Conv2D (XNNPACK on wasm, correct there), so a
 * backward pass costs about two forward passes and needs no patch matrices. The tests check them against the cpu backend's built-in gradients.
 *
 * Shapes: `x` `[B, H, W, Cin]` (already padded), `w` `[k, k, Cin, Cout]`, square kernel, one stride for both
 * axes → `[B, Ho, Wo, Cout]` with `Ho = ⌊(H − k)/stride⌋ + 1` (and so for W). Returns a new tensor.
 */
export function conv2dValid(x: tf.Tensor4D, w: tf.Tensor4D, stride: number): tf.Tensor4D {
  return differentiable(
    [x, w],
    (save) => {
      save([x, w]);
      return tf.conv2d(x, w, stride, 'valid');
    },
    (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
      return [() => conv2dInputGrad(dy as tf.Tensor4D, sw, sx.shape, stride), () => conv2dFilterGrad(sx, dy as tf.Tensor4D, sw.shape, stride)];
    },
  ) as tf.Tensor4D;
}

/**
 * Input gradient of {@link conv2dValid}: `dy` `[B, O1, O2, Cout]`, `w` `[k, k, Cin, Cout]` → `dx` of shape
 * `xShape` `[B, N1, N2, Cin]`.
 *
 * Input row `s·m + pi` receives only the taps `i = pi + s·a`, so each of the `s²` stride phases `p = (pi, pj)` of
 * `dx` is a stride-1 "full" correlation of `dy` with that phase's taps, flipped and transposed:
 * `dx_p[m, n] = Σ_{a,c} dy[m − a, n − c]·w[pi + s·a, pj + s·c]ᵀ`. All phases come out of ONE forward Conv2D
 * (XNNPACK on wasm) whose `s²·Cin` output channels are the phases side by side, and `depthToSpace`
 * interleaves them into the input grid. The weights are regrouped with transposes of rank ≤ 4 (wasm's 5- and
 * 6-D transposes are ~30× slower).
 */
export function conv2dInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: number[], s: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [k, , cin, cout] = w.shape;
    const b = dy.shape[0];
    const [, n1, n2] = xShape;
    const kk = Math.ceil(k / s); // taps per phase and axis (missing taps are zero)
    let g0: tf.Tensor4D; // g0[a, c, :, p·Cin + ci] = w[pi + s·a, pj + s·c, ci, :]ᵀ
    if (s === 1) {
      g0 = tf.transpose(w, [0, 1, 3, 2]);
    } else {
      const cc = cin * cout;
      const wp = tf.pad(w, [[0, s * kk - k], [0, s * kk - k], [0, 0], [0, 0]]); // tap i = a·s + pi
      const t1 = tf.transpose(tf.reshape(wp, [kk, s, kk * s, cc]), [0, 2, 1, 3]); // [a, (c, pj), pi, ci·co]
      const t2 = tf.transpose(tf.reshape(t1, [kk * kk, s, s, cc]), [0, 2, 1, 3]); // [(a, c), pi, pj, ci·co]
      const t3 = tf.transpose(tf.reshape(t2, [kk * kk, s * s * cin, cout]), [0, 2, 1]); // [(a, c), co, (pi, pj, ci)]
      g0 = tf.reshape(t3, [kk, kk, cout, s * s * cin]);
    }
    // flip both tap axes: reversing the flattened tap index (a, c) → K² − 1 − (a·K + c) is a matmul by the
    // K²×K² anti-identity (exact: every output is 1·w + zeros). wasm's Reverse and GatherV2 kernels copy element by
    // element and cost ~10× more here.
    const taps = kk * kk;
    const g =
      taps === 1
        ? g0
        : (tf.reshape(tf.matMul(tf.reverse(tf.eye(taps), [0]), tf.reshape(g0, [taps, cout * s * s * cin])), [kk, kk, cout, s * s * cin]) as tf.Tensor4D);
    const p = kk - 1;
    const full = tf.conv2d(tf.pad(dy, [[0, 0], [p, p], [p, p], [0, 0]]), g, 1, 'valid'); // [B, O1 + p, O2 + p, s²·Cin]
    // rows ≥ N1 (and columns ≥ N2) of the interleaved grid get no gradient: crop them, or pad up to N with zeros
    const grid = s === 1 ? full : tf.depthToSpace(full, s);
    const h = grid.shape[1];
    const wd = grid.shape[2];
    const cropped = h > n1 || wd > n2 ? tf.slice(grid, [0, 0, 0, 0], [b, Math.min(h, n1), Math.min(wd, n2), cin]) : grid;
    return (h < n1 || wd < n2 ? tf.pad(cropped, [[0, 0], [0, Math.max(0, n1 - h)], [0, Math.max(0, n2 - wd)], [0, 0]]) : cropped) as tf.Tensor4D;
  });
}

/**
 * Filter gradient of {@link conv2dValid}: `x` `[B, N1, N2, Cin]`, `dy` `[B, O1, O2, Cout]` → `dw` of shape
 * `wShape` `[k, k, Cin, Cout]`.
 *
 * `dw[i, j] = Σ_{b,o} x[b, s·o + (i, j)]ᵀ·dy[b, o]` is itself a convolution with the roles swapped: input
 * channels as the batch, the batch as the channels, `dy` as an `[O1, O2, B, Cout]` filter dilated by `s`. It runs on
 * the backend's forward Conv2D (XNNPACK on wasm, as fast as the forward pass) and needs no patch matrix, so
 * its memory is that of `x` and `dy`.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, wShape: number[], s: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [k, , cin, cout] = wShape;
    const xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [Cin, N1, N2, B]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [O1, O2, B, Cout]
    const r = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', s); // [Cin, N1 − s(O1 − 1), N2 − s(O2 − 1), Cout]
    const crop = r.shape[1] === k && r.shape[2] === k ? r : tf.slice(r, [0, 0, 0, 0], [cin, k, k, cout]);
    return tf.transpose(crop, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}
