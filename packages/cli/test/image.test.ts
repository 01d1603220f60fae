import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { PNG } from 'pngjs';
import { parseMesh, writeOff } from '@onet/io';
import { box } from '@onet/sampling';
import { renderImageView } from '@onet/train';
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

  it('without --model the shipped image model reconstructs the picture; a corrupt picture is a clear error', async () => {
    const a = await runCli('reconstruct', join(dir, 'photo.png'), '-o', join(dir, 'a.ply'), '--resolution0', '16', '--upsampling-steps', '1', '--backend', 'wasm');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/picture 48×40 → 64² RGB/); // 64²: the shipped model's size (the test model takes 31²)
    expect(parseMesh(new Uint8Array(await readFile(join(dir, 'a.ply'))), { source: 'a.ply' }).indices.length).toBeGreaterThan(0);
    const b = await runCli('reconstruct', join(dir, 'broken.png'), '-o', join(dir, 'b.ply'), '--model', join(dir, 'model'), '--backend', 'wasm');
    expect(b.code).not.toBe(0);
    expect(b.err).toMatch(/not a PNG or JPEG/);
  });
});

/** A tiny untrained pixel-aligned image model on 16² pictures. */
const convCfg: ModelConfig = { kind: 'conv-onet', input: 'image', imageSize: 16, imageFeatureDownsample: 2, unetDepth: 2, unetFilters: 4, inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 8 };

describe('onet reconstruct mesh --input image (a picture rendered from a seeded view)', () => {
  let dir: string;
  const slab = box([0.9, 0.3, 0.5]);
  beforeAll(async () => {
    await tf.setBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'onet-image-view-cli-'));
    await writeFile(join(dir, 'slab.off'), writeOff(slab));
    // τ: the median probability over the box for the picture of view seed 3, so that the untrained model has a surface
    const model = OccupancyNetwork.fromConfig(convCfg, 4);
    const view = renderImageView(slab, convCfg, 3);
    const shape = model.condition(Float32Array.from(view.image, (v) => v / 255));
    const grid = new Float32Array(3 * 512).map((_, i) => ((Math.floor(i / 3) >> (3 * (i % 3))) % 8) / 7 - 0.5);
    const logits = Array.from(await shape.logits(grid)).sort((a, b) => a - b);
    shape.dispose();
    const { modelJson, weights } = model.save({ dtype: 'float32' });
    (modelJson.modelConfig as unknown as ModelConfig).threshold = 1 / (1 + Math.exp(-logits[256]));
    await saveModelFiles(join(dir, 'conv'), modelJson, weights);
    model.dispose();
    const points = OccupancyNetwork.fromConfig({ kind: 'onet', inputPoints: 32, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 }, 5);
    const saved = points.save({ dtype: 'float32' });
    await saveModelFiles(join(dir, 'points'), saved.modelJson, saved.weights);
    points.dispose();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders, reconstructs in the view frame, scores the model and the silhouette baseline, saves the picture', async () => {
    const out = join(dir, 'out.ply');
    const png = join(dir, 'seen.png');
    const gen = ['--resolution0', '16', '--upsampling-steps', '0', '--eval-points', '2000', '--backend', 'wasm'];
    const r = await runCli('reconstruct', join(dir, 'slab.off'), '--input', 'image', '--model', join(dir, 'conv'), '--view-seed', '3', '--save-input', png, '-o', out, ...gen);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/16² picture from view seed 3/);
    expect(r.out).toMatch(/in that view's frame/);
    const metric = (label: string, name: string) => Number(new RegExp(`${label}: .*${name} ([0-9.]+)`).exec(r.out)?.[1]);
    for (const label of ['model {5}', 'silhouette']) {
      expect(metric(label, 'IoU')).toBeGreaterThanOrEqual(0);
      expect(metric(label, 'IoU')).toBeLessThanOrEqual(1);
      expect(metric(label, 'F-score@0.01')).toBeGreaterThanOrEqual(0);
    }
    // the silhouette of a box extruded through its depth range holds much of it
    expect(metric('silhouette', 'IoU')).toBeGreaterThan(0.2);
    const mesh = parseMesh(new Uint8Array(await readFile(out)), { source: out });
    expect(mesh.indices.length).toBeGreaterThan(0);
    for (const v of mesh.positions) expect(Math.abs(v)).toBeLessThanOrEqual(0.55 + 1e-5);
    // the saved picture is the rendered input
    const seen = await readImage(png, 16);
    expect(Array.from(seen.image, (v) => Math.round(v * 255))).toEqual(Array.from(renderImageView(slab, convCfg, 3).image));
    // --json with --gt: the same view, the frame and the seed recorded
    const j = await runCli('reconstruct', join(dir, 'slab.off'), '--input', 'image', '--model', join(dir, 'conv'), '--view-seed', '3', '--gt', join(dir, 'slab.off'), '-o', join(dir, 'out2.off'), '--json', ...gen);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.out);
    expect(doc.frame).toBe('view');
    expect(doc.view.seed).toBe(3);
    expect(doc.metrics.iou).toBeCloseTo(metric('model {5}', 'IoU'), 3);
  });

  it('the shipped image model by default: a watertight mesh of the slab in the view frame, scored', async () => {
    const out = join(dir, 'shipped.ply');
    const r = await runCli('reconstruct', join(dir, 'slab.off'), '--input', 'image', '-o', out, '--resolution0', '16', '--upsampling-steps', '1', '--eval-points', '5000', '--backend', 'wasm');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/64² picture from view seed 0/); // the shipped model's size
    const iou = (label: string) => Number(new RegExp(`${label}: .*IoU ([0-9.]+)`).exec(r.out)?.[1]);
    // the trained model infers the slab's depth better than the silhouette extruded through it (0.51 vs 0.27)
    expect(iou('model {5}')).toBeGreaterThan(iou('silhouette') + 0.1);
    expect(parseMesh(new Uint8Array(await readFile(out)), { source: out }).indices.length).toBeGreaterThan(0);
  });

  it('a point model or a point cloud: clear errors, nothing written', async () => {
    const out = join(dir, 'bad.ply');
    const a = await runCli('reconstruct', join(dir, 'slab.off'), '--input', 'image', '--model', join(dir, 'points'), '-o', out, '--backend', 'wasm');
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/--input image needs an image model/);
    const c = await runCli('reconstruct', join(dir, 'slab.off'), '--view-seed', '2', '-o', out, '--backend', 'wasm');
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/go with --input image/);
    await writeFile(join(dir, 'cloud.xyz'), '0 0 0\n0.1 0 0\n0 0.1 0\n0 0 0.1\n0.1 0.1 0.1\n');
    const d = await runCli('reconstruct', join(dir, 'cloud.xyz'), '--input', 'image', '--model', join(dir, 'conv'), '-o', out, '--backend', 'wasm');
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/renders a mesh/);
    await expect(readFile(out)).rejects.toThrow();
  });
});
