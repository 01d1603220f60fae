import * as tf from '@tensorflow/tfjs-core';
import { Module, encodeWeights, seedInit, withoutRandomInit, type ImagePlaneCamera, type ModelJson, type PlaneName } from '@onet/nn';
import { LocalPoolPointnet, ResnetPointnet, LatentEncoder, type LocalFeatures } from '@onet/encoders';
import { buildVoxelNet, checkVoxelConfig, checkVoxelInput, isVoxelModel, type VoxelEncoderModule } from './voxelModel.js';
import { buildImageNet, checkImageConfig, checkImageInput, isImageModel, DEFAULT_IMAGE_SIZE, type ImageEncoderModule } from './imageModel.js';
import { LocalDecoder } from '@onet/decoder-local';
import { DecoderCBatchNorm, Decoder } from '@onet/decoder-cbn';
import { createRng } from '@onet/sampling';
import { PipelineError } from './errors.js';
import { checkGenerationSettings } from './generationSettings.js';
import type { InputSizeThreshold } from './threshold.js';
import type { OptimizableShape, TestTimeOptimizationOptions } from './testTimeOptimization.js';

/** A Gaussian over z: z = mean + scale·ε, ε ~ N(0, I) (see {@link ModelConfig.latentPrior}). */
export interface LatentPrior {
  /** `[zDim]`. */
  mean: number[];
  /** `[zDim][zDim]`, lower triangular (a Cholesky factor of the covariance); entries above the diagonal are ignored. */
  scale: number[][];
}

/**
 * Architecture and input settings of an {@link OccupancyNetwork}; stored in `model.json` as `modelConfig`.
 * `conv-onet`: Convolutional Occupancy Network (Peng et al. 2020) with feature planes and/or a feature grid;
 * `onet`: the paper's global-code network (ResNet-PointNet + CBN decoder, Mescheder et al. 2019 §4);
 * `vae`: the paper's unconditional generative model (§4.4): latent encoder q(z | p, o) (`encoder_latent`) + the
 * 'simple' decoder conditioned on z, trained as a VAE; shapes come from z ~ N(0, I) (no point-cloud encoder).
 */
