import * as tf from '@tensorflow/tfjs-core';
import { NNError } from './errors.js';

let jsKernels: 'auto' | 'never' = 'auto';

/**
 * Choose the implementation of the sparse/plane ops: `'auto'` (default) runs gathers, scatters' gradients and
 * plane sampling as synchronous JS kernels on the wasm and cpu backends (≈100× faster than tfjs's GatherV2 and
 * Slice on wasm) and as tfjs ops elsewhere; `'never'` always uses tfjs ops (for tests and benchmarks).
 */
export function setJsKernels(mode: 'auto' | 'never'): void {
  jsKernels = mode;
}

/** Whether the JS kernels run now (see {@link setJsKernels}). */
export function jsPath(): boolean {
  if (jsKernels === 'never') return false;
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu';
}

/** The parts of tfjs-backend-wasm's `BackendWasm` that {@link jsKernelOutput} uses. */
interface WasmHeapBackend {
  /** `get` moves a tensor made on another backend onto the wasm heap (which may grow it). */
  dataIdMap: { get(dataId: object): unknown };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

/**
 * A float32 tensor `shape` written by a synchronous JS kernel: `fill(out, inputs)` gets the output to write in full
 * and each input's values. On wasm both are views of the wasm heap (no copy of an input out of the heap, no JS
 * array copied into it; the inputs are first moved onto the heap if they live on another backend, and the views are
 * taken after that and after the output is allocated, so they stay valid while `fill` runs, and `fill` must not
 * allocate tensors); elsewhere a fresh array and `dataSync()` copies. Float32 inputs only.
 */
export function jsKernelOutput(shape: number[], inputs: tf.Tensor[], fill: (out: Float32Array, inputs: Float32Array[]) => void): tf.Tensor {
  if (tf.getBackend() === 'wasm' && inputs.every((t) => t.dtype === 'float32')) {
    const backend = tf.backend() as unknown as WasmHeapBackend;
    for (const t of inputs) backend.dataIdMap.get(t.dataId); // onto the heap before any view is taken
    const info = backend.makeOutput(shape, 'float32');
    try {
      fill(
        backend.typedArrayFromHeap(info),
        inputs.map((t) => backend.typedArrayFromHeap(t)),
      );
    } catch (e) {
      backend.disposeData(info.dataId); // not yet a tensor: free its heap block here
      throw e;
    }
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(
    out,
    inputs.map((t) => t.dataSync() as Float32Array),
  );
  return tf.tensor(out, shape);
}

function gatherJs(x: tf.Tensor, idx: tf.Tensor): tf.Tensor {
  const f = x.shape[1] as number;
  const ii = idx.dataSync() as Int32Array;
  // rows read from a view of x on wasm (no copy of all of x out of the heap), written into the heap
  return jsKernelOutput([ii.length, f], [x], (out, [src]) => {
    for (let k = 0, o = 0; k < ii.length; k++) {
      const base = ii[k] * f;
      for (let j = 0; j < f; j++) out[o++] = src[base + j];
    }
  });
}

function scatterAddJs(v: tf.Tensor, idx: tf.Tensor, size: number): tf.Tensor {
  const f = v.shape[1] as number;
  const src = v.dataSync() as Float32Array;
  const ii = idx.dataSync() as Int32Array;
  const out = new Float32Array(size * f);
  for (let k = 0, o = 0; k < ii.length; k++) {
    const base = ii[k] * f;
    for (let j = 0; j < f; j++) out[base + j] += src[o++];
  }
  return tf.tensor2d(out, [size, f]);
}

/**
 * Differentiable row gather that trains on every backend, wasm included: `x [M, F]`, `indices [K]` (int32 or
 * integral float32, each in [0, M)) → `[K, F]`. tfjs's own gradient of `tf.gather` needs the
 * `UnsortedSegmentSum` kernel, which the wasm backend lacks; here the backward pass is a `tf.scatterND`
 * (which sums duplicate indices, as the true gradient does). No gradient flows into `indices`.
 */
export function gatherRows(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const idx = indices.dtype === 'int32' ? indices : tf.cast(indices, 'int32');
  const f = tf.customGrad(((xx: tf.Tensor, ii: tf.Tensor, save: tf.GradSaveFunc) => {
    save([ii]);
    const value = jsPath() ? gatherJs(xx, ii) : tf.gather(xx, ii);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => [
      jsPath() ? scatterAddJs(dy, saved[0], xx.shape[0]) : tf.scatterND(tf.expandDims(saved[0], 1), dy, xx.shape),
      tf.zerosLike(saved[0]),
    ];
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const out = (f as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(x, idx);
  if (idx !== indices) idx.dispose();
  return out;
}

/**
 * Differentiable scatter-add of rows: `values [K, F]` into `[size, F]` at `indices [K]` (duplicates summed).
 * Backward is a row gather of the upstream gradient. Works on wasm (ScatterNd + GatherV2).
 */
export function scatterAddRows(values: tf.Tensor, indices: tf.Tensor, size: number): tf.Tensor {
  const idx = indices.dtype === 'int32' ? indices : tf.cast(indices, 'int32');
  const feat = values.shape[1] as number;
  const f = tf.customGrad(((vv: tf.Tensor, ii: tf.Tensor, save: tf.GradSaveFunc) => {
    save([ii]);
    const value = tf.scatterND(tf.expandDims(ii, 1), vv, [size, feat]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => [jsPath() ? gatherJs(dy, saved[0]) : tf.gather(dy, saved[0]), tf.zerosLike(saved[0])];
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const out = (f as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(values, idx);
  if (idx !== indices) idx.dispose();
  return out;
}

/**
 * Differentiable scatter-MEAN of rows (torch_scatter's `scatter_mean`): `values [K, F]` averaged per target
 * row `indices [K]` into `[size, F]`; rows that receive nothing are 0. Counts are constants (no gradient).
 */
export function scatterMeanRows(values: tf.Tensor, indices: tf.Tensor, size: number): tf.Tensor {
  return tf.tidy(() => {
    const idx = indices.dtype === 'int32' ? indices : tf.cast(indices, 'int32');
    const sum = scatterAddRows(values, idx, size);
    const k = idx.shape[0] as number;
    const counts = tf.scatterND(tf.expandDims(idx, 1), tf.ones([k]), [size]);
    const inv = tf.div(1, tf.maximum(counts, 1));
    return tf.mul(sum, tf.expandDims(inv, 1));
  });
}

/**
 * 3×3 'same' 2D convolution, stride 1, zero padding 1 (PyTorch `Conv2d(k=3, padding=1)`), channels-last, that
 * trains on wasm (which lacks `Conv2DBackpropFilter`): forward and input-gradient are native `tf.conv2d`s, the
 * filter gradient is one native 'valid' conv of the padded input (channels as batch) with dy as the filter.
 * `x [B, H, W, Cin]`, `kernel [9·Cin, Cout]` ordered (ky, kx, cin), `bias [Cout]` → `[B, H, W, Cout]`.
 */
export function conv3x3(x: tf.Tensor4D, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor4D {
  const cin = x.shape[3];
  const cout = kernel.shape[1] as number;
  const f = tf.customGrad(((xx: tf.Tensor4D, kk: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xx, kk]);
    const value = tf.conv2d(xx, tf.reshape(kk, [3, 3, cin, cout]) as tf.Tensor4D, 1, 'same');
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor];
      // dx = correlation of dy with the spatially flipped, in/out-swapped kernel
      const kf = tf.transpose(tf.reverse(tf.reshape(ks, [3, 3, cin, cout]), [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const dx = tf.conv2d(dy as tf.Tensor4D, kf, 1, 'same');
      // dW[ky,kx,ci,co] = Σ_{b,y,x} xpad[b,y+ky,x+kx,ci]·dy[b,y,x,co]: one native 'valid' conv with the
      // channels as batch and dy as an H×W filter (≈6× faster on wasm than nine transposed matMuls).
      const xp = tf.transpose(tf.pad(xs, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]), [3, 1, 2, 0]) as tf.Tensor4D; // [Cin, H+2, W+2, B]
      const filt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [H, W, B, Cout]
      const dw = tf.transpose(tf.conv2d(xp, filt, 1, 'valid'), [1, 2, 0, 3]); // [3, 3, Cin, Cout]
      return [dx, tf.reshape(dw, [9 * cin, cout])];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return tf.tidy(() => {
    let y = (f as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(x, kernel);
    if (bias) y = tf.add(y, bias);
    return y as tf.Tensor4D;
  });
}

/**
 * 2×2 stride-2 transposed convolution (PyTorch `ConvTranspose2d(k=2, s=2)`) as a matMul + pixel shuffle:
 * `x [B, H, W, Cin]`, `kernel [Cin, 4·Cout]` ordered (a, b, cout) for output pixel (2i+a, 2j+b) → `[B, 2H, 2W, Cout]`.
 */
export function convTranspose2x2(x: tf.Tensor4D, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const cout = (kernel.shape[1] as number) / 4;
    const y = tf.matMul(tf.reshape(x, [b * h * w, c]), kernel);
    let out = tf.reshape(tf.transpose(tf.reshape(y, [b, h, w, 2, 2, cout]), [0, 1, 3, 2, 4, 5]), [b, 2 * h, 2 * w, cout]);
    if (bias) out = tf.add(out, bias);
    return out as tf.Tensor4D;
  });
}

/**
 * 3×3×3 'same' 3D convolution, stride 1, zero padding 1 (PyTorch `Conv3d(k=3, padding=1)`), channels-last, built
 * from {@link conv3x3} over the depth slices, so it runs on XNNPACK on wasm and trains there: for each batch element
 * the volume is zero-padded along depth and each depth tap kz is one 2D conv (batched over the D slices) of the
 * slices shifted by kz; the three are summed — 3·B 2D convolutions in all. Every slice taken is a contiguous block:
 * tfjs-wasm's strided Slice and 5D Transpose each cost about as much as the convolutions themselves. On wasm/cpu
 * the three taps are one 2D convolution with all 3·Cout output channels of the unpadded volume, summed over the
 * depth shifts by one JS kernel (no padded copy, no slices; same values).
 * `x [B, D, H, W, Cin]`, `kernel [9·Cin, 3·Cout]` ordered (ky, kx, cin) × (kz, cout), `bias [Cout]` →
 * `[B, D, H, W, Cout]`.
 */
export function conv3x3x3(x: tf.Tensor5D, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor5D {
  return tf.tidy(() => {
    const [b, d, h, w, cin] = x.shape;
    const cout = (kernel.shape[1] as number) / 3;
    const fused = d > 1 && jsPath();
    const taps = d > 1 ? [0, 1, 2] : [1];
    const k = fused ? [] : taps.map((t) => tf.slice(kernel, [0, t * cout], [9 * cin, cout]));
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < b; i++) {
      const xi = tf.reshape(b > 1 ? tf.slice(x, [i, 0, 0, 0, 0], [1, d, h, w, cin]) : x, [d, h, w, cin]);
      if (fused) {
        // all three taps in one 2D conv ([d, h, w, 3·cout]), then out[z] = (Y₀[z − 1] + Y₁[z]) + Y₂[z + 1]
        outs.push(depthTapSum(conv3x3(xi as tf.Tensor4D, kernel), cout));
        continue;
      }
      const xp = d > 1 ? tf.pad(xi, [[1, 1], [0, 0], [0, 0], [0, 0]]) : xi;
      let out: tf.Tensor | undefined;
      taps.forEach((t, j) => {
        // out[z] += conv2d(x[z + t − 1], K_t)
        const xs = d > 1 ? tf.slice(xp, [t, 0, 0, 0], [d, h, w, cin]) : xp;
        const y = conv3x3(xs as tf.Tensor4D, k[j]);
        out = out ? tf.add(out, y) : y;
      });
      outs.push(out!);
    }
    let y: tf.Tensor = outs.length > 1 ? tf.concat(outs, 0) : outs[0]; // [b·d, h, w, cout]
    if (bias) y = tf.add(y, bias); // at rank 4: tfjs-webgpu's broadcasting kernels fail to compile for rank 5
    return tf.reshape(y, [b, d, h, w, cout]) as tf.Tensor5D;
  });
}

/**
 * The depth-tap sum of {@link conv3x3x3} on wasm/cpu, a synchronous JS kernel: `y [D, H, W, 3·Cout]` holds, for
 * each slice z, its 2D convolution with the three depth taps' kernels (channel blocks 0, 1, 2); the result
 * `[D, H, W, Cout]` is `out[z] = (Y₀[z − 1] + Y₁[z]) + Y₂[z + 1]`, missing slices read as +0, in float32 after each
 * addition: the same values as adding the per-tap convolutions of the zero-padded, shifted volume. Gradient into `y`.
 */
function depthTapSum(y: tf.Tensor, cout: number): tf.Tensor4D {
  const [d, h, w] = y.shape as number[];
  const plane = h * w;
  const f = tf.customGrad(((yy: tf.Tensor) => {
    const value = jsKernelOutput([d, h, w, cout], [yy], (out, [src]) => {
      const c3 = 3 * cout;
      for (let z = 0; z < d; z++) {
        for (let p = 0; p < plane; p++) {
          const o = (z * plane + p) * cout;
          const s1 = (z * plane + p) * c3 + cout;
          const s0 = s1 - plane * c3 - cout; // slice z − 1, block 0
          const s2 = s1 + plane * c3 + cout; // slice z + 1, block 2
          for (let c = 0; c < cout; c++) {
            const a = z > 0 ? src[s0 + c] : 0;
            const v = Math.fround(a + src[s1 + c]);
            out[o + c] = v + (z < d - 1 ? src[s2 + c] : 0);
          }
        }
      }
    });
    const gradFunc = (dy: tf.Tensor) =>
      jsKernelOutput([d, h, w, 3 * cout], [dy], (g, [src]) => {
        const c3 = 3 * cout;
        for (let z = 0; z < d; z++) {
          for (let p = 0; p < plane; p++) {
            const o = (z * plane + p) * c3;
            const here = (z * plane + p) * cout;
            for (let c = 0; c < cout; c++) {
              g[o + c] = z < d - 1 ? src[here + plane * cout + c] : 0; // Y₀[z] feeds out[z + 1]
              g[o + cout + c] = src[here + c];
              g[o + 2 * cout + c] = z > 0 ? src[here - plane * cout + c] : 0; // Y₂[z] feeds out[z − 1]
            }
          }
        }
      });
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (f as unknown as (a: tf.Tensor) => tf.Tensor)(y) as tf.Tensor4D;
}

/**
 * 2×2×2 stride-2 transposed 3D convolution (PyTorch `ConvTranspose3d(k=2, s=2)`) as a matMul + voxel shuffle:
 * `x [B, D, H, W, Cin]`, `kernel [Cin, 8·Cout]` ordered (a, b, c, cout) for output voxel (2z+a, 2y+b, 2x+c) →
 * `[B, 2D, 2H, 2W, Cout]`.
 */
export function convTranspose2x2x2(x: tf.Tensor5D, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor5D {
  return tf.tidy(() => {
    const [b, d, h, w, c] = x.shape;
    const cout = (kernel.shape[1] as number) / 8;
    let y = tf.matMul(tf.reshape(x, [b * d * h * w, c]), kernel);
    // bias at rank 2 (tfjs-webgpu's broadcasting kernels fail to compile for rank 5)
    if (bias) y = tf.reshape(tf.add(tf.reshape(y, [-1, cout]), bias), [b * d * h * w, 8 * cout]);
    // depth first: [b·d, h, w, 2, 4·cout] → [b·d, 2, h, w, 4·cout], then the 2D shuffle on the (b·2d) slices
    const yz = tf.transpose(tf.reshape(y, [b * d, h, w, 2, 4 * cout]), [0, 3, 1, 2, 4]);
    const xy = tf.transpose(tf.reshape(yz, [b * d * 2, h, w, 2, 2, cout]), [0, 1, 3, 2, 4, 5]);
    return tf.reshape(xy, [b, 2 * d, 2 * h, 2 * w, cout]) as tf.Tensor5D;
  });
}

/**
 * 2×2×2 max-pooling, stride 2, channels-last `[B, D, H, W, C]` → `[B, D/2, H/2, W/2, C]`, one axis at a time. At
 * ties the gradient goes to every maximal input (PyTorch picks one); inside a U-Net after a ReLU this only matters
 * at exact zeros, whose ReLU gradient is 0 anyway.
 * @throws NNError `SHAPE_MISMATCH` when D, H or W is odd.
 */
export function maxPool2x2x2(x: tf.Tensor5D): tf.Tensor5D {
  const [b, d, h, w, c] = x.shape;
  if (x.rank !== 5 || d % 2 !== 0 || h % 2 !== 0 || w % 2 !== 0) {
    throw new NNError('SHAPE_MISMATCH', `maxPool2x2x2 needs [B, D, H, W, C] with even D, H, W, got [${x.shape}]`);
  }
  return tf.tidy(() => {
    const z = tf.max(tf.reshape(x, [(b * d) / 2, 2, h * w * c]), 1);
    const y = tf.max(tf.reshape(z, [(b * d * h) / 4, 2, w * c]), 1);
    const xx = tf.max(tf.reshape(y, [(b * d * h * w) / 8, 2, c]), 1);
    return tf.reshape(xx, [b, d / 2, h / 2, w / 2, c]) as tf.Tensor5D;
  });
}
