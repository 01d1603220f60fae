import { ConvEncoder, Resnet18Encoder, PixelAlignedEncoder, convEncoderMinSize, CONV_ENCODER_DEFAULTS } from '@onet/encoders';
import { DecoderCBatchNorm } from '@onet/decoder-cbn';
import { LocalDecoder } from '@onet/decoder-local';
import type { ImagePlaneCamera } from '@onet/nn';
import { PipelineError } from './errors.js';
import type { ModelConfig } from './model.js';

/** The encoders an image model can use: the reference's small `simple_conv` CNN or ResNet-18 (global code), or the pixel-aligned U-Net (`conv-onet`). */
export type ImageEncoderModule = ConvEncoder | Resnet18Encoder | PixelAlignedEncoder;

/**
 * Default camera of image models (`ModelConfig.imageCamera`): 30° field of view at distance 2.2 from the object's
 * centre, the views `onet train` renders (a mesh fitted in the radius-½ sphere fills about 80 % of the frame).
 */
export const DEFAULT_IMAGE_CAMERA: Readonly<ImagePlaneCamera> = Object.freeze({ fovDeg: 30, distance: 2.2 });

/** Image encoders by config name (`ModelConfig.imageEncoder`). */
export const IMAGE_ENCODERS = ['simple-conv', 'resnet18'] as const;

/** Default side of an image model's input (`ModelConfig.imageSize`). */
export const DEFAULT_IMAGE_SIZE = 64;

/** True when the model takes an RGB image (`config.input === 'image'`, single-view reconstruction, ONet §4.2). */
export function isImageModel(config: Pick<ModelConfig, 'input'>): boolean {
  return config.input === 'image';
}

/**
 * Encoder and decoder of an image model (`input: 'image'`):
 * - `kind: 'onet'`: `imageEncoder` `simple-conv` ({@link ConvEncoder}, `imageEncoderWidths`) or `resnet18`
 *   ({@link Resnet18Encoder}), code `cDim`, then the CBN decoder (`decoderHidden`) as in the reference's img/onet.yaml;
 * - `kind: 'conv-onet'`: pixel-aligned features ({@link PixelAlignedEncoder}: `cDim` channels on an
 *   `imageSize / imageFeatureDownsample` map, U-Net of `unetDepth` levels and `unetFilters` maps) read by a
 *   `LocalDecoder` (`decoderHidden`) at each point's projection through `imageCamera`.
 * @internal
 */
export function buildImageNet(config: ModelConfig): { encoder: ImageEncoderModule; decoder: DecoderCBatchNorm | LocalDecoder } {
  if (config.kind === 'conv-onet') {
    const depth = config.unetDepth ?? 4;
    const encoder = new PixelAlignedEncoder({
      cDim: config.cDim,
      imageSize: config.imageSize ?? DEFAULT_IMAGE_SIZE,
      downsample: config.imageFeatureDownsample ?? 2,
      unet: depth > 0 ? { depth, startFilters: config.unetFilters ?? 32 } : false,
    });
    return { encoder, decoder: new LocalDecoder({ cDim: config.cDim, hidden: config.decoderHidden, padding: config.padding, imageCamera: config.imageCamera ?? DEFAULT_IMAGE_CAMERA }) };
  }
  const encoder =
    (config.imageEncoder ?? 'simple-conv') === 'resnet18'
      ? new Resnet18Encoder({ cDim: config.cDim })
      : new ConvEncoder({ cDim: config.cDim, widths: config.imageEncoderWidths ?? CONV_ENCODER_DEFAULTS.widths });
  return { encoder, decoder: new DecoderCBatchNorm({ cDim: config.cDim, hidden: config.decoderHidden }) };
}

/**
 * Check the image fields of a model config: `kind` `onet` or `conv-onet`; `imageCamera` (fov in (0°, 170°), distance
 * > √3/2); for `onet` `imageEncoder` one of {@link IMAGE_ENCODERS}, `imageSize` an integer in [the encoder's minimum,
 * 1024] (simple-conv: 2^(layers+1) − 1, 63 for five layers; resnet18: 32); for `conv-onet` `imageFeatureDownsample`
 * 1, 2 or 4 and `imageSize` (≤ 1024) divisible by it times 2^(unetDepth − 1).
 * @throws PipelineError `BAD_MODEL`.
 * @internal
 */