export interface ModelConfig {
  /** Which network. */
  kind: 'conv-onet' | 'onet' | 'vae';
  /**
   * Encoder input: `points` (default; a point cloud) or `voxels` (an occupancy grid `voxelResolution³`, voxel
   * super-resolution, ONet §4.3): `onet` = the paper's 3D CNN + CBN decoder, `conv-onet` = Conv3d → feature grid →
   * 3D U-Net → local decoder (CON's voxel configs). See `voxelModel.ts`. Or `image` (single-view reconstruction,
   * ONet §4.2): an RGB image `imageSize²`; `onet`: code from `imageEncoder`, CBN decoder; `conv-onet`: pixel-aligned
   * features (PIFu-style U-Net map sampled at each point's projection) and the local decoder; the model predicts
   * in the viewer-centred frame of `@onet/render` (`toViewFrame`). See `imageModel.ts`. Not for `vae`.
   */
  input?: 'points' | 'voxels' | 'image';
  /** voxels: side of the input grid (reference 32; the `onet` voxel encoder needs 32). */
  voxelResolution?: number;
  /** image: side of the square input image in pixels (default 64; the reference's ResNet-18 takes 224). */
  imageSize?: number;
  /**
   * image: the camera the model's views are taken with (default `DEFAULT_IMAGE_CAMERA`, 30° at distance 2.2; `onet
   * train` renders with it). A `conv-onet` image model projects query points through it; photos work best when
   * taken the same way (object centred, filling about 80 % of the frame).
   */
  imageCamera?: ImagePlaneCamera;
  /** image, `conv-onet`: the pixel-aligned feature map is `imageSize / imageFeatureDownsample` cells wide (1, 2 or 4; default 2). */
  imageFeatureDownsample?: 1 | 2 | 4;
  /** image: `simple-conv` (default; the reference's 5-layer CNN, `ConvEncoder`) or `resnet18` (the paper's). */
  imageEncoder?: 'simple-conv' | 'resnet18';
  /** image, `simple-conv`: channels of its stride-2 convolutions (default 32, 64, 128, 256, 512). */
  imageEncoderWidths?: number[];
  /**
   * Input point-cloud size the model was trained with (reference: 300 for ONet; 3000 for CON). `vae`: labelled points
   * fed to q(z | p, o) when a shape is encoded (`encodeLatent` callers; reference 2048).
   */
  inputPoints: number;
  /** Std of the Gaussian noise added to input points, unit-cube units (reference 0.005). */
  noiseStd: number;
  /** Padding of the unit cube: queries and planes span [−(1+padding)/2, (1+padding)/2] (reference 0.1). */
  padding: number;
  /** Feature / code size c_dim (conv-onet 32, onet 512 in the references; `vae`: 0, unconditional). */
  cDim: number;
  /** Encoder hidden width (conv-onet 32, onet 512; `vae`: unused, the latent encoder is 128 wide). */
  encoderHidden: number;
  /** `vae`: latent size z_dim (reference unconditional configs: 128). */
  zDim?: number;
  /** `vae`: weight of KL(q(z | p, o) ‖ N(0, I)) in the training loss (reference 1). Training only. */
  klWeight?: number;
  /**
   * `vae`: the decoder, by the reference's names: `simple` (default; the reference's unconditional configs: z added
   * once, at the input) or `cbatchnorm` (the conditional models' decoder, z in place of c: every block's conditional
   * batch norm is modulated by z). `fourierFeatures` needs `simple`. Other kinds: `BAD_MODEL`.
   */
  decoder?: 'simple' | 'cbatchnorm';
  /**
   * `vae`: octaves L of Fourier features of the query point fed to the 'simple' decoder (`[p, sin(2ᵏπp), cos(2ᵏπp)]`,
   * k < L; Tancik et al. 2020). 0 or absent: p itself (the reference). Lets the decoder draw thin parts (slats,
   * posts) that a plain MLP of p blurs away. Other kinds: `BAD_MODEL`.
   */
  fourierFeatures?: number;
  /**
   * `vae`: an ex-post Gaussian over the latent space (Ghosh et al. 2020, "From variational to deterministic
   * autoencoders"): `mean` `[zDim]` and the lower-triangular factor `scale` `[zDim][zDim]` of the covariance of the
   * posterior means of training shapes. When present, {@link OccupancyNetwork.sampleLatent} draws
   * z = mean + scale·ε with ε ~ N(0, I) instead of z ~ N(0, I): a VAE trained briefly or with a small KL weight leaves its
   * codes far from the prior's bulk, and prior samples then decode to nothing. Absent: the prior N(0, I) (the paper's).
   * Written by `packages/models/scripts/fit-latent-prior.ts`.
   */
  latentPrior?: LatentPrior;
  /** Decoder hidden width (conv-onet 32, onet 256). */
  decoderHidden: number;
  /** conv-onet: side of each feature plane in cells (reference 64). */
  planeResolution?: number;
  /** conv-onet: feature planes (reference all three; `[]` for a grid-only model). */
  planes?: PlaneName[];
  /** conv-onet: U-Net levels, 0 = no U-Net (reference 4). */
  unetDepth?: number;
  /** conv-onet: U-Net feature maps at the first level (reference 32). */
  unetFilters?: number;
  /** conv-onet: side of the 3D feature grid, 0 or absent = no grid (reference grid configs: 32). */
  gridResolution?: number;
  /** conv-onet: 3D U-Net levels on the grid, 0 = none (reference 3). */
  unet3dLevels?: number;
  /** conv-onet: 3D U-Net feature maps at the first level (reference 32). */
  unet3dFilters?: number;
  /**
   * Generation threshold τ (a probability in (0, 1)) chosen for this model on its validation shapes; `reconstruct`,
   * the CLI and the demo use it unless given one. Absent: the reference's 0.2 (ONet paper §4, chosen the same way).
   */
  threshold?: number;
  /**
   * τ by encoder input size, chosen on validation shapes like `threshold` (entries in strictly increasing
   * `inputPoints`); when present, `reconstruct`, the CLI and the demo interpolate it at the input's size
   * (`thresholdForInput`) and `threshold` only serves callers that do not know the size. Not in the reference.
   */
  thresholdByInputPoints?: InputSizeThreshold[];
  /**
   * Fill enclosed cavities at generation (see `GenerateMeshOptions.fillCavities`), chosen for this model on its
   * validation shapes; `reconstruct`, the CLI and the demo use it unless told otherwise. Absent: off.
   */
  fillCavities?: boolean;
  /**
   * Test-time optimisation of the encoding (`ReconstructOptions.testTimeOptimization`: `true`/`{}` = its defaults, or
   * options), chosen on validation shapes; `reconstruct`, the CLI and the demo run it unless told otherwise. Absent: off.
   * Point-cloud models only: `BAD_MODEL` on `vae`, voxel and image configs (their reconstructions have no such step).
   */
  testTimeOptimization?: boolean | TestTimeOptimizationOptions;
}

