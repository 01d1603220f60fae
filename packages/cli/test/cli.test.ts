import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOff } from '@onet/io';
import { icosphere } from '@onet/sampling';
import { generationFlags } from '../src/program.js';
import { parseOptions } from './helpers/parseOptions.js';
import { formatStats } from '../src/format.js';
import { runCli } from './helpers/runCli.js';

const run = runCli;

describe('onet CLI errors: typed, one line, exit code ≠ 0', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onet-cli-'));
    await writeFile(join(dir, 'empty.xyz'), '');
    await writeFile(join(dir, 'garbage.ply'), 'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nend_header\n1 2\n');
    await writeFile(join(dir, 'nan.xyz'), '0 0 0\n1 nan 1\n');
    await writeFile(join(dir, 'ball.off'), writeOff(icosphere(1, 0.5)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const oneLine = (err: string) => {
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
    return lines[0];
  };

  it('unreadable input', async () => {
    const r = await run('reconstruct', join(dir, 'missing.ply'), '-o', join(dir, 'o.ply'));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/^onet: error \[UNREADABLE_INPUT\]: .*missing\.ply: cannot read input \(ENOENT\)/);
  });

  it('corrupt and unknown-format inputs', async () => {
    const r = await run('reconstruct', join(dir, 'garbage.ply'), '-o', join(dir, 'o.ply'));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/^onet: error \[UNREADABLE_INPUT\]: .*garbage\.ply/);
    const u = await run('reconstruct', join(dir, 'ball.abc'), '-o', join(dir, 'o.ply'));
    expect(u.code).toBe(1);
  });

  it('empty and non-finite clouds', async () => {
    const r = await run('reconstruct', join(dir, 'empty.xyz'), '-o', join(dir, 'o.ply'));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/^onet: error \[EMPTY_INPUT\]/);
    const n = await run('reconstruct', join(dir, 'nan.xyz'), '-o', join(dir, 'o.ply'));
    expect(n.code).toBe(1);
    expect(oneLine(n.err)).toMatch(/^onet: error \[(NON_FINITE_INPUT|UNREADABLE_INPUT)\]: .*nan\.xyz/);
  });

  it('bad output extension is a usage error; a missing model folder is found before the backend starts', async () => {
    const r = await run('reconstruct', join(dir, 'ball.off'), '-o', join(dir, 'o.stl'));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([
      expect.stringMatching(/^onet: error: option '-o, --output <file>' argument '.*o\.stl' is invalid\. unknown extension; use \.ply, \.obj, \.off, \.glb$/),
      "see 'onet reconstruct --help'",
    ]);
    const m = await run('reconstruct', join(dir, 'ball.off'), '-o', join(dir, 'o.ply'), '--model', join(dir, 'no-model'), '--backend', 'cpu');
    expect(m.code).toBe(1);
    expect(oneLine(m.err)).toMatch(/^onet: error \[UNREADABLE_INPUT\]: .*no-model: no such model folder/);
  });

  it('--verbose adds the stack; bad flags are usage errors', async () => {
    const r = await run('--verbose', 'reconstruct', join(dir, 'missing.ply'), '-o', join(dir, 'o.ply'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\n\s+at /);
    const b = await run('reconstruct', join(dir, 'ball.off'), '-o', join(dir, 'o.ply'), '--backend', 'tpu');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/tpu/);
    const s = await run('eval', '--data', join(dir, 'nope'), '--meshes', dir);
    expect(s.code).toBe(1);
    expect(oneLine(s.err)).toMatch(/^onet: error \[UNREADABLE_INPUT\]: .*nope: no such dataset root/);
  });

  it('eval of one mesh pair prints the four metrics', async () => {
    const r = await run('eval', '--pred', join(dir, 'ball.off'), '--gt', join(dir, 'ball.off'), '--eval-points', '2000', '--csv', join(dir, 'e.csv'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/IoU 1\.0000 · Chamfer-L1 0\.0\d+ .* normal consistency 0\.9\d+ · F-score@0\.01 /);
  });
});

