import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '@onet/sampling';
import { registerFastMatMulGradient, registerFastWasmKernels } from '@onet/nn';
import { type OccupancyNetwork, PipelineError, checkGradientsRegistered } from '@onet/model';
import { latentKL, sampleLatent } from '@onet/encoders';
import type { ShapeSamples } from './trainingData.js';

/** Options of {@link Trainer}. */
export interface TrainOptions {
  /** Shapes per step (reference 64; small here for CPU). */
  batchSize?: number;
  /** Query points per shape per step (reference 2048). */
  pointsPerShape?: number;
  /** Fraction of the query points drawn from the near-surface pool instead of the uniform one (reference 0). */
  nearFraction?: number;
  /** Input cloud size range [lo, hi], drawn per batch (inclusive); default = the model's `inputPoints`. */
  inputPointsRange?: [number, number];
  /** Adam learning rate (reference 1e-4). */
  lr?: number;
  /**
   * Learning-rate schedule over the run's progress (0 → 1, by steps or time): `constant`, or `cosine` = constant
   * until `lrDecayStart`, then a half-cosine down to `lrFinal`·lr at the end.
   */
  lrSchedule?: 'constant' | 'cosine';
  /** Progress fraction where the cosine decay starts (default 0.4). */
  lrDecayStart?: number;
  /** Final learning rate as a fraction of `lr` (default 0.05). */
  lrFinal?: number;
  /** Seed of batch sampling (batch k uses seed + k, so resumed runs see the same batches). */
  seed?: number;
  /** Points per validation shape for IoU. */
  valPoints?: number;
  /** Probability threshold τ for validation IoU (reference 0.2). */
  threshold?: number;
  /**
   * Split each batch (by shapes) into this many micro-batches for the forward and backward passes and sum their
   * gradients, weighted by shapes, before one Adam step (default 1 = the whole batch at once). Bounds the memory
   * of a step, which the wasm backend caps at 4 GiB (beyond it a step aborts with "memory access out of bounds"):
   * the reference-size ONet needs ≈ 0.5 GiB per 2048-point shape, so 64 × 2048 points trains with 16 or more.
   * The gradient equals the whole batch's (to float rounding) for networks without batch statistics; BatchNorm
   * layers (the ONet decoder's CBN) normalise each micro-batch by its own statistics and update their running
   * statistics once per micro-batch ("ghost" batch norm), as in {@link Trainer.trainStepParallel}.
   * Used by {@link Trainer.trainStep}; at most `batchSize`.
   */
  microBatches?: number;
}

/** Defaults of {@link TrainOptions}. */
export const TRAIN_DEFAULTS: Required<Omit<TrainOptions, 'inputPointsRange'>> = {
  batchSize: 8,
  pointsPerShape: 2048,
  nearFraction: 0,
  lr: 1e-4,
  lrSchedule: 'constant',
  lrDecayStart: 0.4,
  lrFinal: 0.05,
  seed: 1,
  valPoints: 20_000,
  threshold: 0.2,
  microBatches: 1,
};

/** One row of the training history. */
export interface HistoryEntry {
  step: number;
  /** Mean training loss (Σ over points, mean over batch) since the previous entry. */
  loss: number;
  /** Validation IoU at τ, when validated at this step. */
  iou?: number;
  /** Seconds since training started (across resumes). */
  seconds: number;
}

/** A training batch as plain arrays. */
export interface Batch {
  inputs: Float32Array;
  queries: Float32Array;
  occupancy: Float32Array;
  batchSize: number;
  inputPoints: number;
  pointsPerShape: number;
  /** Voxel models: the shapes' occupancy grids `[B·R³]` (0/1), the encoder input instead of `inputs`. */
  voxels?: Float32Array;
  /**
   * Image models: one view per shape `[B·S·S·3]` RGB in [0, 1], the encoder input instead of `inputs`; `queries`
   * are then in each image's view frame.
   */
  images?: Float32Array;
  /** Seed of the VAE's reparameterisation noise ε (`vae` models; a shard of a split batch gets its own). */
  seed?: number;
}