/** Reference-sized conv-onet (CON configs/pointcloud/shapenet_3plane.yaml). */
export const CONV_ONET_REFERENCE_CONFIG: ModelConfig = {
  kind: 'conv-onet',
  inputPoints: 3000,
  noiseStd: 0.005,
  padding: 0.1,
  cDim: 32,
  encoderHidden: 32,
  decoderHidden: 32,
  planeResolution: 64,
  planes: ['xz', 'xy', 'yz'],
  unetDepth: 4,
  unetFilters: 32,
};

/** Reference-sized point-cloud ONet (ON configs/pointcloud/onet.yaml). */
export const ONET_REFERENCE_CONFIG: ModelConfig = {
  kind: 'onet',
  inputPoints: 300,
  noiseStd: 0.005,
  padding: 0.1,
  cDim: 512,
  encoderHidden: 512,
  decoderHidden: 256,
};

/** Small unconditional VAE (the reference's unconditional/onet_*.yaml layout with a smaller latent). */
export const VAE_REFERENCE_CONFIG: ModelConfig = {
  kind: 'vae',
  inputPoints: 2048,
  noiseStd: 0,
  padding: 0.1,
  cDim: 0,
  encoderHidden: 128,
  decoderHidden: 128,
  zDim: 128,
  klWeight: 1,
};

/** Points per network call when evaluating logits (reference: 100k; smaller keeps the wasm heap safe). */
const CHUNK = 50_000;

/** A shape's encoding, ready to answer occupancy queries. */
export interface ConditionedShape {
  /** Occupancy logits (not probabilities) at `points [N·3]` (unit-cube frame) → `[N]`. Evaluated in chunks. */
  logits(points: Float32Array): Promise<Float32Array>;
  /** Free the encoding's tensors. */
  dispose(): void;
}

type Encoding = tf.Tensor | LocalFeatures;

function disposeEncoding(e: Encoding): void {
  if (e instanceof tf.Tensor) e.dispose();
  else for (const t of Object.values(e)) t?.dispose();
}

/**
 * encoder + decoder under the references' top-level key names (`encoder.*`, `decoder.*`; `vae`: `encoder_latent.*`,
 * `decoder.*`, and no `encoder`).
 */
