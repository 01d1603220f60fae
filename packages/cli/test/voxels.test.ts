import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { writeBinvox, writeNpy, writeNpz, writeOff, parseMesh } from '@onet/io';
import { icosphere, voxelizeMesh, transformMesh } from '@onet/sampling';
import { saveModelFiles } from '@onet/nn/node';
import { reconstructVoxels } from '@onet/model';
import { modelDir } from '@onet/models';
import { existsSync } from 'node:fs';
import { trilinearVoxelModel } from './helpers/voxelModel.js';
import { runCli } from './helpers/runCli.js';

const run = runCli;

const R = 8;
const ball = icosphere(3, 0.4); // unit frame; the binvox places the grid [−½, ½]³ at [10, 12] × [20, 22] × [30, 32]
const world = transformMesh(ball, [2, 0, 0, 11, 0, 2, 0, 21, 0, 0, 2, 31]);

describe('onet reconstruct with voxel inputs', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'onet-voxels-cli-'));
    const model = trilinearVoxelModel(R);
    const { modelJson, weights } = model.save({ dtype: 'float32' });
    await saveModelFiles(join(dir, 'model'), modelJson, weights);
    model.dispose();
    const grid = voxelizeMesh(ball, { resolution: R });
    await writeFile(join(dir, 'ball.binvox'), writeBinvox({ data: grid, dims: [R, R, R], translate: [10, 20, 30], scale: 2 }));
    await writeFile(join(dir, 'big.binvox'), writeBinvox({ data: voxelizeMesh(ball, { resolution: 16 }), dims: [16, 16, 16], translate: [0, 0, 0], scale: 1 }));
    await writeFile(join(dir, 'empty.npy'), writeNpy(new Uint8Array(R ** 3), [R, R, R], { bool: true }));
    await writeFile(join(dir, 'twos.npy'), writeNpy(new Float32Array(R ** 3).fill(2), [R, R, R]));
    await writeFile(join(dir, 'ball.npz'), writeNpz({ voxels: { data: grid, shape: [R, R, R], bool: true } }));
    await writeFile(join(dir, 'world.off'), writeOff(world));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a binvox: world coordinates from its translate/scale, metrics for the model and the input voxels', async () => {
    const out = join(dir, 'out.ply');
    const r = await run('reconstruct', join(dir, 'ball.binvox'), '-o', out, '--model', join(dir, 'model'), '--gt', join(dir, 'world.off'), '--eval-points', '20000', '--backend', 'wasm');
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/8³ voxels, \d+ occupied; grid box \[10, 20, 30\] \+ 2/);
    const iou = (label: string) => Number(new RegExp(`${label}: IoU ([0-9.]+)`).exec(r.out)?.[1]);
    // the 8³ surface + fill voxels are fat (IoU ≈ 0.5); the hand-set model is a smoothed copy of them
    expect(iou('input voxels')).toBeGreaterThan(0.4);
    expect(iou('model {7}')).toBeGreaterThan(0.4);
    expect(Math.abs(iou('model {7}') - iou('input voxels'))).toBeLessThan(0.15);
    const mesh = parseMesh(new Uint8Array(await readFile(out)), { source: out });
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < mesh.positions.length; i++) {
      lo[i % 3] = Math.min(lo[i % 3], mesh.positions[i]);
      hi[i % 3] = Math.max(hi[i % 3], mesh.positions[i]);
    }
    // centred on the sphere's centre (11, 21, 31), at least as large as the sphere (radius 0.8), inside the padded
    // grid box (half-side 1.1)
    for (let k = 0; k < 3; k++) {
      expect(Math.abs((lo[k] + hi[k]) / 2 - [11, 21, 31][k])).toBeLessThan(0.05);
      expect((hi[k] - lo[k]) / 2).toBeGreaterThan(0.8);
      expect((hi[k] - lo[k]) / 2).toBeLessThan(1.1 + 1e-4);
    }
  });

  it('an .npz of booleans and a mesh with --input voxels (voxelised at the model’s 8³)', async () => {
    const n = await run('reconstruct', join(dir, 'ball.npz'), '-o', join(dir, 'n.ply'), '--model', join(dir, 'model'), '--backend', 'wasm', '--json');
    expect(n.code).toBe(0);
    expect(JSON.parse(n.out).stats.faces).toBeGreaterThan(100);
    const m = await run('reconstruct', join(dir, 'world.off'), '--input', 'voxels', '-o', join(dir, 'm.ply'), '--model', join(dir, 'model'), '--eval-points', '20000', '--backend', 'wasm', '--json');
    expect(m.code).toBe(0);
    const j = JSON.parse(m.out);
    expect(j.metrics.iou).toBeGreaterThan(0.4);
    expect(j.voxelMetrics.iou).toBeGreaterThan(0.4);
  });

  it('typed one-line errors: a grid of another size names the expected shape; empty grids; values other than 0/1', async () => {
    const big = await run('reconstruct', join(dir, 'big.binvox'), '-o', join(dir, 'x.ply'), '--model', join(dir, 'model'), '--backend', 'wasm');
    expect(big.code).toBe(1);
    expect(big.err).toMatch(/\[BAD_VOXEL_GRID\]: this model takes a 8×8×8 occupancy grid \(512 cells\), got 16×16×16/);
    const empty = await run('reconstruct', join(dir, 'empty.npy'), '-o', join(dir, 'x.ply'), '--model', join(dir, 'model'), '--backend', 'wasm');
    expect(empty.err).toMatch(/\[EMPTY_INPUT\]: the voxel grid is empty/);
    const twos = await run('reconstruct', join(dir, 'twos.npy'), '-o', join(dir, 'x.ply'), '--model', join(dir, 'model'), '--backend', 'wasm');
    expect(twos.err).toMatch(/\[BAD_VOXEL_GRID\]: .*twos\.npy: voxel values must be 0 or 1/);
  });

  it('voxel inputs default to the shipped voxel model folder', () => {
    expect(modelDir('voxels')).toMatch(/packages\/models\/voxels$/);
    expect(existsSync(join(modelDir('voxels'), 'config.json'))).toBe(true);
  });

  it('the shipped voxel model (no --model) beats the input voxels on a 32³ binvox of a sphere', async () => {
    const sphere = icosphere(4, 0.45);
    await writeFile(join(dir, 'sphere32.binvox'), writeBinvox({ data: voxelizeMesh(sphere), dims: [32, 32, 32], translate: [-0.5, -0.5, -0.5], scale: 1 }));
    await writeFile(join(dir, 'sphere.off'), writeOff(sphere));
    const r = await run('reconstruct', join(dir, 'sphere32.binvox'), '-o', join(dir, 's.ply'), '--gt', join(dir, 'sphere.off'), '--eval-points', '20000', '--backend', 'wasm', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.metrics.iou).toBeGreaterThan(j.voxelMetrics.iou + 0.05);
    expect(j.metrics.chamferL1).toBeLessThan(0.8 * j.voxelMetrics.chamferL1);
  });

  it('repeated voxel reconstructions leak no tensors', async () => {
    const model = trilinearVoxelModel(R);
    const input = { grid: voxelizeMesh(ball, { resolution: R }), resolution: R, transform: { loc: [0, 0, 0] as [number, number, number], scale: 1 } };
    const opts = { resolution0: 16, upsamplingSteps: 1 };
    await reconstructVoxels(model, input, opts);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const r = await reconstructVoxels(model, input, opts);
      expect(r.mesh.indices.length).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(before);
    await expect(reconstructVoxels(model, { ...input, grid: new Uint8Array(27) })).rejects.toMatchObject({ code: 'BAD_VOXEL_GRID' });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
