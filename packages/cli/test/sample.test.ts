import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { parseMesh, writeOff } from '@onet/io';
import { box, icosphere } from '@onet/sampling';
import { OccupancyNetwork, type ModelConfig } from '@onet/model';
import { saveModelFiles, selectNodeBackend } from '@onet/nn/node';
import { main } from '../src/program.js';

async function run(...args: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const l = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`));
  const ce = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += `${a.join(' ')}\n`));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await main(['node', 'onet', ...args]), err, out };
  } finally {
    l.mockRestore();
    ce.mockRestore();
    e.mockRestore();
  }
}

const CONFIG: ModelConfig = { kind: 'vae', inputPoints: 512, noiseStd: 0, padding: 0.1, cDim: 0, encoderHidden: 128, decoderHidden: 8, zDim: 2, klWeight: 1 };

/**
 * A hand-set vae whose shape is an octahedron |x| + |y| + |z| < 0.25 + 0.1·relu(z₀): fc_p puts ±x, ±y, ±z in six
 * hidden units, the residual blocks are zero (identity), fc_z adds z₀ to unit 6, fc_out sums them.
 */
async function octahedronModel(dir: string): Promise<void> {
  const m = OccupancyNetwork.fromConfig(CONFIG, 1);
  const sd = m.net.stateDict();
  for (const a of sd.values()) a.data.fill(0);
  const fcP = sd.get('decoder.fc_p.weight')!; // [8, 3]
  for (let d = 0; d < 3; d++) {
    fcP.data[2 * d * 3 + d] = 1;
    fcP.data[(2 * d + 1) * 3 + d] = -1;
  }
  sd.get('decoder.fc_z.weight')!.data[6 * 2 + 0] = 1; // [8, 2]
  const out = sd.get('decoder.fc_out.weight')!; // [1, 8]
  for (let k = 0; k < 6; k++) out.data[k] = -1;
  out.data[6] = 0.1;
  sd.get('decoder.fc_out.bias')!.data[0] = 0.25;
  m.net.loadStateDict(sd);
  const { modelJson, weights } = m.save({ dtype: 'float32', extra: { threshold: 0.5 } });
  await saveModelFiles(dir, modelJson, weights);
  m.dispose();
}

/** Every undirected edge in exactly two faces: a closed mesh. */
function watertight(positions: Float32Array, indices: Uint32Array): boolean {
  const key = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
  const n = new Map<string, number>();
  for (let t = 0; t < indices.length; t += 3) for (let k = 0; k < 3; k++) n.set(key(indices[t + k], indices[t + ((k + 1) % 3)]), (n.get(key(indices[t + k], indices[t + ((k + 1) % 3)])) ?? 0) + 1);
  return positions.length > 0 && [...n.values()].every((c) => c === 2);
}

describe('onet sample / interpolate', () => {
  let dir: string;
  beforeAll(async () => {
    await selectNodeBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'onet-sample-'));
    await octahedronModel(join(dir, 'model'));
    await writeFile(join(dir, 'ball.off'), writeOff(icosphere(2, 0.5)));
    await writeFile(join(dir, 'slab.off'), writeOff(box([1, 0.3, 0.6])));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes N watertight meshes, the same for the same seed, without leaking tensors', async () => {
    const args = ['--model', join(dir, 'model'), '--resolution0', '16', '--upsampling-steps', '1', '--backend', 'wasm'];
    const r = await run('sample', '-n', '3', '-o', join(dir, 'a'), '--seed', '5', ...args);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect((await readdir(join(dir, 'a'))).sort()).toEqual(['sample-0.ply', 'sample-1.ply', 'sample-2.ply']);
    const sizes: number[] = [];
    for (const f of ['sample-0.ply', 'sample-1.ply', 'sample-2.ply']) {
      const mesh = parseMesh(new Uint8Array(await readFile(join(dir, 'a', f))), { source: f });
      expect(watertight(mesh.positions, mesh.indices)).toBe(true);
      let r1 = 0;
      for (let i = 0; i < mesh.positions.length; i += 3) r1 = Math.max(r1, Math.abs(mesh.positions[i]) + Math.abs(mesh.positions[i + 1]) + Math.abs(mesh.positions[i + 2]));
      sizes.push(r1);
      expect(r1).toBeGreaterThan(0.2); // the octahedron's L1 radius is 0.25 + 0.1·relu(z₀) (± a grid cell)
      expect(r1).toBeLessThan(0.25 + 0.1 * 4 + 0.1);
    }
    const before = tf.memory().numTensors;
    const again = await run('sample', '-n', '3', '-o', join(dir, 'b'), '--seed', '5', '--format', 'off', ...args);
    expect(again.code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const p0 = parseMesh(new Uint8Array(await readFile(join(dir, 'b', 'sample-0.off'))), { source: 'x.off' });
    const q0 = parseMesh(new Uint8Array(await readFile(join(dir, 'a', 'sample-0.ply'))), { source: 'x.ply' });
    expect(Array.from(p0.positions)).toEqual(Array.from(q0.positions));
  });

  it('interpolate writes the requested number of meshes', async () => {
    const r = await run('interpolate', join(dir, 'ball.off'), join(dir, 'slab.off'), '-n', '3', '-o', join(dir, 'i'), '--model', join(dir, 'model'), '--resolution0', '8', '--upsampling-steps', '1', '--backend', 'wasm');
    expect(r.code).toBe(0);
    expect((await readdir(join(dir, 'i'))).sort()).toEqual(['interp-0.ply', 'interp-1.ply', 'interp-2.ply']);
  });

  it('refuses a conditional model and bad counts with typed errors', async () => {
    const m = OccupancyNetwork.fromConfig({ kind: 'onet', inputPoints: 10, noiseStd: 0, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 4 }, 1);
    const { modelJson, weights } = m.save();
    await saveModelFiles(join(dir, 'onet'), modelJson, weights);
    m.dispose();
    const r = await run('sample', '-o', join(dir, 'c'), '--model', join(dir, 'onet'), '--backend', 'wasm');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[BAD_MODEL\].*not an unconditional/);
    const bad = await run('sample', '-n', '0', '-o', join(dir, 'c'));
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/count must be an integer ≥ 1/);
  });
});