class Net extends Module {
  readonly encoder?: LocalPoolPointnet | ResnetPointnet | VoxelEncoderModule | ImageEncoderModule;
  readonly decoder: LocalDecoder | DecoderCBatchNorm | Decoder;
  /** `vae` only: q(z | p, o). */
  readonly encoderLatent?: LatentEncoder;
  constructor(readonly config: ModelConfig) {
    super();
    if (config.kind === 'vae') {
      const zDim = config.zDim ?? 128;
      this.encoderLatent = this.module('encoder_latent', new LatentEncoder({ zDim, cDim: 0 }));
      this.decoder = this.module(
        'decoder',
        config.decoder === 'cbatchnorm'
          ? new DecoderCBatchNorm({ cDim: zDim, hidden: config.decoderHidden })
          : new Decoder({ zDim, cDim: 0, hidden: config.decoderHidden, fourierFeatures: config.fourierFeatures ?? 0 }),
      );
    } else if (isImageModel(config)) {
      const { encoder, decoder } = buildImageNet(config);
      this.encoder = this.module('encoder', encoder);
      this.decoder = this.module('decoder', decoder);
    } else if (isVoxelModel(config)) {
      const { encoder, decoder } = buildVoxelNet(config);
      this.encoder = this.module('encoder', encoder);
      this.decoder = this.module('decoder', decoder);
    } else if (config.kind === 'conv-onet') {
      const depth = config.unetDepth ?? 4;
      const levels3d = config.unet3dLevels ?? 3;
      this.encoder = this.module(
        'encoder',
        new LocalPoolPointnet({
          cDim: config.cDim,
          hidden: config.encoderHidden,
          planeResolution: config.planeResolution ?? 64,
          planes: config.planes ?? ['xz', 'xy', 'yz'],
          padding: config.padding,
          unet: depth > 0 ? { depth, startFilters: config.unetFilters ?? 32 } : false,
          gridResolution: config.gridResolution ?? 0,
          unet3d: levels3d > 0 ? { levels: levels3d, startFilters: config.unet3dFilters ?? 32 } : false,
        }),
      );
      this.decoder = this.module('decoder', new LocalDecoder({ cDim: config.cDim, hidden: config.decoderHidden, padding: config.padding }));
    } else {
      this.encoder = this.module('encoder', new ResnetPointnet({ cDim: config.cDim, hidden: config.encoderHidden }));
      this.decoder = this.module('decoder', new DecoderCBatchNorm({ cDim: config.cDim, hidden: config.decoderHidden }));
    }
  }

  /**
   * `points [B, N, 3]` (a voxel model: `voxels [B, R, R, R]`; an image model: `images [B, S, S, 3]` RGB in [0, 1])
   * → encoding (planes, grid or code). Not for `vae`.
   */
  encode(points: tf.Tensor): Encoding {
    if (!this.encoder) throw new PipelineError('INVALID_OPTION', 'an unconditional (vae) model has no point-cloud encoder');
    if (this.encoder instanceof LocalPoolPointnet) return this.encoder.apply(points as tf.Tensor3D);
    return this.encoder.apply(points as tf.Tensor3D);
  }

  /** `p [B, T, 3]` + encoding (`vae`: z `[B, zDim]`) → logits `[B, T]`. */
  decode(p: tf.Tensor3D, e: Encoding): tf.Tensor2D {
    if (this.decoder instanceof Decoder) return this.decoder.apply(p, e as tf.Tensor2D, null);
    if (this.decoder instanceof LocalDecoder) return this.decoder.apply(p, e as LocalFeatures);
    return (this.decoder as DecoderCBatchNorm).apply(p, null, e as tf.Tensor2D) as tf.Tensor2D;
  }
}

function checkLatentPrior(prior: LatentPrior, zDim: number): void {
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const { mean, scale } = prior ?? ({} as LatentPrior);
  if (!Array.isArray(mean) || mean.length !== zDim || !mean.every(finite)) {
    throw new PipelineError('BAD_MODEL', `model config latentPrior.mean must hold zDim = ${zDim} finite numbers`);
  }
  if (!Array.isArray(scale) || scale.length !== zDim || !scale.every((row) => Array.isArray(row) && row.length === zDim && row.every(finite))) {
    throw new PipelineError('BAD_MODEL', `model config latentPrior.scale must be a ${zDim}×${zDim} matrix of finite numbers`);
  }
}

/** Whether a model (or an ensemble member) encodes point clouds: not a `vae`, not a voxel or an image model. */
export function isPointCloudModel(config: Pick<ModelConfig, 'kind' | 'input'>): boolean {
  return config.kind !== 'vae' && !isVoxelModel(config) && !isImageModel(config);
}

/** `vae`, `voxel` or `image`: the kind of a model without a point-cloud encoder, for messages. */
function describeKind(cfg: ModelConfig): string {
  return cfg.kind === 'vae' ? 'vae' : isVoxelModel(cfg) ? 'voxel' : 'image';
}

