import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { parseMesh, writeOff } from '@onet/io';
import { icosphere } from '@onet/sampling';
import { runCli } from './helpers/runCli.js';

let dir: string;
const p = (name: string) => join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onet-cli-tto-'));
  await writeFile(p('ball.off'), writeOff(icosphere(2, 0.5)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Cheap generation: the shipped model on 300 points of a ball, a 16³ MISE grid without upsampling. */
const CHEAP = ['--points', '300', '--resolution0', '16', '--upsampling-steps', '0', '--eval-points', '5000', '--backend', 'wasm'];

describe('onet reconstruct --tto', () => {
  // first: the gradients are registered by --tto only
  it('without --tto: no optimisation, no line, and no tfjs gradients registered', async () => {
    const r = await runCli('reconstruct', p('ball.off'), '-o', p('plain.ply'), ...CHEAP);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote /m);
    expect(r.out).not.toMatch(/test-time optimisation/);
    expect(tf.getGradient('Relu')).toBeUndefined();
  });

  it('optimises the encoding (steps as given, surface loss down), prints the line and writes a closed mesh of the ball', async () => {
    const tensors = tf.memory().numTensors;
    const r = await runCli('reconstruct', p('ball.off'), '-o', p('ball.ply'), ...CHEAP, '--tto', '2');
    expect(tf.memory().numTensors).toBe(tensors); // model, variables and optimiser state released
    expect(tf.getGradient('Relu')).toBeDefined(); // registered by --tto (same tfjs as this test's)
    expect(r.err).not.toMatch(/onet: error/);
    expect(r.code).toBe(0);
    const line = r.out.split('\n').find((l) => l.startsWith('test-time optimisation:'));
    expect(line).toBeDefined();
    const m = /^test-time optimisation: 2 Adam steps · surface loss (\S+) → (\S+) · total loss (\S+) → (\S+) \(first → last step\) · (\S+) s$/.exec(line!);
    expect(m).not.toBeNull();
    const [before, after, first, last, seconds] = m!.slice(1).map(Number);
    for (const x of [before, after, first, last, seconds]) expect(Number.isFinite(x)).toBe(true);
    expect(after).toBeLessThan(before);
    expect(last).toBeLessThan(first);
    expect(seconds).toBeGreaterThan(0);
    // a valid, closed mesh that is the ball (IoU printed against the input mesh)
    const mesh = parseMesh(new Uint8Array(await readFile(p('ball.ply'))), { source: 'ball.ply' });
    expect(mesh.indices.length).toBeGreaterThan(3 * 100);
    for (const v of mesh.positions) expect(Number.isFinite(v)).toBe(true);
    const edges = new Map<string, number>();
    for (let f = 0; f < mesh.indices.length; f += 3) {
      for (let k = 0; k < 3; k++) {
        const a = mesh.indices[f + k], b = mesh.indices[f + ((k + 1) % 3)];
        const key = a < b ? `${a},${b}` : `${b},${a}`;
        edges.set(key, (edges.get(key) ?? 0) + 1);
      }
    }
    expect([...edges.values()].every((c) => c === 2)).toBe(true);
    const iou = Number(/metrics: IoU (\S+)/.exec(r.out)?.[1]);
    expect(iou).toBeGreaterThan(0.8);
  });

  it('without steps runs the default number of steps (--tto last, or before another flag)', async () => {
    const r = await runCli('reconstruct', p('ball.off'), '-o', p('ball5.ply'), '--json', '--tto', ...CHEAP);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^test-time optimisation: 5 Adam steps · /m);
    const doc = JSON.parse(r.out) as { testTimeOptimization: { steps: number; surfaceLossBefore: number; surfaceLossAfter: number } };
    expect(doc.testTimeOptimization.steps).toBe(5);
    expect(doc.testTimeOptimization.surfaceLossAfter).toBeLessThan(doc.testTimeOptimization.surfaceLossBefore);
  });

  it('a bad steps value, or a voxel or picture input, is a usage error before any work', async () => {
    for (const steps of ['0', '-3', '2.5', 'many', '20000']) {
      const r = await runCli('reconstruct', p('ball.off'), '-o', p('bad.ply'), '--tto', steps);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')[0]).toMatch(/^onet: error: option '--tto \[steps\]' argument '.*' is invalid\. tto steps must be an integer in \[1, 10000\]$/);
      expect(r.err).not.toMatch(/backend/);
    }
    const v = await runCli('reconstruct', p('ball.off'), '-o', p('bad.ply'), '--input', 'voxels', '--tto');
    expect(v.code).toBe(2);
    expect(v.err).toMatch(/^onet: error \[INVALID_OPTION\]: --tto optimises a point-cloud encoding; it does not go with --input voxels$/m);
    expect(existsSync(p('bad.ply'))).toBe(false);
  });
});