/**
 * Draw one batch: shapes uniformly with replacement; per shape `inputPoints` surface samples (with replacement)
 * plus N(0, noiseStd²) noise (REFERENCE §2.2) and `pointsPerShape` labelled query points with replacement
 * (REFERENCE §2.3), a `nearFraction` of them from the near-surface pool.
 */
export function sampleBatch(
  shapes: ShapeSamples[],
  rng: Rng,
  o: { batchSize: number; pointsPerShape: number; nearFraction: number; inputPoints: number; noiseStd: number; padding?: number; view?: number },
): Batch {
  if (shapes[0].views) return sampleImageBatch(shapes, rng, { ...o, padding: o.padding ?? 0.1 });
  const { batchSize: B, pointsPerShape: T } = o;
  const cells = shapes[0].voxels?.length ?? 0; // voxel models: the grids are the input, no cloud is drawn
  const N = cells ? 0 : o.inputPoints;
  const voxels = cells ? new Float32Array(B * cells) : undefined;
  const inputs = new Float32Array(B * N * 3);
  const queries = new Float32Array(B * T * 3);
  const occupancy = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const s = shapes[Math.floor(rng.next() * shapes.length)];
    if (voxels) voxels.set(s.voxels!, b * cells);
    const ns = s.surface.length / 3;
    for (let i = 0; i < N; i++) {
      const k = Math.floor(rng.next() * ns);
      for (let d = 0; d < 3; d++) inputs[(b * N + i) * 3 + d] = s.surface[3 * k + d] + o.noiseStd * rng.normal();
    }
    const nNear = s.nearOcc.length > 0 ? Math.round(T * o.nearFraction) : 0;
    const nu = s.uniformOcc.length;
    const nn = s.nearOcc.length;
    for (let i = 0; i < T; i++) {
      const near = i < nNear;
      const pts = near ? s.near : s.uniform;
      const occ = near ? s.nearOcc : s.uniformOcc;
      const k = Math.floor(rng.next() * (near ? nn : nu));
      for (let d = 0; d < 3; d++) queries[(b * T + i) * 3 + d] = pts[3 * k + d];
      occupancy[b * T + i] = occ[k];
    }
  }
  return { inputs, queries, occupancy, batchSize: B, inputPoints: N, pointsPerShape: T, ...(voxels ? { voxels } : {}) };
}

/** True when `R·pts[k]` lies in the box `[−h, h]³`. */
function inBox(R: Float32Array, pts: Float32Array, k: number, h: number): boolean {
  const x = pts[3 * k];
  const y = pts[3 * k + 1];
  const z = pts[3 * k + 2];
  return Math.abs(R[0] * x + R[1] * y + R[2] * z) <= h && Math.abs(R[3] * x + R[4] * y + R[5] * z) <= h && Math.abs(R[6] * x + R[7] * y + R[8] * z) <= h;
}

/**
 * {@link sampleBatch} for image models (shapes with `views`): per shape one view (`o.view`, else a random one), its
 * image as the input and `pointsPerShape` labelled points in that view's frame (`p_view = R·p`). Uniform points
 * cover the whole view-frame box `[−(1+padding)/2, (1+padding)/2]³`: a point drawn there whose world position lies
 * inside the shape's (axis-aligned) sampling box is replaced by a random labelled uniform point whose rotation lies
 * in the view box; one outside it is empty (label 0) — outside the box there is no surface — so the rotated box's
 * corners are learnt as empty too, and the points stay uniform over the view box. Near-surface points are rotated as
 * they are (image models train on shapes fitted in the radius-½ sphere, `fitInSphere`, so they stay in the box). @internal
 */
