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
    expect(code(() => OccupancyNetwork.fromConfig({ ...base, kind: 'conv-onet' }))).toBe('BAD_MODEL');
    expect(code(() => OccupancyNetwork.fromConfig({ ...base, imageEncoderWidths: [] }))).toBe('BAD_MODEL');
  });
});
