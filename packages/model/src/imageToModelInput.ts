/** Size limits of `decodeImage` (`@onet/model/node`): sides below `minSide` are refused (nothing to see), above `maxSide` or `maxPixels` too (memory). */
export const IMAGE_LIMITS = { minSide: 16, maxSide: 16_384, maxPixels: 100_000_000 } as const;

/** A decoded image: `rgba` `[H·W·4]` bytes, row-major from the top-left pixel. */
export interface DecodedImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * An image model's input from a decoded picture, by a fixed rule: transparent pixels are composited on **white**
 * (the training renders' background); the picture is **padded to a square** with white, centred (nothing is cropped,
 * so the whole object stays in view); then **resized** to `size`² by area averaging (each output pixel the mean of the
 * square's area it covers, weighted by overlap). Returns `[size·size·3]` RGB in [0, 1], row-major from the top-left.
 * What works: one object, centred, on a plain light background, filling most of the frame, like the training renders.
 * Pure and browser-safe: `readImage` of `@onet/model/node` applies it to PNG/JPEG files, the browser example to what
 * the browser decodes, so both feed a model the same input for the same picture.
 * @category Generation
 */
export function imageToModelInput(img: DecodedImage, size: number): Float32Array {
  const { width: w, height: h, rgba } = img;
  const L = Math.max(w, h);
  const ox = (L - w) / 2;
  const oy = (L - h) / 2;
  const step = L / size;
  // horizontal pass: every source row → `size` columns of the square (white outside the picture)
  const tmp = new Float32Array(h * size * 3);
  for (let y = 0; y < h; y++) {
    for (let j = 0; j < size; j++) {
      const a = j * step - ox;
      const b = (j + 1) * step - ox;
      const acc = [0, 0, 0];
      for (let x = Math.floor(a); x < Math.ceil(b); x++) {
        const wgt = Math.min(b, x + 1) - Math.max(a, x);
        if (wgt <= 0) continue;
        if (x < 0 || x >= w) {
          for (let c = 0; c < 3; c++) acc[c] += wgt;
          continue;
        }
        const p = 4 * (y * w + x);
        const alpha = rgba[p + 3] / 255;
        for (let c = 0; c < 3; c++) acc[c] += wgt * ((rgba[p + c] / 255) * alpha + (1 - alpha));
      }
      for (let c = 0; c < 3; c++) tmp[3 * (y * size + j) + c] = acc[c] / step;
    }
  }
  // vertical pass
  const out = new Float32Array(size * size * 3);
  for (let i = 0; i < size; i++) {
    const a = i * step - oy;
    const b = (i + 1) * step - oy;
    for (let j = 0; j < size; j++) {
      const acc = [0, 0, 0];
      for (let y = Math.floor(a); y < Math.ceil(b); y++) {
        const wgt = Math.min(b, y + 1) - Math.max(a, y);
        if (wgt <= 0) continue;
        for (let c = 0; c < 3; c++) acc[c] += wgt * (y < 0 || y >= h ? 1 : tmp[3 * (y * size + j) + c]);
      }
      for (let c = 0; c < 3; c++) out[3 * (i * size + j) + c] = Math.min(1, Math.max(0, acc[c] / step));
    }
  }
  return out;
}