function sampleImageBatch(shapes: ShapeSamples[], rng: Rng, o: { batchSize: number; pointsPerShape: number; nearFraction: number; padding: number; view?: number }): Batch {
  const { batchSize: B, pointsPerShape: T } = o;
  const S = shapes[0].views!.size;
  const px = S * S * 3;
  const images = new Float32Array(B * px);
  const queries = new Float32Array(B * T * 3);
  const occupancy = new Float32Array(B * T);
  const h = (1 + o.padding) / 2;
  for (let b = 0; b < B; b++) {
    const s = shapes[Math.floor(rng.next() * shapes.length)];
    const views = s.views!;
    if (views.size !== S) throw new PipelineError('BAD_DATASET', `shape ${s.name} has ${views.size}² renders, the others ${S}²`);
    const nViews = views.rotations.length / 9;
    const v = o.view !== undefined ? o.view % nViews : Math.floor(rng.next() * nViews);
    for (let i = 0; i < px; i++) images[b * px + i] = views.images[v * px + i] / 255;
    const R = views.rotations.subarray(9 * v, 9 * v + 9);
    const nNear = s.nearOcc.length > 0 ? Math.round(T * o.nearFraction) : 0;
    const nu = s.uniformOcc.length;
    const nn = s.nearOcc.length;
    for (let i = 0; i < T; i++) {
      const q = 3 * (b * T + i);
      let pts: Float32Array;
      let k: number;
      if (i < nNear) {
        pts = s.near;
        k = Math.floor(rng.next() * nn);
        occupancy[b * T + i] = s.nearOcc[k];
      } else {
        const ux = h * (2 * rng.next() - 1);
        const uy = h * (2 * rng.next() - 1);
        const uz = h * (2 * rng.next() - 1);
        // world position Rᵀ·u: inside the sampling box → a labelled point instead, outside → empty
        const wx = R[0] * ux + R[3] * uy + R[6] * uz;
        const wy = R[1] * ux + R[4] * uy + R[7] * uz;
        const wz = R[2] * ux + R[5] * uy + R[8] * uz;
        if (Math.abs(wx) > h || Math.abs(wy) > h || Math.abs(wz) > h) {
          queries[q] = ux;
          queries[q + 1] = uy;
          queries[q + 2] = uz;
          occupancy[b * T + i] = 0;
          continue;
        }
        // a labelled point whose rotation lies in the view box (rejection: uniform over the box ∩ rotated box)
        pts = s.uniform;
        k = Math.floor(rng.next() * nu);
        for (let tries = 0; tries < 64 && !inBox(R, pts, k, h); tries++) k = Math.floor(rng.next() * nu);
        occupancy[b * T + i] = s.uniformOcc[k];
      }
      const x = pts[3 * k];
      const y = pts[3 * k + 1];
      const z = pts[3 * k + 2];
      queries[q] = R[0] * x + R[1] * y + R[2] * z;
      queries[q + 1] = R[3] * x + R[4] * y + R[5] * z;
      queries[q + 2] = R[6] * x + R[7] * y + R[8] * z;
    }
  }
  return { inputs: new Float32Array(0), queries, occupancy, batchSize: B, inputPoints: 0, pointsPerShape: T, images };
}

/** Σ over points of BCE-with-logits, mean over the batch (REFERENCE §2.4). `logits`, `occ` `[B, T]`. */
export function occupancyLoss(logits: tf.Tensor, occ: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const l = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, occ)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.div(tf.sum(l), logits.shape[0]) as tf.Scalar;
  });
}

/**
 * The VAE loss of an unconditional model (REFERENCE §2.4, reference `compute_elbo`): q(z | p, o) from the batch's
 * labelled points, z = μ + σ·ε (ε seeded by `seed`), {@link occupancyLoss} of the decoder's logits at the same points
 * (Σ over points, mean over the batch) + `klWeight` · KL(q ‖ N(0, I)) (Σ over latent dimensions, mean over the batch).
 * `p` `[B, T, 3]`, `occ` `[B, T]`; returns the scalar loss (the parts are returned only through `parts` when given).
 */
export function vaeLoss(net: OccupancyNetwork['net'], p: tf.Tensor3D, occ: tf.Tensor2D, klWeight: number, seed?: number, parts?: { rec?: number; kl?: number }): tf.Scalar {
  const enc = net.encoderLatent;
  if (!enc) throw new PipelineError('INVALID_OPTION', 'vaeLoss needs a vae model (no encoder_latent)');
  return tf.tidy(() => {
    const { mean, logstd } = enc.apply(p, occ);
    const z = sampleLatent(mean, logstd, seed);
    const rec = occupancyLoss(net.decode(p, z), occ);
    const kl = latentKL(mean, logstd);
    if (parts) {
      parts.rec = rec.dataSync()[0];
      parts.kl = kl.dataSync()[0];
    }
    return tf.add(rec, tf.mul(kl, klWeight)) as tf.Scalar;
  });
}

