import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's `BackendWasm` these kernels use (typed here: the class is not exported as a type we can rely on). */
interface WasmBackendLike {
  /** tfjs's data storage: `get` moves a tensor made on another backend onto the wasm heap first. */
  dataIdMap: { get(dataId: object): unknown };
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: WasmBackendLike; attrs?: Record<string, unknown> };

/** Kernel configs installed by {@link registerFastWasmKernels}, to make a second call a no-op. */
const OURS = new WeakSet<object>();

/**
 * Replace ten kernels of tfjs-backend-wasm (4.22) by faster ones with the same results, for the shapes where its
 * own are slow; every other case is passed to the original kernel:
 * - `Identity`, and `Cast` to the same dtype: share the input's buffer (reference-counted, as the cpu backend and
 *   wasm's own `Reshape` do) instead of copying it. tfjs clones every tensor a gradient saves through `Identity`,
 *   so on wasm each forward op of a training step copied its activations.
 * - `Sum` and `Mean` over a contiguous run of axes that is not the last (e.g. `[B·T, F]` → `[F]`, the gradient of
 *   every broadcast bias and the batch statistics of BatchNorm): summed in place, row by row, in the same order and
 *   float32 arithmetic as the original, which first transposed the input to put the reduced axes last.
 * - `Max` over such a run (PointNet-style pooling over the points of `[B, T, F]`): in place, with the original's
 *   results — the first value, replaced by any larger one or a NaN (NaN anywhere gives NaN; of ±0 the first stays) —
 *   where it transposed the input first (3 % of a chair-vae training step).
 * - `Transpose` of what is, after merging adjacent axes, a 2-D swap (`[R, C]` → `[C, R]`): cache-blocked.
 * - `SplitV` (the gradient of `concat`) along any axis: block copies instead of one strided slice per piece.
 * - `Equal` of float32 tensors of equal rank with broadcasting (the gradient of `max`, e.g. PointNet pooling).
 * - `Slice` of float32, int32 and bool tensors: copied from a view of the input, where tfjs-backend-wasm first
 *   copied the whole input out of the wasm heap (`readSync`), however small the slice (the 3D U-Net's depth taps
 *   copied the padded volume three times per convolution).
 * - `Concat` of float32 tensors whose pieces per outer index are short (≤ 1024 values, e.g. the U-Net's skip
 *   connections joined along channels): a plain loop, where tfjs-backend-wasm made a subarray and a `set` call per
 *   piece (65 536 of each for a 32³ volume).
 *
 * Measured on this project's machines (2-core EPYC, Node 20): transposing or column-summing a `[4096, 256]` float32
 * tensor took ≈ 10 ms in the wasm kernels, a broadcast `Equal` of `[16, 512, 128]` with `[16, 1, 128]` ≈ 100 ms; the Identity copies, transposes and reductions together were ≈ 45 % of a
 * reference-size ONet training step. Affects the whole process, wasm backend only; call again is a no-op.
 * Called by `selectBackend('wasm')` and by the trainer; call it yourself when you activate wasm another way.
 */
export function registerFastWasmKernels(): void {
  override('Identity', (orig) => (args) => (shareable(args.inputs.x) ? share(args) : orig(args)));
  override('Cast', (orig) => (args) => (shareable(args.inputs.x) && args.attrs?.dtype === args.inputs.x.dtype ? share(args) : orig(args)));
  override('Sum', (orig) => (args) => reduceLeading(args, false) ?? orig(args));
  override('Mean', (orig) => (args) => reduceLeading(args, true) ?? orig(args));
  override('Max', (orig) => (args) => maxLeading(args) ?? orig(args));
  override('Transpose', (orig) => (args) => transpose2d(args) ?? orig(args));
  override('SplitV', (orig) => (args) => splitV(args) ?? orig(args));
  override('Equal', (orig) => (args) => equalBroadcast(args) ?? orig(args));
  override('Slice', (orig) => (args) => slice(args) ?? orig(args));
  override('Concat', (orig) => (args) => concatShortRows(args) ?? orig(args));
}

