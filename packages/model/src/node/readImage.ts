import { createRequire } from 'node:module';
import type * as Pngjs from 'pngjs';
import type * as JpegJs from 'jpeg-js';
import { PipelineError } from '../errors.js';
import { readBytes } from './readInput.js';
import { IMAGE_LIMITS, imageToModelInput, type DecodedImage } from '../imageToModelInput.js';

export { IMAGE_LIMITS, imageToModelInput, type DecodedImage };

// The codecs (CommonJS) load on first use, with require(): a process that reads no picture (onet demo, a mesh
// reconstruction) does not pay their ~25 ms of loading (pngjs pulls in zlib and streams).
const requireHere = createRequire(import.meta.url);
let pngjs: typeof Pngjs | undefined;
let jpegjs: typeof JpegJs | undefined;
const PNG = (): typeof Pngjs.PNG => (pngjs ??= requireHere('pngjs') as typeof Pngjs).PNG;
const jpeg = (): typeof JpegJs => (jpegjs ??= requireHere('jpeg-js') as typeof JpegJs);

/**
 * Encode an RGB picture as an 8-bit RGB PNG (pngjs), e.g. a rendered view to save beside its reconstruction.
 * @param rgb `[H, W, 3]` bytes, row-major from the top-left (values are taken modulo 256 as a `Uint8Array` would).
 * @returns the PNG file's bytes in their own buffer ({@link decodeImage} reads them back to the same pixels with alpha 255).
 * @throws {@link PipelineError} `INVALID_OPTION` when `rgb` does not hold `width·height·3` values or a side is not a positive integer.
 * @category Node
 */
export function encodePng(rgb: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgb?.length !== width * height * 3) {
    throw new PipelineError('INVALID_OPTION', `encodePng needs width·height·3 = ${width}·${height}·3 RGB values and positive integer sides, got ${rgb?.length} values`);
  }
  const png = new (PNG())({ width, height, colorType: 2 });
  for (let i = 0; i < width * height; i++) png.data.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
  // a copy: pngjs's result for a small picture is a view into Node's shared Buffer pool
  return new Uint8Array(PNG().sync.write(png, { colorType: 2 }));
}

/**
 * Decode a PNG (pngjs: any bit depth, palette, grey or colour, with or without alpha, interlaced) or a JPEG (jpeg-js:
 * baseline and progressive, grey, RGB, CMYK) to RGBA bytes; the format is told by the file's signature, not its name.
 * @throws {@link PipelineError} `UNREADABLE_INPUT` (neither format, or corrupt), `BAD_IMAGE` (a side under
 *   {@link IMAGE_LIMITS}`.minSide`, over `maxSide`, more than `maxPixels`, or a decoder result of the wrong size).
 * @category Node
 */
export function decodeImage(bytes: Uint8Array, source = 'image'): DecodedImage {
  const png = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpg) throw new PipelineError('UNREADABLE_INPUT', `${source}: not a PNG or JPEG file (unknown signature); convert the picture to PNG or JPEG`);
  // the header gives the size: refuse huge images before decoding them
  const size = png ? pngSize(bytes) : jpegSize(bytes);
  if (size) checkSize(size.width, size.height, source);
  let img: DecodedImage;
  try {
    if (png) {
      const p = PNG().sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      img = { width: p.width, height: p.height, rgba: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength) };
    } else {
      const j = jpeg().decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: IMAGE_LIMITS.maxPixels / 1e6, maxMemoryUsageInMB: 2048 });
      img = { width: j.width, height: j.height, rgba: j.data };
    }
  } catch (e) {
    throw new PipelineError('UNREADABLE_INPUT', `${source}: cannot decode the ${png ? 'PNG' : 'JPEG'} (${(e as Error).message}); the file is corrupt or truncated`, { cause: e });
  }
  checkSize(img.width, img.height, source);
  if (img.rgba.length !== img.width * img.height * 4) {
    throw new PipelineError('BAD_IMAGE', `${source}: the decoder returned ${img.rgba.length} bytes for ${img.width}×${img.height} RGBA; unsupported channel layout`);
  }
  return img;
}

function checkSize(w: number, h: number, source: string): void {
  const { minSide, maxSide, maxPixels } = IMAGE_LIMITS;
  if (w < minSide || h < minSide) throw new PipelineError('BAD_IMAGE', `${source}: ${w}×${h} pixels is too small; give at least ${minSide}×${minSide}`);
  if (w > maxSide || h > maxSide || w * h > maxPixels) throw new PipelineError('BAD_IMAGE', `${source}: ${w}×${h} pixels is too large (limits ${maxSide} px a side, ${maxPixels / 1e6} MP); downscale it first`);
}

function pngSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 24) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  // walk the markers to the first start-of-frame (SOF0–SOF15 except DHT/JPG/DAC)
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const m = b[i + 1];
    const len = (b[i + 2] << 8) | b[i + 3];
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
    i += 2 + len;
  }
  return undefined;
}

/**
 * Read a PNG or JPEG file as an image model's input: {@link decodeImage}, then {@link imageToModelInput} at `size`
 * (the model's `imageSize`).
 * @returns the input `[size·size·3]` and the picture's original size.
 * @throws {@link PipelineError} `UNREADABLE_INPUT` (missing, not PNG/JPEG, corrupt), `BAD_IMAGE` (too small or large).
 * @category Node
 */
export async function readImage(path: string, size: number): Promise<{ image: Float32Array; width: number; height: number }> {
  const img = decodeImage(await readBytes(path, 'image'), path);
  return { image: imageToModelInput(img, size), width: img.width, height: img.height };
}