/**
 * A batch's loss as a function for `minimize`/`variableGrads` ({@link occupancyLoss} of the network's logits; for a
 * `vae` model {@link vaeLoss}), with the input tensors it reads (`[B, N, 3]` cloud, `[B, T, 3]` queries, `[B, T]`
 * occupancy) for the caller to dispose.
 */
export function batchLoss(net: OccupancyNetwork['net'], b: Batch): { f: () => tf.Scalar; tensors: tf.Tensor[] } {
  if (net.config.kind === 'vae') {
    const p = tf.tensor3d(b.queries, [b.batchSize, b.pointsPerShape, 3]);
    const occ = tf.tensor2d(b.occupancy, [b.batchSize, b.pointsPerShape]);
    return { f: () => vaeLoss(net, p, occ, net.config.klWeight ?? 1, b.seed), tensors: [p, occ] };
  }
  const R = b.voxels ? Math.round(Math.cbrt(b.voxels.length / b.batchSize)) : 0;
  const S = b.images ? Math.round(Math.sqrt(b.images.length / b.batchSize / 3)) : 0;
  const x = b.images
    ? tf.tensor4d(b.images, [b.batchSize, S, S, 3])
    : b.voxels
      ? tf.tensor4d(b.voxels, [b.batchSize, R, R, R])
      : tf.tensor3d(b.inputs, [b.batchSize, b.inputPoints, 3]);
  const p = tf.tensor3d(b.queries, [b.batchSize, b.pointsPerShape, 3]);
  const occ = tf.tensor2d(b.occupancy, [b.batchSize, b.pointsPerShape]);
  return { f: () => occupancyLoss(net.decode(p, net.encode(x)), occ), tensors: [x, p, occ] };
}

/**
 * Loss and gradient of a batch computed in `parts` micro-batches (split by shapes with {@link splitBatch}, each
 * forward and backward pass on its own), summed with weights shapes / batchSize: the whole batch's loss and gradient
 * for a network without batch statistics, with less memory per pass (see `TrainOptions.microBatches` for BatchNorm).
 * The network runs in train mode and is left in eval mode. Returns new tensors keyed by variable name (a variable
 * no micro-batch reaches has no entry); the caller disposes them.
 */
export function batchGradients(net: OccupancyNetwork['net'], vars: tf.Variable[], b: Batch, parts = 1): { loss: number; grads: tf.NamedTensorMap } {
  const sum: tf.NamedTensorMap = {};
  let loss = 0;
  try {
    for (const shard of splitBatch(b, parts)) {
      const w = shard.batchSize / b.batchSize;
      const { f, tensors } = batchLoss(net, shard);
      try {
        net.train();
        const { value, grads } = tf.variableGrads(f, vars);
        loss += value.dataSync()[0] * w;
        for (const [name, g] of Object.entries(grads)) {
          const prev = sum[name];
          sum[name] = tf.tidy(() => (prev ? tf.add(prev, tf.mul(g, w)) : tf.mul(g, w)));
          prev?.dispose();
        }
        tf.dispose([value, ...Object.values(grads)]);
      } finally {
        net.eval();
        tf.dispose(tensors);
      }
    }
  } catch (e) {
    tf.dispose(Object.values(sum));
    throw e;
  }
  return { loss, grads: sum };
}

/** A fixed validation case: input cloud + labelled points. */
export interface ValidationCase {
  name: string;
  input: Float32Array;
  points: Float32Array;
  occupancy: Uint8Array;
}

/** Build fixed validation cases from held-out points of (unseen copies of) training-distribution shapes. */
export function makeValidationCases(shapes: ShapeSamples[], o: { inputPoints: number; noiseStd: number; valPoints: number; seed: number }): ValidationCase[] {
  return shapes.map((s, i) => {
    if (s.views) return imageValidationCase(s, o.valPoints);
    const rng = createRng(o.seed * 7919 + i);
    const batch = sampleBatch([s], rng, { batchSize: 1, pointsPerShape: 1, nearFraction: 0, inputPoints: o.inputPoints, noiseStd: o.noiseStd });
    const n = Math.min(o.valPoints, s.uniformOcc.length);
    return { name: s.name, input: s.voxels ? Float32Array.from(s.voxels) : batch.inputs, points: s.uniform.slice(0, 3 * n), occupancy: s.uniformOcc.slice(0, n) };
  });
}

