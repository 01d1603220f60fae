import * as tf from '@tensorflow/tfjs-core';
import { differentiable } from '@onet/nn';

/**
 * `tf.conv3d(x, w, stride, 'valid')` with a gradient built from ops that are correct on every backend.
 *
 * Why: tfjs-backend-wasm 4.22's Conv3DBackpropInputV2 returns wrong values (mostly zeros at stride 2, wrong
 * sums at stride 1 with many channels) and its Conv3DBackpropFilterV2 is wrong at stride 2, so the built-in
 * gradient of `tf.conv3d` silently trains the voxel encoder wrongly on wasm. Here the input gradient is a
 * per-tap matmul `dy·w_tapᵀ` scattered (dilate + pad + add) to the input positions, and the filter gradient an
 * im2col matmul (chunked over the batch to bound memory); both run on XNNPACK matmuls on wasm. Both are checked against the cpu backend's
 * built-in gradient in the tests.
 *
 * Shapes: `x` `[B, N1, N2, N3, Cin]` (already padded), `w` `[k, k, k, Cin, Cout]` → `[B, O1, O2, O3, Cout]`.
 */
export function conv3dValid(x: tf.Tensor5D, w: tf.Tensor5D, stride: number): tf.Tensor5D {
  return differentiable(
    [x, w],
    (save) => {
      save([x, w]);
      return tf.conv3d(x, w, stride, 'valid');
    },
    (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor5D, tf.Tensor5D];
      return [() => inputGrad(dy as tf.Tensor5D, sw, sx.shape, stride), () => filterGrad(sx, dy as tf.Tensor5D, sw.shape, stride)];
    },
  ) as tf.Tensor5D;
}

/**
 * Insert `s − 1` zeros after every element along the three spatial axes: length O → s·O (the trailing zeros
 * are cropped by the caller; slicing here would hit a slow 5-D Slice path on wasm).
 */
export function dilate(t: tf.Tensor5D, s: number): tf.Tensor5D {
  if (s === 1) return t;
  return tf.tidy(() => {
    let r: tf.Tensor = t;
    for (let axis = 1; axis <= 3; axis++) {
      const shape = r.shape;
      const e = tf.expandDims(r, axis + 1);
      const pads = e.shape.map((_, i) => (i === axis + 1 ? [0, s - 1] : [0, 0])) as [number, number][];
      r = tf.reshape(tf.pad(e, pads), [...shape.slice(0, axis), shape[axis] * s, ...shape.slice(axis + 1)]);
    }
    return r as tf.Tensor5D;
  });
}

/** `t[:, :n1, :n2, :n3, :]` through 4-D and 3-D slices (wasm's 5-D Slice is ~25× slower). */
function crop5(t: tf.Tensor5D, size: number[]): tf.Tensor5D {
  return tf.tidy(() => {
    const [b, m1, m2, m3, c] = t.shape;
    const [, n1, n2, n3] = size;
    const inner = tf.slice(tf.reshape(t, [b * m1, m2, m3, c]), [0, 0, 0, 0], [b * m1, n2, n3, c]);
    const outer = tf.slice(tf.reshape(inner, [b, m1, n2 * n3 * c]), [0, 0, 0], [b, n1, n2 * n3 * c]);
    return tf.reshape(outer, [b, n1, n2, n3, c]) as tf.Tensor5D;
  });
}

/**
 * Input gradient of {@link conv3dValid}: `dy` `[B, O1, O2, O3, Cout]`, `w` `[k, k, k, Cin, Cout]` → `dx` of
 * shape `xShape` `[B, N1, N2, N3, Cin]` (per-tap matmuls scattered by dilate + pad + add).
 */
function inputGrad(dy: tf.Tensor5D, w: tf.Tensor5D, xShape: number[], s: number): tf.Tensor5D {
  return tf.tidy(() => {
    const [k, , , cin, cout] = w.shape;
    const [b, o1, o2, o3] = dy.shape;
    const [, n1, n2, n3] = xShape;
    // every tap (i, j, l) scatters dy·w[i,j,l]ᵀ to the input positions s·o + (i, j, l): one matmul per tap
    // (XNNPACK-fast on wasm), then dilate and shift by padding; overlapping taps add up.
    const dyFlat = tf.reshape(dy, [b * o1 * o2 * o3, cout]);
    const wT = tf.reshape(tf.transpose(w, [4, 0, 1, 2, 3]), [cout, k * k * k * cin]);
    // accumulate on a grid s − 1 larger per axis (room for dilate's trailing zeros), crop once at the end
    const m1 = n1 + s - 1;
    const m2 = n2 + s - 1;
    const m3 = n3 + s - 1;
    let dx: tf.Tensor | null = null;
    let tap = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        for (let l = 0; l < k; l++, tap++) {
          const part = tf.tidy(() => {
            const y = tf.reshape(tf.matMul(dyFlat, tf.slice(wT, [0, tap * cin], [cout, cin])), [b, o1, o2, o3, cin]) as tf.Tensor5D;
            return tf.pad(dilate(y, s), [[0, 0], [i, m1 - s * o1 - i], [j, m2 - s * o2 - j], [l, m3 - s * o3 - l], [0, 0]]);
          });
          if (dx) {
            const next: tf.Tensor = tf.add(dx, part);
            tf.dispose([dx, part]);
            dx = next;
          } else {
            dx = part;
          }
        }
      }
    }
    return (s === 1 ? dx : crop5(dx as tf.Tensor5D, [b, n1, n2, n3, cin])) as tf.Tensor5D;
  });
}

/**
 * Filter gradient of {@link conv3dValid}: `x` `[B, N1, N2, N3, Cin]`, `dy` `[B, O1, O2, O3, Cout]` → `dw` of
 * shape `wShape` `[k, k, k, Cin, Cout]` (im2col matmul, chunked over the batch).
 */
function filterGrad(x: tf.Tensor5D, dy: tf.Tensor5D, wShape: number[], s: number): tf.Tensor5D {
  return tf.tidy(() => {
    const [k, , , cin, cout] = wShape;
    const [b, o1, o2, o3] = dy.shape;
    const rows = o1 * o2 * o3;
    // im2col rows per sample × k³·cin columns; keep each matmul's patch matrix ≤ ~16M floats
    const perChunk = Math.max(1, Math.floor((16 << 20) / Math.max(1, rows * k * k * k * cin)));
    let acc: tf.Tensor | null = null;
    for (let b0 = 0; b0 < b; b0 += perChunk) {
      const nb = Math.min(perChunk, b - b0);
      const part = tf.tidy(() => {
        const cols: tf.Tensor[] = [];
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            for (let l = 0; l < k; l++) {
              cols.push(tf.stridedSlice(x, [b0, i, j, l, 0], [b0 + nb, i + s * (o1 - 1) + 1, j + s * (o2 - 1) + 1, l + s * (o3 - 1) + 1, cin], [1, s, s, s, 1]));
            }
          }
        }
        const patches = tf.reshape(tf.concat(cols, 4), [nb * rows, k * k * k * cin]);
        const g = tf.reshape(nb === b ? dy : tf.slice(tf.reshape(dy, [b, rows * cout]), [b0, 0], [nb, rows * cout]), [nb * rows, cout]);
        return tf.matMul(tf.transpose(patches), g);
      });
      if (acc) {
        const next: tf.Tensor = tf.add(acc, part);
        tf.dispose([acc, part]);
        acc = next;
      } else {
        acc = part;
      }
    }
    return tf.reshape(acc!, [k, k, k, cin, cout]) as tf.Tensor5D;
  });
}
