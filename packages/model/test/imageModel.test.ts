import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { OccupancyNetwork, PipelineError, type ModelConfig } from '../src/index.js';

const base: ModelConfig = { kind: 'onet', input: 'image', imageSize: 63, imageEncoderWidths: [4, 4, 8, 8, 8], inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 };

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PipelineError);
    return (e as PipelineError).code;
  }
  return undefined;
}

describe('image models (input: image)', () => {
  it('condition an RGB image (bytes or [0, 1] floats, same result) and query logits; no tensor leak', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    const m = OccupancyNetwork.fromConfig(base, 3);
    expect(m.net.encoder?.constructor.name).toBe('ConvEncoder');
    const bytes = new Uint8Array(63 * 63 * 3).map((_, i) => (i * 37) % 256);
    const before = tf.memory().numTensors;
    const pts = new Float32Array([0, 0, 0, 0.3, -0.2, 0.1]);
    const a = m.condition(bytes);
    const la = await a.logits(pts);
    a.dispose();
    const b = m.condition(Float32Array.from(bytes, (v) => v / 255));
    const lb = await b.logits(pts);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(la.length).toBe(2);
    for (let i = 0; i < 2; i++) expect(la[i]).toBeCloseTo(lb[i], 5);
    // the image matters: another picture, another code
    const codeDiff = tf.tidy(() => {
      const ca = m.net.encode(tf.div(tf.tensor4d(bytes, [1, 63, 63, 3], 'float32'), 255)) as tf.Tensor;
      const cc = m.net.encode(tf.fill([1, 63, 63, 3], 200 / 255)) as tf.Tensor;
      return tf.max(tf.abs(tf.sub(ca, cc))).dataSync()[0];
    });
    expect(codeDiff).toBeGreaterThan(1e-3);
    m.dispose();
  });

  it('resnet18 is the other encoder; configs and inputs are checked with typed errors', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    const r = OccupancyNetwork.fromConfig({ ...base, imageEncoder: 'resnet18', imageSize: 32 });
    expect(r.net.encoder?.constructor.name).toBe('Resnet18Encoder');
    r.dispose();
    const m = OccupancyNetwork.fromConfig(base);
    expect(code(() => m.condition(new Uint8Array(64 * 64 * 3)))).toBe('BAD_IMAGE');
    expect(code(() => m.condition(new Float32Array(63 * 63 * 3).fill(1.5)))).toBe('BAD_IMAGE');
    expect(code(() => m.condition(new Float32Array(63 * 63 * 3).fill(Number.NaN)))).toBe('BAD_IMAGE');
    m.dispose();
    expect(code(() => OccupancyNetwork.fromConfig({ ...base, imageSize: 40 }))).toBe('BAD_MODEL'); // 5 layers need ≥ 63
    expect(code(() => OccupancyNetwork.fromConfig({ ...base, imageEncoder: 'vgg' as 'resnet18' }))).toBe('BAD_MODEL');
    expect(code(() => OccupancyNetwork.fromConfig({ ...base, kind: 'vae', cDim: 0 }))).toBe('BAD_MODEL');
    expect(code(() => OccupancyNetwork.fromConfig({ ...base, imageEncoderWidths: [] }))).toBe('BAD_MODEL');
  });
});

/** A tiny pixel-aligned model: 32² images, a 16² map of 4 channels without U-Net, local decoder 8 wide. */
const pixel: ModelConfig = { kind: 'conv-onet', input: 'image', imageSize: 32, unetDepth: 0, inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 8 };

describe('pixel-aligned image models (conv-onet, input: image)', () => {
  it("a point reads the picture where it projects: editing the top-left corner changes only points seen there; no leak", async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    const m = OccupancyNetwork.fromConfig(pixel, 5);
    expect(m.net.encoder?.constructor.name).toBe('PixelAlignedEncoder');
    const img = new Uint8Array(32 * 32 * 3).map((_, i) => (i * 53) % 256);
    const edited = img.slice();
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8 * 3; c++) edited[r * 96 + c] = 255 - edited[r * 96 + c];
    // 30° at distance 2.2: the frame's half-width at depth 2.2 is 0.59; (−0.4, 0.4, 0) is in the top-left eighth
    // (pixel ≈ 5.2, 5.2), (0.3, −0.3, 0.2) in the bottom-right part (≈ 25, 25), far from the edit
    const pts = new Float32Array([-0.4, 0.4, 0, 0.3, -0.3, 0.2]);
    const before = tf.memory().numTensors;
    const a = m.condition(img);
    const la = await a.logits(pts);
    a.dispose();
    const b = m.condition(edited);
    const lb = await b.logits(pts);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(la[0] - lb[0])).toBeGreaterThan(1e-4);
    expect(lb[1]).toBe(la[1]);
    m.dispose();
  });

  it('pixel-aligned configs are checked with typed errors', () => {
    expect(code(() => OccupancyNetwork.fromConfig({ ...pixel, imageFeatureDownsample: 3 as 2 }))).toBe('BAD_MODEL');
    expect(code(() => OccupancyNetwork.fromConfig({ ...pixel, imageSize: 36, unetDepth: 3 }))).toBe('BAD_MODEL'); // 36 % (2·4) ≠ 0
    expect(code(() => OccupancyNetwork.fromConfig({ ...pixel, imageCamera: { fovDeg: 30, distance: 0.5 } }))).toBe('BAD_MODEL'); // inside the object
    expect(code(() => OccupancyNetwork.fromConfig({ ...pixel, imageCamera: { fovDeg: 180, distance: 2 } }))).toBe('BAD_MODEL');
    const ok = OccupancyNetwork.fromConfig({ ...pixel, imageSize: 32, unetDepth: 3, unetFilters: 4, imageFeatureDownsample: 4 });
    expect(ok.net.encoder?.constructor.name).toBe('PixelAlignedEncoder');
    ok.dispose();
  });
});