/** An image model's validation case: view 0 of the shape, its first `valPoints` uniform points rotated into that view. */
function imageValidationCase(s: ShapeSamples, valPoints: number): ValidationCase {
  const { size: S, images, rotations: R } = s.views!;
  const n = Math.min(valPoints, s.uniformOcc.length);
  const points = new Float32Array(3 * n);
  for (let i = 0; i < 3 * n; i += 3) {
    const x = s.uniform[i];
    const y = s.uniform[i + 1];
    const z = s.uniform[i + 2];
    points[i] = R[0] * x + R[1] * y + R[2] * z;
    points[i + 1] = R[3] * x + R[4] * y + R[5] * z;
    points[i + 2] = R[6] * x + R[7] * y + R[8] * z;
  }
  return { name: `${s.name}@view0`, input: Float32Array.from(images.subarray(0, S * S * 3), (v) => v / 255), points, occupancy: s.uniformOcc.slice(0, n) };
}

/** IoU of predicted (logit ≥ logit(τ)) vs true occupancy. Returns 1 when both are empty. */
export function occupancyIoU(logits: Float32Array, occupancy: Uint8Array, threshold = 0.2): number {
  const t = Math.log(threshold / (1 - threshold));
  let inter = 0;
  let union = 0;
  for (let i = 0; i < occupancy.length; i++) {
    const p = logits[i] >= t;
    const g = occupancy[i] >= 0.5;
    if (p && g) inter++;
    if (p || g) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * Threads that compute loss gradients of shards of a batch for {@link Trainer.trainStepParallel} (in Node:
 * `createGradientWorkers` of `@onet/train/node`, one wasm backend per worker thread).
 */
export interface GradientWorkers {
  /** Number of worker threads. */
  readonly size: number;
  /**
   * Loss (Σ over points, mean over the shard's shapes) and its gradient on `shard` for the network with these
   * `weights`: the trainable variables flattened in `trainableVariables()` order; `grads` in the same layout.
   */
  gradients(worker: number, weights: Float32Array, shard: Batch): Promise<{ loss: number; grads: Float32Array }>;
}

/** Trainable variables' values concatenated in order (the layout {@link GradientWorkers} exchange). */
export function flattenVariables(vars: tf.Variable[]): Float32Array {
  let n = 0;
  for (const v of vars) n += v.size;
  const out = new Float32Array(n);
  let off = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, off);
    off += v.size;
  }
  return out;
}

/** Split a batch by shapes into `parts` shards as equal as possible (earlier shards take the remainder); empty shards are dropped. */
export function splitBatch(b: Batch, parts: number): Batch[] {
  const out: Batch[] = [];
  const N = b.inputPoints;
  const T = b.pointsPerShape;
  let start = 0;
  for (let k = 0; k < parts; k++) {
    const n = Math.floor(b.batchSize / parts) + (k < b.batchSize % parts ? 1 : 0);
    if (n === 0) continue;
    out.push({
      inputs: b.inputs.slice(start * N * 3, (start + n) * N * 3),
      queries: b.queries.slice(start * T * 3, (start + n) * T * 3),
      occupancy: b.occupancy.slice(start * T, (start + n) * T),
      ...(b.voxels ? { voxels: b.voxels.slice((start * b.voxels.length) / b.batchSize, ((start + n) * b.voxels.length) / b.batchSize) } : {}),
      ...(b.images ? { images: b.images.slice((start * b.images.length) / b.batchSize, ((start + n) * b.images.length) / b.batchSize) } : {}),
      batchSize: n,
      inputPoints: N,
      pointsPerShape: T,
      ...(b.seed !== undefined ? { seed: b.seed + 7919 * k } : {}),
    });
    start += n;
  }
  return out;
}

/**
 * Adam training of an {@link OccupancyNetwork} on precomputed {@link ShapeSamples} (REFERENCE §2.3–2.5).
 * Deterministic given the seed: batch k is drawn with seed + k. Works on any backend with gradients registered;
 * on wasm it uses the wasm-trainable ops of @onet/nn.
 */