function override(name: string, make: (orig: (a: KernelArgs) => unknown) => (a: KernelArgs) => unknown): void {
  const base = tf.getKernel(name, 'wasm');
  if (!base || OURS.has(base)) return; // wasm not registered (not imported yet), or already ours
  const orig = base.kernelFunc as unknown as (a: KernelArgs) => unknown;
  const config: tf.KernelConfig = {
    kernelName: name,
    backendName: 'wasm',
    // keep the original's setup (it binds the wasm function the fallback calls) for a backend not yet initialised
    ...(base.setupFunc ? { setupFunc: base.setupFunc } : {}),
    ...(base.disposeFunc ? { disposeFunc: base.disposeFunc } : {}),
    kernelFunc: residentFirst(make(orig)) as unknown as tf.KernelFunc,
  };
  OURS.add(config);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(config);
}

/**
 * Wrap a kernel so that its inputs are on the wasm heap before it runs. A tensor made on another backend (e.g. a model
 * built before `selectBackend('wasm')`) is moved there on its first lookup, and that move can grow the heap, which
 * detaches every view taken before it; the kernels here take their views right after allocating their outputs, so
 * the move must come first.
 */
function residentFirst(kernel: (a: KernelArgs) => unknown): (a: KernelArgs) => unknown {
  return (args) => {
    for (const t of Object.values(args.inputs)) if (t?.dataId) args.backend.dataIdMap.get(t.dataId);
    return kernel(args);
  };
}

function shareable(x: tf.TensorInfo): boolean {
  return x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool';
}

