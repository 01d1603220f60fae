import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { parseMesh, writeOff } from '@onet/io';
import { box, icosphere } from '@onet/sampling';
import { buildDataset, writeSplits } from '@onet/sampling/node';
import { modelDir } from '@onet/models';
import { selectBackend } from '@onet/nn';
import { runCli } from './helpers/runCli.js';
import { ttoFlags } from '../src/program.js';
import { parseOptions } from './helpers/parseOptions.js';

let dir: string;
const p = (name: string) => join(dir, name);
beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm'); // tf.memory() before the first command needs a backend
  dir = await mkdtemp(join(tmpdir(), 'onet-cli-tto-'));
  await writeFile(p('ball.off'), writeOff(icosphere(2, 0.5)));
  // the shipped model folder with the setting taken out of its model.json: what the CLI ran before it was set
  const copy = p('default-without-tto');
  await cp(modelDir(), copy, { recursive: true });
  const manifest = JSON.parse(await readFile(join(copy, 'model.json'), 'utf8')) as Record<string, unknown>;
  expect(manifest.testTimeOptimization).toBe(true);
  delete manifest.testTimeOptimization;
  await writeFile(join(copy, 'model.json'), JSON.stringify(manifest));
  // and with options of its own: 2 steps at a lower rate
  const own = p('default-own-tto');
  await cp(modelDir(), own, { recursive: true });
  await writeFile(join(own, 'model.json'), JSON.stringify({ ...manifest, testTimeOptimization: { steps: 2, lr: 0.05 } }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Cheap generation: the shipped model on 300 points of a ball, a 16³ MISE grid without upsampling. */
const CHEAP = ['--points', '300', '--resolution0', '16', '--upsampling-steps', '0', '--eval-points', '5000', '--backend', 'wasm'];

describe('onet reconstruct: test-time optimisation (the shipped default turns it on; --tto, --no-tto, --tto-steps)', () => {
  it('by default runs it (the model\'s setting); --no-tto writes the very file of the same model without the setting', async () => {
    const tensors = tf.memory().numTensors;
    const r = await runCli('reconstruct', p('ball.off'), '-o', p('default.ply'), ...CHEAP);
    expect(r.code).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors); // model, variables and optimiser state released
    expect(r.err).toMatch(/cavities filled, test-time optimisation \(5 Adam steps\)$/m); // the model's line says so
    expect(r.out).toMatch(/^test-time optimisation: 5 Adam steps · /m);
    const off = await runCli('reconstruct', p('ball.off'), '-o', p('off.ply'), ...CHEAP, '--no-tto');
    expect(off.code).toBe(0);
    expect(off.out).not.toMatch(/test-time optimisation/);
    expect(off.err).toMatch(/test-time optimisation \(5 Adam steps\) — off for this run \(--no-tto\)$/m); // the model's setting, and this run's
    const old = await runCli('reconstruct', p('ball.off'), '-o', p('old.ply'), ...CHEAP, '--model', p('default-without-tto'));
    expect(old.code).toBe(0);
    expect(old.out).not.toMatch(/test-time optimisation/);
    const [a, b, c] = await Promise.all(['off.ply', 'old.ply', 'default.ply'].map((f) => readFile(p(f))));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false); // and the optimisation did change the mesh
  });

  it('onet generate follows the model too; --no-tto gives the files of the model without the setting', async () => {
    const meshes = p('gen-meshes');
    await mkdir(meshes);
    await writeFile(join(meshes, 'ball.off'), writeOff(icosphere(2, 0.45)));
    await writeFile(join(meshes, 'box.off'), writeOff(box([0.8, 0.5, 0.3])));
    await writeFile(join(meshes, 'flat.off'), writeOff(box([0.8, 0.3, 0.6])));
    const data = p('gen-data');
    await buildDataset({ input: meshes, output: data, numPoints: 2000, numSurfacePoints: 2000, voxelResolution: 16, onLog: () => undefined });
    await writeSplits(data);
    const gen = (out: string, ...extra: string[]) =>
      runCli('generate', '--data', data, '--split', 'train', '--out-dir', p(out), '--format', 'ply', '--resolution0', '16', '--upsampling-steps', '0', '--backend', 'wasm', ...extra);
    const files = async (out: string) => {
      const found: string[] = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true })) {
          if (e.isDirectory()) await walk(join(d, e.name));
          else found.push(join(d, e.name));
        }
      };
      await walk(p(out));
      return Promise.all(found.sort().map(async (f) => ({ name: f.slice(p(out).length), bytes: await readFile(f) })));
    };
    for (const [out, extra] of [['gen-default', []], ['gen-off', ['--no-tto']], ['gen-old', ['--model', p('default-without-tto')]]] as const) {
      const r = await gen(out, ...extra);
      expect(r.code, r.err).toBe(0);
    }
    const [on, off, old] = await Promise.all(['gen-default', 'gen-off', 'gen-old'].map(files));
    expect(off.length).toBeGreaterThan(0);
    expect(off.map((f) => f.name)).toEqual(old.map((f) => f.name));
    off.forEach((f, i) => expect(f.bytes.equals(old[i].bytes), f.name).toBe(true));
    expect(on.map((f) => f.name)).toEqual(off.map((f) => f.name));
    expect(on.some((f, i) => !f.bytes.equals(off[i].bytes))).toBe(true); // the default optimised the encodings
  });

  it('--tto-steps sets the steps; the mesh is a closed ball; --tto takes no value, so `--tto <input>` reads the input', async () => {
    const tensors = tf.memory().numTensors;
    const r = await runCli('reconstruct', p('ball.off'), '-o', p('ball.ply'), ...CHEAP, '--tto-steps', '2');
    expect(tf.memory().numTensors).toBe(tensors);
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
    // the old wart: `--tto file` took the file for the step count; --tto is a switch now
    const sw = await runCli('reconstruct', '--tto', p('ball.off'), '-o', p('ball5.ply'), '--json', ...CHEAP);
    expect(sw.code).toBe(0);
    expect(sw.err).toMatch(/^test-time optimisation: 5 Adam steps · /m);
    const doc = JSON.parse(sw.out) as { testTimeOptimization: { steps: number; surfaceLossBefore: number; surfaceLossAfter: number } };
    expect(doc.testTimeOptimization.steps).toBe(5);
    expect(doc.testTimeOptimization.surfaceLossAfter).toBeLessThan(doc.testTimeOptimization.surfaceLossBefore);
  });

  it("--tto and --tto-steps keep the model's own options; --no-tto = false; no flag = the model's setting", async () => {
    const parse = (...args: string[]) => parseOptions('reconstruct', p('ball.off'), '-o', p('x.ply'), ...args);
    const own = { steps: 2, lr: 0.05, offSurfaceDistance: 0 };
    for (const model of [own, true, false, undefined]) expect(ttoFlags(await parse(), model)).toEqual({});
    expect(ttoFlags(await parse('--no-tto'), own)).toEqual({ testTimeOptimization: false });
    expect(ttoFlags(await parse('--tto'), own)).toEqual({ testTimeOptimization: own });
    expect(ttoFlags(await parse('--tto'), true)).toEqual({ testTimeOptimization: true });
    expect(ttoFlags(await parse('--tto'), undefined)).toEqual({ testTimeOptimization: true });
    expect(ttoFlags(await parse('--tto'), false)).toEqual({ testTimeOptimization: true });
    expect(ttoFlags(await parse('--tto-steps', '7'), own)).toEqual({ testTimeOptimization: { steps: 7, lr: 0.05, offSurfaceDistance: 0 } });
    expect(ttoFlags(await parse('--tto-steps', '7'), true)).toEqual({ testTimeOptimization: { steps: 7 } });
    expect(ttoFlags(await parse('--tto-steps', '7'), undefined)).toEqual({ testTimeOptimization: { steps: 7 } });

    // end to end, on the shipped model with { steps: 2, lr: 0.05 } in its model.json
    const model = ['--model', p('default-own-tto')];
    const plain = await runCli('reconstruct', p('ball.off'), '-o', p('own.ply'), ...CHEAP, ...model);
    expect(plain.code, plain.err).toBe(0);
    expect(plain.out).toMatch(/^test-time optimisation: 2 Adam steps · /m);
    const tto = await runCli('reconstruct', p('ball.off'), '-o', p('own-tto.ply'), ...CHEAP, ...model, '--tto');
    expect(tto.code, tto.err).toBe(0);
    expect(tto.out).toMatch(/^test-time optimisation: 2 Adam steps · /m); // not the defaults' 5
    const steps = await runCli('reconstruct', p('ball.off'), '-o', p('own-steps.ply'), ...CHEAP, ...model, '--tto-steps', '2');
    expect(steps.code, steps.err).toBe(0);
    const [a, b, c] = await Promise.all(['own.ply', 'own-tto.ply', 'own-steps.ply'].map((f) => readFile(p(f))));
    expect(b.equals(a)).toBe(true);
    expect(c.equals(a)).toBe(true); // lr 0.05 kept (the defaults' 0.1 gives another mesh)
  });

  it('bad steps, the old `--tto N`, --no-tto with --tto-steps, or a voxel input with --tto: usage errors before any work', async () => {
    for (const steps of ['0', '-3', '2.5', 'many', '20000']) {
      const r = await runCli('reconstruct', p('ball.off'), '-o', p('bad.ply'), '--tto-steps', steps);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')[0]).toMatch(/^onet: error: option '--tto-steps <n>' argument '.*' is invalid\. tto steps must be an integer in \[1, 10000\]$/);
      expect(r.err).not.toMatch(/backend/);
    }
    const old = await runCli('reconstruct', p('ball.off'), '-o', p('bad.ply'), '--tto', '10');
    expect(old.code).toBe(2);
    expect(old.err).toMatch(/^onet: error \[INVALID_OPTION\]: too many arguments: expected one <input>, got \[".*ball\.off","10"\] \(--tto takes no value: give the number of steps as --tto-steps 10\)$/m);
    const both = await runCli('reconstruct', p('ball.off'), '-o', p('bad.ply'), '--no-tto', '--tto-steps', '3');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/^onet: error \[INVALID_OPTION\]: --no-tto and --tto-steps contradict each other; give one$/m);
    for (const flag of [['--tto'], ['--tto-steps', '2']]) {
      const v = await runCli('reconstruct', p('ball.off'), '-o', p('bad.ply'), '--input', 'voxels', ...flag);
      expect(v.code).toBe(2);
      expect(v.err).toMatch(/^onet: error \[INVALID_OPTION\]: --tto optimises a point-cloud encoding; it does not go with --input voxels$/m);
    }
    expect(existsSync(p('bad.ply'))).toBe(false);
  });
});