export class Trainer {
  readonly options: Required<Omit<TrainOptions, 'inputPointsRange'>> & { inputPointsRange: [number, number] };
  readonly optimizer: tf.AdamOptimizer;
  step = 0;
  private readonly vars: tf.Variable[];
  constructor(
    readonly model: OccupancyNetwork,
    readonly shapes: ShapeSamples[],
    options: TrainOptions = {},
  ) {
    checkGradientsRegistered('training');
    if (shapes.length === 0) throw new PipelineError('BAD_DATASET', 'no training shapes');
    const o = { ...TRAIN_DEFAULTS, ...options };
    const range = options.inputPointsRange ?? [model.config.inputPoints, model.config.inputPoints];
    this.options = { ...o, inputPointsRange: range };
    for (const [k, v] of Object.entries({ batchSize: o.batchSize, pointsPerShape: o.pointsPerShape })) {
      if (!Number.isInteger(v) || v < 1 || v > 1_000_000) throw new PipelineError('INVALID_OPTION', `${k} must be a positive integer, got ${v}`);
    }
    if (!Number.isInteger(o.microBatches) || o.microBatches < 1 || o.microBatches > o.batchSize) {
      throw new PipelineError('INVALID_OPTION', `microBatches must be an integer in [1, batchSize = ${o.batchSize}], got ${o.microBatches}`);
    }
    if (!(o.lr > 0 && o.lr < 1)) throw new PipelineError('INVALID_OPTION', `lr must be in (0, 1), got ${o.lr}`);
    if (!(range[0] >= 1 && range[1] >= range[0])) throw new PipelineError('INVALID_OPTION', `inputPointsRange must be [lo, hi] with 1 ≤ lo ≤ hi, got ${range}`);
    if (tf.getBackend() === 'wasm') {
      registerFastMatMulGradient();
      registerFastWasmKernels();
    }
    this.optimizer = tf.train.adam(o.lr);
    this.vars = model.net.trainableVariables();
  }

  /** Learning rate at a progress fraction (0 → 1) under the schedule. */
  learningRateAt(progress: number): number {
    const o = this.options;
    if (o.lrSchedule !== 'cosine') return o.lr;
    const p = Math.min(1, Math.max(0, progress));
    if (p <= o.lrDecayStart) return o.lr;
    const t = (p - o.lrDecayStart) / Math.max(1e-9, 1 - o.lrDecayStart);
    return o.lr * (o.lrFinal + (1 - o.lrFinal) * 0.5 * (1 + Math.cos(Math.PI * t)));
  }

  /** Tell the trainer how far the run is (0 → 1); sets Adam's learning rate from the schedule. */
  setProgress(progress: number): void {
    (this.optimizer as unknown as { learningRate: number }).learningRate = this.learningRateAt(progress);
  }

  /** Current Adam learning rate. */
  get learningRate(): number {
    return (this.optimizer as unknown as { learningRate: number }).learningRate;
  }

  /** The batch of the current step (seeded by `seed` and the step number, so resumed runs see the same batches). */
  private stepBatch(): Batch {
    const o = this.options;
    const rng = createRng(o.seed * 1_000_003 + this.step);
    const [lo, hi] = o.inputPointsRange;
    const vae = this.model.config.kind === 'vae';
    // a vae reads no input cloud: draw none
    const inputPoints = vae ? 0 : lo + Math.floor(rng.next() * (hi - lo + 1));
    const b = sampleBatch(this.shapes, rng, { batchSize: o.batchSize, pointsPerShape: o.pointsPerShape, nearFraction: o.nearFraction, inputPoints, noiseStd: this.model.config.noiseStd, padding: this.model.config.padding });
    return vae ? { ...b, seed: o.seed * 1_000_003 + this.step } : b;
  }

  private finishStep(value: number): number {
    this.step++;
    if (!Number.isFinite(value)) throw new PipelineError('BAD_NETWORK_OUTPUT', `training loss became ${value} at step ${this.step}; lower the learning rate`);
    return value;
  }