function share({ inputs: { x }, backend }: KernelArgs): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** Axes normalised to [0, rank) and sorted; null when not a contiguous run ending before the last axis. */
function leadingRun(axis: unknown, shape: number[]): [number, number] | null {
  const rank = shape.length;
  if (axis === null || axis === undefined) return null; // every axis: the last one included
  const list = Array.isArray(axis) ? axis : [axis];
  if (list.length === 0 || list.some((a) => typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank)) return null;
  const axes = [...new Set((list as number[]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last - first + 1 !== axes.length || last === rank - 1) return null;
  return [first, last];
}

/**
 * A float32 reduction over a contiguous run of axes that is not the last (`axis` as the kernel's attribute gives it),
 * viewed as `[outer, rows, inner]` → `[outer, inner]`: its output (shape from `keepDims`) and views of input and
 * output, taken after the output's allocation (which may grow, and so replace, the wasm memory buffer). Null for any
 * other case (the original kernel runs).
 */
function leadingReduction(
  x: tf.TensorInfo,
  backend: WasmBackendLike,
  axis: unknown,
  keepDims: unknown,
): { out: tf.TensorInfo; src: Float32Array; dst: Float32Array; outer: number; rows: number; inner: number } | null {
  if (x.dtype !== 'float32' || x.shape.some((d) => d === 0)) return null;
  const run = leadingRun(axis, x.shape);
  if (!run) return null;
  const [first, last] = run;
  const prod = (a: number[]) => a.reduce((p, d) => p * d, 1);
  const outShape = keepDims ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : [...x.shape.slice(0, first), ...x.shape.slice(last + 1)];
  const out = backend.makeOutput(outShape, 'float32');
  return {
    out,
    src: backend.typedArrayFromHeap(x) as Float32Array,
    dst: backend.typedArrayFromHeap(out) as Float32Array,
    outer: prod(x.shape.slice(0, first)),
    rows: prod(x.shape.slice(first, last + 1)),
    inner: prod(x.shape.slice(last + 1)),
  };
}

function reduceLeading(args: KernelArgs, mean: boolean): tf.TensorInfo | null {
  const r0 = leadingReduction(args.inputs.x, args.backend, args.attrs?.axis, args.attrs?.keepDims);
  if (!r0) return null;
  const { out, src, dst, outer, rows, inner } = r0;
  // four rows per pass over the accumulators: the same float32 additions in the same order (row 0, 1, 2, … for every
  // column) as one row per pass, with a quarter of the accumulator loads and stores (1.5× faster at [8192, 128])
  const fr = Math.fround;
  for (let o = 0; o < outer; o++) {
    const off = o * inner;
    for (let i = 0; i < inner; i++) dst[off + i] = 0;
    let base = o * rows * inner;
    let r = 0;
    for (; r + 4 <= rows; r += 4, base += 4 * inner) {
      const b1 = base + inner;
      const b2 = b1 + inner;
      const b3 = b2 + inner;
      for (let i = 0; i < inner; i++) dst[off + i] = fr(fr(fr(fr(dst[off + i] + src[base + i]) + src[b1 + i]) + src[b2 + i]) + src[b3 + i]);
    }
    for (; r < rows; r++, base += inner) for (let i = 0; i < inner; i++) dst[off + i] += src[base + i];
    if (mean) for (let i = 0; i < inner; i++) dst[off + i] /= rows;
  }
  return out;
}

function maxLeading(args: KernelArgs): tf.TensorInfo | null {
  const r0 = leadingReduction(args.inputs.x, args.backend, args.attrs?.reductionIndices, args.attrs?.keepDims);
  if (!r0) return null;
  const { out, src, dst, outer, rows, inner } = r0;
  for (let o = 0; o < outer; o++) {
    const off = o * inner;
    let base = o * rows * inner;
    for (let i = 0; i < inner; i++) dst[off + i] = src[base + i];
    base += inner;
    for (let r = 1; r < rows; r++, base += inner) {
      for (let i = 0; i < inner; i++) {
        const v = src[base + i];
        if (v > dst[off + i] || v !== v) dst[off + i] = v;
      }
    }
  }
  return out;
}

/** `perm` as a swap of two merged blocks: [R, C] → [C, R] with R = prod(shape[0..k)), C = prod(shape[k..]); else null. */
function asSwap(perm: number[], shape: number[]): { rows: number; cols: number } | null {
  const n = perm.length;
  for (let k = 1; k < n; k++) {
    let ok = true;
    for (let i = 0; i < n; i++) if (perm[i] !== (i < n - k ? k + i : i - (n - k))) ok = false;
    if (ok) {
      const rows = shape.slice(0, k).reduce((p, d) => p * d, 1);
      const cols = shape.slice(k).reduce((p, d) => p * d, 1);
      return { rows, cols };
    }
  }
  return null;
}

const ROW_BLOCK = 64; // rows per block; any of 32–128 measured the same

function transpose2d(args: KernelArgs): tf.TensorInfo | null {
  const { inputs: { x }, backend, attrs } = args;
  const perm = (attrs?.perm as number[] | undefined) ?? [];
  if (x.dtype !== 'float32' || perm.length !== x.shape.length || perm.length < 2) return null;
  const swap = asSwap(perm, x.shape);
  if (!swap || swap.rows < 2 || swap.cols < 2) return null;
  const { rows, cols } = swap;
  const out = backend.makeOutput(perm.map((p) => x.shape[p]), 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  // four output rows (input columns) at a time over a block of input rows: each input row segment is read once per
  // four columns and the writes go to four runs; 2× faster than 8×8 tiles at [8192, 128] (0.7 vs 1.45 ms), whose
  // eight output rows 32 KiB apart collide in the cache
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const d0 = c * rows;
      const d1 = d0 + rows;
      const d2 = d1 + rows;
      const d3 = d2 + rows;
      for (let r = r0, k = r0 * cols + c; r < r1; r++, k += cols) {
        dst[d0 + r] = src[k];
        dst[d1 + r] = src[k + 1];
        dst[d2 + r] = src[k + 2];
        dst[d3 + r] = src[k + 3];
      }
    }
    for (; c < cols; c++) {
      const d = c * rows;
      for (let r = r0; r < r1; r++) dst[d + r] = src[r * cols + c];
    }
  }
  return out;
}

const prod = (a: number[]) => a.reduce((p, d) => p * d, 1);

function splitV(args: KernelArgs): tf.TensorInfo[] | null {
  const { inputs: { x }, backend, attrs } = args;
  if (x.dtype !== 'float32' || x.shape.length === 0) return null;
  const axis = tf.util.parseAxisParam(attrs?.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x, attrs?.numOrSizeSplits as number[] | number, axis);
  const outer = prod(x.shape.slice(0, axis));
  const inner = prod(x.shape.slice(axis + 1));
  const along = x.shape[axis];
  const outs = sizes.map((n) => backend.makeOutput(x.shape.map((d, i) => (i === axis ? n : d)), 'float32'));
  const src = backend.typedArrayFromHeap(x) as Float32Array; // after every allocation (the heap may have grown)
  let start = 0;
  outs.forEach((o, k) => {
    const dst = backend.typedArrayFromHeap(o) as Float32Array;
    const block = sizes[k] * inner;
    for (let i = 0; i < outer; i++) {
      const from = (i * along + start) * inner;
      dst.set(src.subarray(from, from + block), i * block);
    }
    start += sizes[k];
  });
  return outs;
}

function slice(args: KernelArgs): tf.TensorInfo | null {
  const { inputs: { x }, backend, attrs } = args;
  if (!shareable(x)) return null;
  const [begin, size] = tf.slice_util.parseSliceParams(x, attrs?.begin as number[], attrs?.size as number[]);
  const rank = x.shape.length;
  if (rank === 0 || size.some((d) => d === 0)) return null;
  const out = backend.makeOutput(size, x.dtype);
  // views after makeOutput: an allocation may grow (and so replace) the wasm memory buffer
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const from = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(from, from + dst.length));
    return out;
  }
  // rows along the last axis; an odometer over the others
  const run = size[rank - 1];
  const rows = dst.length / run;
  const idx = new Array<number>(rank - 1).fill(0);
  for (let r = 0, o = 0; r < rows; r++, o += run) {
    let from = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) from += (begin[d] + idx[d]) * strides[d];
    if (run >= 16) dst.set(src.subarray(from, from + run), o);
    else for (let j = 0; j < run; j++) dst[o + j] = src[from + j];
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function concatShortRows(args: KernelArgs): tf.TensorInfo | null {
  const { inputs, backend, attrs } = args;
  const list = Object.values(inputs).filter((t) => t.shape.every((d) => d > 0));
  if (list.length < 2 || list.some((t) => t.dtype !== 'float32')) return null;
  const rank = list[0].shape.length;
  const axis = tf.util.parseAxisParam(attrs?.axis as number, list[0].shape)[0];
  if (list.some((t) => t.shape.length !== rank || t.shape.some((d, i) => i !== axis && d !== list[0].shape[i]))) return null;
  const inner = list.map((t) => prod(t.shape.slice(axis)));
  const total = inner.reduce((a, b) => a + b, 0);
  if (total > 1024) return null; // long pieces: the original's block copies are fine
  const outer = prod(list[0].shape.slice(0, axis));
  const out = backend.makeOutput(
    list[0].shape.map((d, i) => (i === axis ? list.reduce((a, t) => a + t.shape[axis], 0) : d)),
    'float32',
  );
  const srcs = list.map((t) => backend.typedArrayFromHeap(t) as Float32Array); // after the allocation
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  for (let k = 0, o = 0; k < srcs.length; k++) {
    const src = srcs[k];
    const n = inner[k];
    for (let b = 0; b < outer; b++) {
      const from = b * n;
      const to = b * total + o;
      for (let j = 0; j < n; j++) dst[to + j] = src[from + j];
    }
    o += n;
  }
  return out;
}