function checkConfig(c: unknown): ModelConfig {
  const cfg = c as ModelConfig;
  if (!cfg || (cfg.kind !== 'conv-onet' && cfg.kind !== 'onet' && cfg.kind !== 'vae')) {
    throw new PipelineError('BAD_MODEL', `model config kind must be "conv-onet", "onet" or "vae", got ${JSON.stringify(cfg?.kind)}`);
  }
  if (cfg.kind === 'vae') {
    const z = cfg.zDim ?? 128;
    if (!Number.isInteger(z) || z < 1 || z > 65_536) throw new PipelineError('BAD_MODEL', `model config zDim must be a positive integer, got ${cfg.zDim}`);
    const w = cfg.klWeight ?? 1;
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) throw new PipelineError('BAD_MODEL', `model config klWeight must be a finite number ≥ 0, got ${cfg.klWeight}`);
    if (cfg.cDim !== 0) throw new PipelineError('BAD_MODEL', `a vae model is unconditional: cDim must be 0, got ${cfg.cDim}`);
    if (cfg.latentPrior !== undefined) checkLatentPrior(cfg.latentPrior, z);
    if (cfg.decoder !== undefined && cfg.decoder !== 'simple' && cfg.decoder !== 'cbatchnorm') {
      throw new PipelineError('BAD_MODEL', `model config decoder must be "simple" or "cbatchnorm", got ${JSON.stringify(cfg.decoder)}`);
    }
    if (cfg.decoder === 'cbatchnorm' && (cfg.fourierFeatures ?? 0) > 0) throw new PipelineError('BAD_MODEL', 'fourierFeatures needs the simple decoder');
    const f = cfg.fourierFeatures ?? 0;
    if (!Number.isInteger(f) || f < 0 || f > 20) throw new PipelineError('BAD_MODEL', `model config fourierFeatures must be an integer in [0, 20], got ${cfg.fourierFeatures}`);
  }
  if (cfg.kind !== 'vae') {
    for (const k of ['decoder', 'fourierFeatures'] as const) {
      if (cfg[k] !== undefined) throw new PipelineError('BAD_MODEL', `model config ${k} is a vae setting; a ${cfg.kind} model has none (got ${JSON.stringify(cfg[k])})`);
    }
  }
  if (cfg.testTimeOptimization !== undefined && !isPointCloudModel(cfg)) {
    throw new PipelineError('BAD_MODEL', `model config testTimeOptimization is a point-cloud model setting; a ${describeKind(cfg)} model has none`);
  }
  for (const k of cfg.kind === 'vae' ? (['inputPoints', 'decoderHidden'] as const) : (['inputPoints', 'cDim', 'encoderHidden', 'decoderHidden'] as const)) {
    const v = cfg[k];
    if (!Number.isInteger(v) || v < 1 || v > 1_000_000) throw new PipelineError('BAD_MODEL', `model config ${k} must be a positive integer, got ${v}`);
  }
  checkGenerationSettings(cfg, 'model config');
  checkVoxelConfig(cfg);
  checkImageConfig(cfg);
  for (const k of ['noiseStd', 'padding'] as const) {
    const v = cfg[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new PipelineError('BAD_MODEL', `model config ${k} must be in [0, 1], got ${v}`);
  }
  if (cfg.kind === 'conv-onet' && isPointCloudModel(cfg)) {
    const r = cfg.planeResolution ?? 64;
    const d = cfg.unetDepth ?? 4;
    if (!Number.isInteger(r) || r < 2 || r > 1024) throw new PipelineError('BAD_MODEL', `planeResolution must be an integer in [2, 1024], got ${r}`);
    const planes = cfg.planes ?? ['xz', 'xy', 'yz'];
    if (planes.length > 0 && (!Number.isInteger(d) || d < 0 || d > 8 || (d > 0 && r % 2 ** (d - 1) !== 0))) {
      throw new PipelineError('BAD_MODEL', `unetDepth ${d} needs planeResolution divisible by 2^(depth−1); got resolution ${r}`);
    }
    for (const k of ['unetFilters', 'unet3dFilters'] as const) {
      const v = cfg[k];
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 4096)) throw new PipelineError('BAD_MODEL', `model config ${k} must be a positive integer, got ${v}`);
    }
    const g = cfg.gridResolution ?? 0;
    const l = cfg.unet3dLevels ?? 3;
    if (!Number.isInteger(g) || g < 0 || g > 256) throw new PipelineError('BAD_MODEL', `gridResolution must be an integer in [0, 256], got ${g}`);
    if (g > 0 && (!Number.isInteger(l) || l < 0 || l > 6 || (l > 0 && g % 2 ** (l - 1) !== 0))) {
      throw new PipelineError('BAD_MODEL', `unet3dLevels ${l} needs gridResolution divisible by 2^(levels−1); got resolution ${g}`);
    }
    if (planes.length === 0 && g === 0) throw new PipelineError('BAD_MODEL', 'a conv-onet needs at least one feature plane or a gridResolution > 0');
  }
  return cfg;
}