  /** Run one optimisation step (in `microBatches` passes); returns the batch loss. */
  trainStep(): number {
    const b = this.stepBatch();
    if (this.options.microBatches > 1) return this.finishStep(this.accumulatedStep(b));
    const net = this.model.net;
    net.train();
    const { f, tensors } = batchLoss(net, b);
    const loss = this.optimizer.minimize(f, true, this.vars)!;
    const value = loss.dataSync()[0];
    tf.dispose([...tensors, loss]);
    net.eval();
    return this.finishStep(value);
  }

  /** The gradient of `b` summed over its micro-batches (weighted by shapes), one Adam step; returns the loss. */
  private accumulatedStep(b: Batch): number {
    const { loss, grads } = batchGradients(this.model.net, this.vars, b, this.options.microBatches);
    try {
      this.optimizer.applyGradients(grads as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    } finally {
      tf.dispose(Object.values(grads));
    }
    return loss;
  }

  /**
   * One optimisation step with the batch split between this thread and `workers` (data parallelism): each
   * computes the loss gradient on its shard with the current weights; the gradients, weighted by shard size, are
   * summed and Adam applies them here. Same batch and, up to float rounding, the same update as
   * {@link trainStep} — except for BatchNorm layers (global ONet decoder), whose batch statistics are then per
   * shard, and whose running statistics are updated from this thread's shard alone. A variable without a gradient
   * gets a zero one. Returns the batch loss.
   */
  async trainStepParallel(workers: GradientWorkers): Promise<number> {
    const b = this.stepBatch();
    const shards = splitBatch(b, workers.size + 1);
    const weights = flattenVariables(this.vars);
    const remote = shards.slice(1).map((s, k) => workers.gradients(k, weights, s));
    // settle every request before leaving, also when the local half throws (no unhandled rejections)
    const settled = Promise.allSettled(remote);
    const net = this.model.net;
    const own = shards[0];
    const { f, tensors } = batchLoss(net, own);
    let local: { value: tf.Scalar; grads: tf.NamedTensorMap };
    try {
      net.train();
      local = tf.variableGrads(f, this.vars);
    } catch (e) {
      tf.dispose(tensors);
      await settled;
      throw e;
    } finally {
      net.eval();
    }
    const { value, grads } = local;
    const results = await settled;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      tf.dispose([...tensors, value, ...Object.values(grads)]);
      throw failed.reason;
    }
    const others = results.map((r) => (r as PromiseFulfilledResult<{ loss: number; grads: Float32Array }>).value);
    let loss = (value.dataSync()[0] * own.batchSize) / b.batchSize;
    others.forEach((r, k) => (loss += (r.loss * shards[k + 1].batchSize) / b.batchSize));
    const named: tf.NamedTensorMap = {};
    let off = 0;
    for (const v of this.vars) {
      const g = grads[v.name];
      named[v.name] = tf.tidy(() => {
        let sum = g ? tf.mul(g, own.batchSize / b.batchSize) : tf.zerosLike(v);
        others.forEach((r, k) => {
          sum = tf.add(sum, tf.mul(tf.tensor(r.grads.subarray(off, off + v.size), v.shape), shards[k + 1].batchSize / b.batchSize));
        });
        return sum;
      });
      off += v.size;
    }
    this.optimizer.applyGradients(named as unknown as Parameters<tf.AdamOptimizer["applyGradients"]>[0]);
    tf.dispose([...tensors, value, ...Object.values(grads), ...Object.values(named)]);
    return this.finishStep(loss);
  }

  /**
   * Mean validation IoU at τ over the cases (eval mode). A `vae` model is scored on reconstruction: each case is encoded
   * by the posterior mean of q(z | p, o) from its first `inputPoints` labelled points, then decoded at all of them.
   */
  async validate(cases: ValidationCase[]): Promise<{ iou: number; perShape: number[] }> {
    const perShape: number[] = [];
    const vae = this.model.config.kind === 'vae';
    for (const c of cases) {
      const k = Math.min(this.model.config.inputPoints, c.occupancy.length);
      const shape = vae ? this.model.decodeLatent(this.model.encodeLatent(c.points.subarray(0, 3 * k), c.occupancy.subarray(0, k))) : this.model.condition(c.input);
      try {
        const l = await shape.logits(c.points);
        perShape.push(occupancyIoU(l, c.occupancy, this.options.threshold));
      } finally {
        shape.dispose();
      }
    }
    return { iou: perShape.reduce((a, b) => a + b, 0) / Math.max(1, perShape.length), perShape };
  }

