import { describe, expect, it } from 'vitest';
import { decodeImage, encodePng } from '../src/node/readImage.js';
import { PipelineError } from '../src/errors.js';

describe('encodePng', () => {
  it('round-trips through decodeImage: same pixels, alpha 255, RGB colour type', () => {
    const w = 19, h = 16; // decodeImage refuses sides under 16
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + 11) % 256);
    const bytes = encodePng(rgb, w, h);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length); // its own buffer, not a view into Node's Buffer pool
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(bytes[25]).toBe(2); // IHDR colour type: truecolour without alpha
    const img = decodeImage(bytes);
    expect([img.width, img.height]).toEqual([w, h]);
    for (let i = 0; i < w * h; i++) {
      expect(Array.from(img.rgba.subarray(4 * i, 4 * i + 4))).toEqual([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255]);
    }
  });

  it('rejects a buffer of the wrong size or bad sides', () => {
    expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow(PipelineError);
    expect(() => encodePng(new Uint8Array(0), 0, 0)).toThrow(/positive integer sides/);
    expect(() => encodePng(new Uint8Array(6), 2.5, 1)).toThrow(PipelineError);
  });
});