function checkCloud(points: Float32Array, what: string): number {
  if (!(points instanceof Float32Array)) throw new PipelineError('INVALID_OPTION', `${what} must be a Float32Array [N·3]`);
  if (points.length === 0) throw new PipelineError('EMPTY_INPUT', `${what} has no points`);
  if (points.length % 3 !== 0) throw new PipelineError('INVALID_OPTION', `${what} length ${points.length} is not a multiple of 3`);
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) throw new PipelineError('NON_FINITE_INPUT', `${what} contains NaN or ±Infinity at index ${i}`);
  }
  return points.length / 3;
}

/**
 * Occupancy Network = encoder + decoder (Mescheder et al. 2019 §3; local variant: Peng et al. 2020). Weights are
 * stored under the references' `state_dict` names (`encoder.*`, `decoder.*`). Inference is always in eval mode.
 */
export class OccupancyNetwork {
  /** The tfjs modules (for training). */
  readonly net: Net;
  private constructor(readonly config: ModelConfig) {
    this.net = new Net(config);
    this.net.eval();
  }

  /** Build a freshly initialised network; `seed` makes the init deterministic. */
  static fromConfig(config: ModelConfig, seed = 1): OccupancyNetwork {
    const cfg = checkConfig(config);
    seedInit(seed);
    return new OccupancyNetwork({ ...cfg });
  }

  /**
   * Rebuild a network from `model.json` (config in `modelJson.modelConfig`) and decoded weights.
   * @throws PipelineError `BAD_MODEL` when the config is invalid or the weights do not match it.
   */
  static fromWeights(modelJson: ModelJson, weights: Map<string, { data: Float32Array; shape: number[] }>): OccupancyNetwork {
    const cfg = checkConfig(modelJson?.modelConfig);
    // every parameter is loaded next (strict: a missing one throws), so skip drawing the random initial values
    const m = withoutRandomInit(() => new OccupancyNetwork({ ...cfg }));
    try {
      m.net.loadStateDict(weights);
    } catch (e) {
      m.dispose();
      throw new PipelineError('BAD_MODEL', `weights do not match the ${cfg.kind} model config: ${(e as Error).message}`, { cause: e });
    }
    return m;
  }

  /**
   * Encode a point cloud `[N·3]` (unit-cube frame, as produced by `normalizeMesh` + sampling) in eval mode. A
   * voxel model (`config.input === 'voxels'`) takes its occupancy grid instead: `[R³]` 0/1 values, cell (i, j, k) at
   * `(i·R + j)·R + k` (i along x), cells tiling [−½, ½]³ (`voxelizeMesh`'s layout). An image model
   * (`config.input === 'image'`) takes an RGB image `[S·S·3]` (S = `imageSize`, row-major from the top-left pixel,
   * Float32 in [0, 1] or bytes); its shape is then in the image's viewer-centred frame (`@onet/render`'s view frame).
   * @throws PipelineError `EMPTY_INPUT`, `NON_FINITE_INPUT`, `INVALID_OPTION` for bad clouds; `BAD_VOXEL_GRID`,
   *   `EMPTY_INPUT` for bad grids; `BAD_IMAGE` for images of the wrong size or values.
   */
  condition(pointCloud: Float32Array | Uint8Array): ConditionedShape {
    if (this.config.kind === 'vae') {
      throw new PipelineError('INVALID_OPTION', 'an unconditional (vae) model takes no point cloud: use sampleLatent + decodeLatent (onet sample), or encodeLatent (onet interpolate)');
    }
    if (isImageModel(this.config)) {
      const S = this.config.imageSize ?? DEFAULT_IMAGE_SIZE;
      const img = checkImageInput(pointCloud, S);
      this.net.eval();
      const enc = tf.tidy(() => this.net.encode(tf.tensor4d(img, [1, S, S, 3])) as unknown as tf.TensorContainer) as unknown as Encoding;
      return this.shapeOf(enc);
    }
    return this.shapeOf(this.encodeInput(pointCloud));
  }