  /** Adam state (moments + iteration) as named arrays, for resumable checkpoints. */
  async optimizerState(): Promise<Map<string, { data: Float32Array; shape: number[] }>> {
    const out = new Map<string, { data: Float32Array; shape: number[] }>();
    for (const w of await this.optimizer.getWeights()) {
      out.set(w.name, { data: Float32Array.from(w.tensor.dataSync() as Float32Array), shape: w.tensor.shape });
      // the moments are the optimizer's own variables; the iteration count comes as a fresh scalar we must free
      if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
    }
    return out;
  }

  /** Restore Adam state saved by {@link optimizerState} (variable names must match this process's). */
  async setOptimizerState(state: Map<string, { data: Float32Array; shape: number[] }>): Promise<void> {
    const ws = [...state.entries()].map(([name, a]) => ({ name, tensor: tf.tensor(a.data, a.shape) }));
    await this.optimizer.setWeights(ws);
    // Adam's setWeights wraps each tensor in a new variable that shares its data (ref-counted): release ours.
    tf.dispose(ws.map((w) => w.tensor));
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/**
 * Training curve as a self-contained SVG: training loss (per entry, log scale) and validation IoU vs step.
 */
export function curveSvg(history: HistoryEntry[], title = 'training curve'): string {
  const W = 720;
  const H = 360;
  const m = { l: 60, r: 60, t: 30, b: 40 };
  const steps = history.map((h) => h.step);
  const maxStep = Math.max(1, ...steps);
  const losses = history.map((h) => h.loss).filter((v) => v > 0 && Number.isFinite(v));
  const lmin = Math.log10(Math.max(1e-3, Math.min(...losses, 1)));
  const lmax = Math.log10(Math.max(...losses, 10));
  const x = (s: number) => m.l + ((W - m.l - m.r) * s) / maxStep;
  const yl = (v: number) => m.t + (H - m.t - m.b) * (1 - (Math.log10(v) - lmin) / Math.max(1e-9, lmax - lmin));
  const yi = (v: number) => m.t + (H - m.t - m.b) * (1 - v);
  const lossPath = history
    .filter((h) => h.loss > 0 && Number.isFinite(h.loss))
    .map((h, i) => `${i ? 'L' : 'M'}${x(h.step).toFixed(1)},${yl(h.loss).toFixed(1)}`)
    .join('');
  const val = history.filter((h) => h.iou !== undefined);
  const iouPath = val.map((h, i) => `${i ? 'L' : 'M'}${x(h.step).toFixed(1)},${yi(h.iou!).toFixed(1)}`).join('');
  const best = val.reduce((a, h) => Math.max(a, h.iou!), 0);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((v) => `<text x="${W - m.r + 6}" y="${yi(v) + 4}" font-size="11">${v}</text><line x1="${m.l}" x2="${W - m.r}" y1="${yi(v)}" y2="${yi(v)}" stroke="#eee"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>${ticks}
<text x="${m.l}" y="18" font-size="13">${title} — best val IoU ${best.toFixed(3)} (τ=0.2), ${maxStep} steps</text>
<path d="${lossPath}" fill="none" stroke="#1f77b4" stroke-width="1.2"/>
<path d="${iouPath}" fill="none" stroke="#d62728" stroke-width="2"/>
<text x="${m.l}" y="${H - 10}" font-size="11">step 0</text><text x="${W - m.r - 60}" y="${H - 10}" font-size="11">step ${maxStep}</text>
<text x="8" y="${yl(10 ** lmax) + 10}" font-size="11" fill="#1f77b4">loss ${(10 ** lmax).toFixed(0)}</text>
<text x="8" y="${yl(10 ** lmin)}" font-size="11" fill="#1f77b4">${(10 ** lmin).toFixed(1)} (log)</text>
<text x="${W - m.r + 6}" y="${m.t - 8}" font-size="11" fill="#d62728">val IoU</text>
</svg>
`;
}