describe('loadModel', () => {
  it('round-trips a saved model (same logits) and rejects corrupt weight files with BAD_MODEL', async () => {
    const { OccupancyNetwork } = await import('@onet/model');
    const { saveModelFiles } = await import('@onet/nn/node');
    const { loadModel } = await import('@onet/model/node');
    const { selectBackend } = await import('@onet/nn');
    await selectBackend('cpu');
    const dir = await mkdtemp(join(tmpdir(), 'onet-model-'));
    try {
      const m = OccupancyNetwork.fromConfig({ kind: 'onet', inputPoints: 32, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 }, 5);
      const { modelJson, weights } = m.save({ dtype: 'float32' });
      await saveModelFiles(dir, modelJson, weights);
      const loaded = await loadModel(dir);
      expect(loaded.fresh).toBe(false);
      const cloud = icosphere(1, 0.4).positions;
      const q = new Float32Array([0, 0, 0, 0.3, 0.1, -0.2]);
      const a = m.condition(cloud);
      const b = loaded.model.condition(cloud);
      expect([...(await b.logits(q))]).toEqual([...(await a.logits(q))]);
      a.dispose();
      b.dispose();
      m.dispose();
      loaded.model.dispose();
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(7));
      await expect(loadModel(dir)).rejects.toMatchObject({ code: 'BAD_MODEL' });
      await writeFile(join(dir, 'model.json'), '{ not json');
      await expect(loadModel(dir)).rejects.toMatchObject({ code: 'BAD_MODEL' });
      const fresh = await loadModel(join(dir, 'nothing-here'), { allowFresh: true });
      expect(fresh.fresh).toBe(true);
      expect(fresh.message).toMatch(/untrained/);
      fresh.model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('onet reconstruct generation flags', () => {
  const parse = (...args: string[]) => parseOptions('reconstruct', 'in.ply', '-o', 'out.ply', ...args);
  const flags = async (...args: string[]) => generationFlags(await parse(...args));
  it('--fill-cavities / --no-fill-cavities set it; without either the model decides (undefined)', async () => {
    expect((await flags()).fillCavities).toBeUndefined();
    expect((await flags()).threshold).toBeUndefined();
    expect((await flags('--fill-cavities')).fillCavities).toBe(true);
    expect((await flags('--no-fill-cavities')).fillCavities).toBe(false);
    expect((await flags('--threshold', '0.4')).threshold).toBe(0.4);
  });
  it('--test-time-augmentation is passed to loadModel as given; without it the model decides (undefined)', async () => {
    expect((await parse()).testTimeAugmentation).toBeUndefined();
    expect((await parse('--test-time-augmentation', 'half-turns')).testTimeAugmentation).toBe('half-turns');
    expect((await parse('--test-time-augmentation', 'none')).testTimeAugmentation).toBe('none');
  });
});

describe('formatStats', () => {
  const stats = {
    evaluations: 100, evaluationsPerRound: [60, 40], resolution: 64, threshold: 0.45, thresholdLogit: Math.log(0.45 / 0.55), filledNodes: 0, vertices: 3, faces: 1,
    timeMs: { encode: 1, mise: 2, network: 1, marchingCubes: 1, normals: 0, refine: 0, total: 5 },
  };
  it('names the τ generation used (it may depend on the input size) and the cavity nodes filled', () => {
    expect(formatStats(stats)).toMatch(/^mesh: 3 vertices, 1 faces \(grid 64³, τ 0\.45, 100 network evaluations: 60 \+ 40\)/);
    expect(formatStats({ ...stats, threshold: 0.2, thresholdLogit: Math.log(0.2 / 0.8), filledNodes: 12 })).toMatch(/\(grid 64³, τ 0\.2, 12 cavity nodes filled, 100/);
  });
});