  /** The encoder's output for a point cloud or voxel grid (see {@link condition}); the caller owns it. */
  private encodeInput(pointCloud: Float32Array | Uint8Array): Encoding {
    const R = this.config.voxelResolution ?? 32;
    const voxels = isVoxelModel(this.config);
    const n = voxels ? checkVoxelInput(pointCloud, R) : checkCloud(pointCloud as Float32Array, 'point cloud');
    this.net.eval();
    const x = () => (voxels ? tf.tensor4d(pointCloud, [1, R, R, R]) : tf.tensor3d(pointCloud, [1, n, 3]));
    return tf.tidy(() => this.net.encode(x()) as unknown as tf.TensorContainer) as unknown as Encoding;
  }

  /**
   * {@link condition} with the encoding (feature planes / grid, or the global code) held as trainable variables,
   * for test-time optimisation (`optimizeEncoding`, `ReconstructOptions.testTimeOptimization`); the network's own
   * weights are not touched. Point-cloud and voxel models only.
   * @throws PipelineError as {@link condition}; `INVALID_OPTION` for `vae` and image models.
   */
  conditionOptimizable(pointCloud: Float32Array | Uint8Array): OptimizableShape {
    if (this.config.kind === 'vae' || isImageModel(this.config)) {
      throw new PipelineError('INVALID_OPTION', `test-time optimisation needs a point-cloud or voxel model; this one is ${this.config.kind === 'vae' ? 'an unconditional vae' : 'an image model'}`);
    }
    const enc = this.encodeInput(pointCloud);
    let vars: Encoding;
    const variables: tf.Variable[] = [];
    const asVariable = (t: tf.Tensor) => {
      const v = tf.variable(t, true);
      t.dispose();
      variables.push(v);
      return v;
    };
    if (enc instanceof tf.Tensor) vars = asVariable(enc);
    else {
      const out: Record<string, tf.Tensor> = {};
      for (const [k, t] of Object.entries(enc)) if (t) out[k] = asVariable(t);
      vars = out as unknown as LocalFeatures;
    }
    const net = this.net;
    return {
      ...this.shapeOf(vars),
      variables,
      logitsTensor: (points: tf.Tensor3D) => net.decode(points, vars),
    };
  }

  /** Latent size z_dim of a `vae` model (0 for the conditional kinds). */
  get zDim(): number {
    return this.config.kind === 'vae' ? (this.config.zDim ?? 128) : 0;
  }

  private requireVae(what: string): number {
    if (this.config.kind !== 'vae') throw new PipelineError('INVALID_OPTION', `${what} needs an unconditional (vae) model; this one is ${this.config.kind}`);
    return this.zDim;
  }

  /**
   * `count` latent codes, reproducible from `seed` on every backend (drawn in JS, not by tfjs): z ~ N(0, I) (the
   * prior), or z = mean + scale·ε with ε ~ N(0, I) when the model carries a fitted {@link ModelConfig.latentPrior}
   * (the same ε for the same seed either way). `prior: 'standard'` forces N(0, I).
   * @returns `[count·zDim]`, code k at `k·zDim`.
   * @throws PipelineError `INVALID_OPTION` for a conditional model or a bad count/seed.
   */
  sampleLatent(count: number, seed = 0, prior: 'model' | 'standard' = 'model'): Float32Array {
    const zDim = this.requireVae('sampleLatent');
    if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new PipelineError('INVALID_OPTION', `count must be a positive integer, got ${count}`);
    if (!Number.isFinite(seed)) throw new PipelineError('INVALID_OPTION', `seed must be a finite number, got ${seed}`);
    const rng = createRng(seed);
    const z = new Float32Array(count * zDim);
    for (let i = 0; i < z.length; i++) z[i] = rng.normal();
    const fitted = this.config.latentPrior;
    if (prior === 'standard' || !fitted) return z;
    const out = new Float32Array(z.length);
    for (let k = 0; k < count; k++) {
      const o = k * zDim;
      for (let i = 0; i < zDim; i++) {
        let v = fitted.mean[i];
        for (let j = 0; j <= i; j++) v += fitted.scale[i][j] * z[o + j];
        out[o + i] = v;
      }
    }
    return out;
  }