export function checkImageConfig(cfg: ModelConfig): void {
  if (!isImageModel(cfg)) return;
  if (cfg.kind !== 'onet' && cfg.kind !== 'conv-onet') throw new PipelineError('BAD_MODEL', `image input needs kind "onet" (global code) or "conv-onet" (pixel-aligned features), got ${JSON.stringify(cfg.kind)}`);
  const cam = cfg.imageCamera ?? DEFAULT_IMAGE_CAMERA;
  if (!cam || !Number.isFinite(cam.fovDeg) || cam.fovDeg <= 0 || cam.fovDeg >= 170 || !Number.isFinite(cam.distance) || cam.distance <= Math.sqrt(3) / 2) {
    throw new PipelineError('BAD_MODEL', `imageCamera needs fovDeg in (0, 170) and distance > √3/2, got ${JSON.stringify(cfg.imageCamera)}`);
  }
  if (cfg.kind === 'conv-onet') {
    const ds = cfg.imageFeatureDownsample ?? 2;
    if (ds !== 1 && ds !== 2 && ds !== 4) throw new PipelineError('BAD_MODEL', `imageFeatureDownsample must be 1, 2 or 4, got ${JSON.stringify(ds)}`);
    const depth = cfg.unetDepth ?? 4;
    if (!Number.isInteger(depth) || depth < 0 || depth > 8) throw new PipelineError('BAD_MODEL', `unetDepth must be an integer in [0, 8], got ${depth}`);
    const f = cfg.unetFilters;
    if (f !== undefined && (!Number.isInteger(f) || f < 1 || f > 4096)) throw new PipelineError('BAD_MODEL', `model config unetFilters must be a positive integer, got ${f}`);
    const step = ds * 2 ** Math.max(depth - 1, 0);
    const S = cfg.imageSize ?? DEFAULT_IMAGE_SIZE;
    if (!Number.isInteger(S) || S < 2 * ds || S > 1024 || S % step !== 0) {
      throw new PipelineError('BAD_MODEL', `imageSize must be an integer ≤ 1024 divisible by imageFeatureDownsample · 2^(unetDepth − 1) = ${step}, got ${S}`);
    }
    return;
  }
  const enc = cfg.imageEncoder ?? 'simple-conv';
  if (!IMAGE_ENCODERS.includes(enc)) throw new PipelineError('BAD_MODEL', `imageEncoder must be one of ${IMAGE_ENCODERS.join(', ')}, got ${JSON.stringify(enc)}`);
  const widths = cfg.imageEncoderWidths ?? CONV_ENCODER_DEFAULTS.widths;
  if (!Array.isArray(widths) || widths.length < 1 || widths.length > 8 || widths.some((w) => !Number.isInteger(w) || w < 1 || w > 4096)) {
    throw new PipelineError('BAD_MODEL', `imageEncoderWidths must list 1 to 8 positive integers, got ${JSON.stringify(cfg.imageEncoderWidths)}`);
  }
  const min = enc === 'resnet18' ? 32 : convEncoderMinSize(widths.length);
  const S = cfg.imageSize ?? DEFAULT_IMAGE_SIZE;
  if (!Number.isInteger(S) || S < min || S > 1024) throw new PipelineError('BAD_MODEL', `imageSize must be an integer in [${min}, 1024] for the ${enc} encoder, got ${S}`);
}

/**
 * Check an input image for an image model of side `S`: `[S·S·3]` RGB, row-major from the top-left pixel, as
 * Float32 values in [0, 1] or bytes (0–255, divided by 255).
 * @returns the image as Float32 in [0, 1] (a new array for bytes, the input itself otherwise).
 * @throws PipelineError `BAD_IMAGE` (wrong size, naming the expected shape; values outside [0, 1] or not finite),
 *   `INVALID_OPTION` (not a typed array).
 * @internal
 */
export function checkImageInput(image: ArrayLike<number>, S: number): Float32Array {
  if (!(image instanceof Float32Array || image instanceof Uint8Array)) throw new PipelineError('INVALID_OPTION', `an input image must be a Float32Array or Uint8Array [${S}·${S}·3] (RGB, row-major)`);
  if (image.length !== S * S * 3) {
    const px = image.length / 3;
    const side = Math.round(Math.sqrt(px));
    const got = Number.isInteger(px) && side * side === px ? `${side}×${side} RGB` : `${image.length} values`;
    throw new PipelineError('BAD_IMAGE', `this model takes a ${S}×${S} RGB image (${S * S * 3} values), got ${got}; resize it to ${S}×${S} first (readImage / --input image do)`);
  }
  if (image instanceof Uint8Array) return Float32Array.from(image, (v) => v / 255);
  for (let i = 0; i < image.length; i++) {
    const v = image[i];
    if (!(v >= 0 && v <= 1)) throw new PipelineError('BAD_IMAGE', `image values must be in [0, 1], got ${v} at index ${i}`);
  }
  return image;
}
