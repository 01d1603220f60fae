import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { PNG } from 'pngjs';
import { parseMesh } from '@onet/io';
import { saveModelFiles } from '@onet/nn/node';
import { OccupancyNetwork, type ModelConfig } from '@onet/model';
import { readImage } from '@onet/model/node';
import { runCli } from './helpers/runCli.js';

const cfg: ModelConfig = { kind: 'onet', input: 'image', imageSize: 31, imageEncoderWidths: [4, 4, 4, 4], inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 };

describe('onet reconstruct with a picture', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'onet-image-cli-'));
    const p = new PNG({ width: 48, height: 40 });
    for (let y = 0; y < 40; y++) for (let x = 0; x < 48; x++) p.data.set((x - 24) ** 2 + (y - 20) ** 2 < 150 ? [90, 90, 200, 255] : [255, 255, 255, 255], 4 * (y * 48 + x));
    await writeFile(join(dir, 'photo.png'), PNG.sync.write(p));
    await writeFile(join(dir, 'broken.png'), new Uint8Array(64).fill(3));
    // an untrained image model whose τ is the median probability over the box, so that a surface exists
    const model = OccupancyNetwork.fromConfig(cfg, 2);
    const shape = model.condition((await readImage(join(dir, 'photo.png'), 31)).image);
    const grid = new Float32Array(3 * 512).map((_, i) => ((Math.floor(i / 3) >> (3 * (i % 3))) % 8) / 7 - 0.5);
    const logits = Array.from(await shape.logits(grid)).sort((a, b) => a - b);
    shape.dispose();
    const { modelJson, weights } = model.save({ dtype: 'float32' });
    (modelJson.modelConfig as unknown as ModelConfig).threshold = 1 / (1 + Math.exp(-logits[256]));
    await saveModelFiles(join(dir, 'model'), modelJson, weights);
    model.dispose();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a PNG with an image model: a mesh in the picture frame, the resize reported', async () => {
    const out = join(dir, 'out.ply');
    const r = await runCli('reconstruct', join(dir, 'photo.png'), '-o', out, '--model', join(dir, 'model'), '--resolution0', '16', '--upsampling-steps', '0', '--backend', 'wasm');
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/picture 48×40 → 31² RGB/);
    const mesh = parseMesh(new Uint8Array(await readFile(out)), { source: out });
    expect(mesh.indices.length).toBeGreaterThan(0);
  });

  it('no image model given, or a corrupt picture: a clear error and no output', async () => {
    const a = await runCli('reconstruct', join(dir, 'photo.png'), '-o', join(dir, 'a.ply'), '--backend', 'wasm');
    expect(a.code).not.toBe(0);
    expect(a.err).toMatch(/no image model ships yet; pass --model/);
    const b = await runCli('reconstruct', join(dir, 'broken.png'), '-o', join(dir, 'b.ply'), '--model', join(dir, 'model'), '--backend', 'wasm');
    expect(b.code).not.toBe(0);
    expect(b.err).toMatch(/not a PNG or JPEG/);
  });
});
