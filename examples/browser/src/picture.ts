import { IMAGE_LIMITS, PipelineError, type DecodedImage } from '@onet/model';

/**
 * Decode a picture with the browser itself (`createImageBitmap`: PNG, JPEG and whatever else the browser reads) to
 * RGBA bytes `[H·W·4]`, row-major from the top-left pixel, as the file holds them: no colour-space conversion and alpha
 * not premultiplied, like `decodeImage` of `@onet/model/node` (a PNG gives the same bytes in both). `imageToModelInput`
 * then makes the model's input by the same rule as `onet reconstruct picture.png`.
 * @throws PipelineError `UNREADABLE_INPUT` (not a picture the browser can decode), `BAD_IMAGE` (a side under
 *   `IMAGE_LIMITS.minSide`, over `maxSide`, or more than `maxPixels`).
 */
export async function decodePicture(blob: Blob, source: string): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new PipelineError('UNREADABLE_INPUT', `${source}: the browser cannot decode this picture (${(e as Error).message}); give a PNG or JPEG`, { cause: e });
  }
  try {
    const { width, height } = bitmap;
    const { minSide, maxSide, maxPixels } = IMAGE_LIMITS;
    if (width < minSide || height < minSide) throw new PipelineError('BAD_IMAGE', `${source}: ${width}×${height} pixels is too small; give at least ${minSide}×${minSide}`);
    if (width > maxSide || height > maxSide || width * height > maxPixels) {
      throw new PipelineError('BAD_IMAGE', `${source}: ${width}×${height} pixels is too large (limits ${maxSide} px a side, ${maxPixels / 1e6} MP); downscale it first`);
    }
    const canvas = new OffscreenCanvas(width, height);
    const g = canvas.getContext('2d', { willReadFrequently: true });
    if (!g) throw new PipelineError('UNREADABLE_INPUT', `${source}: this browser gives no 2-D canvas to read the picture's pixels`);
    g.drawImage(bitmap, 0, 0);
    const data = g.getImageData(0, 0, width, height).data;
    return { width, height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    bitmap.close();
  }
}

/**
 * Draw a model input `[S·S·3]` (RGB in [0, 1], row-major from the top-left) into `canvas` at S×S pixels (CSS scales it
 * up, pixelated): what the network sees.
 */
export function drawModelInput(canvas: HTMLCanvasElement, image: Float32Array): void {
  const S = Math.round(Math.sqrt(image.length / 3));
  canvas.width = S;
  canvas.height = S;
  const px = new ImageData(S, S);
  for (let i = 0; i < S * S; i++) {
    for (let c = 0; c < 3; c++) px.data[4 * i + c] = Math.round(255 * image[3 * i + c]);
    px.data[4 * i + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(px, 0, 0);
}