  /**
   * Encode a shape given as labelled points with q(z | p, o) and return the **posterior mean** μ (eval mode), e.g. to
   * interpolate between two shapes' codes.
   * @param points `[T·3]` query points (unit-cube frame; reference: 2048 uniform in the padded box).
   * @param occupancy `[T]` their labels (1 inside, 0 outside).
   * @returns `[zDim]`.
   * @throws PipelineError `INVALID_OPTION` for a conditional model or mismatched arrays; `EMPTY_INPUT`, `NON_FINITE_INPUT`.
   */
  encodeLatent(points: Float32Array, occupancy: ArrayLike<number>): Float32Array {
    this.requireVae('encodeLatent');
    const n = checkCloud(points, 'points');
    if (!occupancy || occupancy.length !== n) throw new PipelineError('INVALID_OPTION', `occupancy must hold one label per point (${n}), got ${occupancy?.length}`);
    const enc = this.net.encoderLatent!;
    this.net.eval();
    const occ = Float32Array.from(occupancy as ArrayLike<number>, (v) => (v >= 0.5 ? 1 : 0));
    const mean = tf.tidy(() => {
      const q = enc.apply(tf.tensor3d(points, [1, n, 3]), tf.tensor2d(occ, [1, n]));
      tf.dispose(q.logstd);
      return q.mean;
    });
    const out = Float32Array.from(mean.dataSync() as Float32Array);
    mean.dispose();
    return out;
  }

  /**
   * The shape of latent code `z` `[zDim]`: occupancy logits from the decoder conditioned on z (eval mode).
   * @throws PipelineError `INVALID_OPTION` for a conditional model or a code of the wrong size; `NON_FINITE_INPUT`.
   */
  decodeLatent(z: Float32Array): ConditionedShape {
    const zDim = this.requireVae('decodeLatent');
    if (!(z instanceof Float32Array) || z.length !== zDim) throw new PipelineError('INVALID_OPTION', `z must be a Float32Array of zDim = ${zDim} values, got ${z?.length}`);
    for (let i = 0; i < z.length; i++) if (!Number.isFinite(z[i])) throw new PipelineError('NON_FINITE_INPUT', `z[${i}] is ${z[i]}`);
    this.net.eval();
    return this.shapeOf(tf.tensor2d(z, [1, zDim]));
  }

  private shapeOf(enc: Encoding): ConditionedShape {
    let disposed = false;
    const net = this.net;
    return {
      async logits(points: Float32Array): Promise<Float32Array> {
        if (disposed) throw new PipelineError('INVALID_OPTION', 'this ConditionedShape was disposed');
        if (!(points instanceof Float32Array) || points.length % 3 !== 0) throw new PipelineError('INVALID_OPTION', 'query points must be a Float32Array [N·3]');
        const total = points.length / 3;
        const out = new Float32Array(total);
        for (let s = 0; s < total; s += CHUNK) {
          const e = Math.min(total, s + CHUNK);
          const t = tf.tidy(() => net.decode(tf.tensor3d(points.subarray(3 * s, 3 * e), [1, e - s, 3]), enc));
          out.set((await t.data()) as Float32Array, s);
          t.dispose();
        }
        return out;
      },
      dispose(): void {
        if (!disposed) disposeEncoding(enc);
        disposed = true;
      },
    };
  }

  /** Serialise as `model.json` (config in `modelConfig`) + `weights.bin` bytes. */
  save(options: { dtype?: 'float32' | 'float16'; extra?: Record<string, unknown> } = {}): { modelJson: ModelJson; weights: Uint8Array } {
    return encodeWeights(this.net, { ...this.config, ...(options.extra ?? {}) } as unknown as Record<string, unknown>, { dtype: options.dtype });
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.net.parameterCount();
  }

  /** Free every variable. */
  dispose(): void {
    this.net.dispose();
  }
}
