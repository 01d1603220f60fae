import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { selectBackend } from '@onet/nn';
import { OccupancyNetwork, PipelineError, type ModelConfig } from '../src/index.js';
import { decodeImage, imageToModelInput, readImage, reconstructFile } from '../src/node.js';

/** A w×h RGBA picture: `fill(x, y)` gives [r, g, b, a]. */
function png(w: number, h: number, fill: (x: number, y: number) => number[]): Uint8Array {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.data.set(fill(x, y), 4 * (y * w + x));
  return new Uint8Array(PNG.sync.write(p));
}

async function code(f: () => unknown): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(PipelineError);
    return (e as PipelineError).code;
  }
  return undefined;
}

describe('pictures as image-model inputs', () => {
  it('PNG: transparent pixels become white, the picture is padded to a square (white) and area-averaged', () => {
    // 32×16: red, with a transparent left column
    const img = decodeImage(png(32, 16, (x) => (x === 0 ? [0, 0, 0, 0] : [255, 0, 0, 255])), 'red.png');
    expect([img.width, img.height]).toEqual([32, 16]);
    const s = imageToModelInput(img, 8); // square 32×32: rows 0–7 and 24–31 are padding → output rows 0–1 and 6–7 white
    const px = (i: number, j: number) => Array.from(s.subarray(3 * (i * 8 + j), 3 * (i * 8 + j) + 3)).map((v) => +v.toFixed(4));
    expect(px(0, 4)).toEqual([1, 1, 1]);
    expect(px(7, 4)).toEqual([1, 1, 1]);
    expect(px(3, 4)).toEqual([1, 0, 0]);
    // column 0 of the output averages 4 source columns, one of them transparent (white): g = b = 1/4
    expect(px(3, 0)).toEqual([1, 0.25, 0.25]);
  });

  it('JPEG decodes to the encoded size and colours (lossy, within a few levels)', () => {
    const w = 40;
    const h = 24;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([30, 120, 200, 255], 4 * i);
    const bytes = new Uint8Array(jpeg.encode({ data, width: w, height: h }, 95).data);
    const img = decodeImage(bytes, 'blue.jpg');
    expect([img.width, img.height]).toEqual([40, 24]);
    const c = Array.from(img.rgba.subarray(4 * (12 * w + 20), 4 * (12 * w + 20) + 3));
    expect(Math.max(...c.map((v, k) => Math.abs(v - [30, 120, 200][k])))).toBeLessThanOrEqual(4);
  });

  it('unreadable, truncated, tiny and huge pictures are refused with typed errors', async () => {
    expect(await code(() => decodeImage(new Uint8Array(100).fill(7), 'x.png'))).toBe('UNREADABLE_INPUT');
    const good = png(20, 20, () => [0, 0, 0, 255]);
    expect(await code(() => decodeImage(good.subarray(0, 40), 'cut.png'))).toBe('UNREADABLE_INPUT');
    expect(await code(() => decodeImage(png(8, 30, () => [0, 0, 0, 255]), 'tiny.png'))).toBe('BAD_IMAGE');
    // a header claiming 20000×20000 is refused before decoding
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(16, 20000);
    new DataView(huge.buffer).setUint32(20, 20000);
    expect(await code(() => decodeImage(huge, 'huge.png'))).toBe('BAD_IMAGE');
    expect(await code(() => readImage('/nonexistent/photo.png', 64))).toBe('UNREADABLE_INPUT');
  });

  it('reconstructFile on a PNG with an image model writes a mesh; a point-cloud model is refused', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    const dir = await mkdtemp(join(tmpdir(), 'onet-photo-'));
    const photo = join(dir, 'photo.png');
    await writeFile(photo, png(48, 40, (x, y) => ((x - 24) ** 2 + (y - 20) ** 2 < 150 ? [90, 90, 200, 255] : [255, 255, 255, 255])));
    const cfg: ModelConfig = { kind: 'onet', input: 'image', imageSize: 31, imageEncoderWidths: [4, 4, 4, 4], inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 };
    const model = OccupancyNetwork.fromConfig(cfg, 2);
    // untrained: put τ at the median probability over the box so that a surface exists
    const { image } = await readImage(photo, 31);
    const shape = model.condition(image);
    const grid = new Float32Array(3 * 512).map((_, i) => ((Math.floor(i / 3) >> (3 * (i % 3))) % 8) / 7 - 0.5);
    const logits = Array.from(await shape.logits(grid)).sort((a, b) => a - b);
    shape.dispose();
    const threshold = 1 / (1 + Math.exp(-logits[256]));
    const out = join(dir, 'mesh.ply');
    const r = await reconstructFile(model, photo, { output: out, threshold, resolution0: 16, upsamplingSteps: 0 });
    expect(r.inputKind).toBe('image');
    expect(r.mesh.indices.length).toBeGreaterThan(0);
    expect((await stat(out)).size).toBeGreaterThan(100);
    expect(await code(() => reconstructFile(model, photo, { output: join(dir, 'b.ply'), gt: photo }))).toBe('INVALID_OPTION');
    model.dispose();
    const points = OccupancyNetwork.fromConfig({ ...cfg, input: 'points', imageSize: undefined, imageEncoderWidths: undefined });
    expect(await code(() => reconstructFile(points, photo, { output: join(dir, 'c.ply') }))).toBe('INVALID_OPTION');
    points.dispose();
  });
});