function equalBroadcast(args: KernelArgs): tf.TensorInfo | null {
  const { inputs: { a, b }, backend } = args;
  const rank = a.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || rank === 0 || b.shape.length !== rank) return null;
  if (a.shape.every((d, i) => d === b.shape[i])) return null; // no broadcasting: the wasm kernel is fine
  let shape: number[];
  try {
    shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
  } catch {
    return null; // let the original kernel report the bad shapes
  }
  const strides = (s: number[]) => {
    const st = new Array<number>(rank);
    let acc = 1;
    for (let d = rank - 1; d >= 0; d--) {
      st[d] = s[d] === 1 && shape[d] !== 1 ? 0 : acc;
      acc *= s[d];
    }
    return st;
  };
  const sa = strides(a.shape);
  const sb = strides(b.shape);
  const out = backend.makeOutput(shape, 'bool');
  const A = backend.typedArrayFromHeap(a) as Float32Array;
  const B = backend.typedArrayFromHeap(b) as Float32Array;
  const O = backend.typedArrayFromHeap(out) as Uint8Array;
  const last = shape[rank - 1];
  const la = sa[rank - 1];
  const lb = sb[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  const rows = prod(shape) / Math.max(1, last);
  for (let r = 0, o = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank - 1; d++) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    for (let j = 0; j < last; j++, o++) O[o] = A[ia + j * la] === B[ib + j * lb] ? 1 : 0;
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}
