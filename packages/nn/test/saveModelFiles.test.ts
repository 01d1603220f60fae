import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ModelJson } from '../src/index.js';
import { loadModelFiles, saveModelFiles } from '../src/node.js';

/** File names whose atomic write "dies" before its rename (a process killed between the pair's two writes). */
const killBefore = new Set<string>();
const written: string[] = [];
vi.mock('@onet/io/node', async (importOriginal) => {
  const io = await importOriginal<typeof import('@onet/io/node')>();
  return {
    ...io,
    writeFileAtomic: async (path: string, data: Uint8Array | string) => {
      if (killBefore.has(basename(path))) throw new Error(`killed before ${basename(path)} was renamed`);
      written.push(basename(path));
      return io.writeFileAtomic(path, data);
    },
  };
});

const model = (values: number[]): { modelJson: ModelJson; weights: Uint8Array } => ({
  modelJson: {
    format: 'onet-model',
    formatVersion: 1,
    modelConfig: { kind: 'test', values: values.length },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [values.length], dtype: 'float32' }] }],
  },
  weights: new Uint8Array(new Float32Array(values).buffer),
});

describe('saveModelFiles writes model.json + weights.bin as a pair', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onet-save-pair-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the weights first, then model.json, each atomically', async () => {
    written.length = 0;
    await saveModelFiles(join(dir, 'ok'), model([1, 2, 3, 4]).modelJson, model([1, 2, 3, 4]).weights);
    expect(written).toEqual(['weights.bin', 'model.json']);
    expect((await readdir(join(dir, 'ok'))).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('killed between the two: new weights beside the old model.json fail to load with BAD_WEIGHTS_FILE', async () => {
    // same shapes, so without the hash the old model.json would decode the new weights silently
    const folder = join(dir, 'killed');
    const a = model([1, 2, 3, 4]);
    await saveModelFiles(folder, a.modelJson, a.weights);
    const oldJson = await readFile(join(folder, 'model.json'), 'utf8');
    const b = model([5, 6, 7, 8]);
    killBefore.add('model.json');
    try {
      await expect(saveModelFiles(folder, b.modelJson, b.weights)).rejects.toThrow(/killed before model\.json/);
    } finally {
      killBefore.clear();
    }
    expect(await readFile(join(folder, 'model.json'), 'utf8')).toBe(oldJson); // the old one, whole
    expect(new Uint8Array(await readFile(join(folder, 'weights.bin')))).toEqual(b.weights); // the new one, whole
    await expect(loadModelFiles(folder)).rejects.toMatchObject({ code: 'BAD_WEIGHTS_FILE', message: expect.stringMatching(/weights\.bin: SHA-256 [0-9a-f]{64} does not match/) });
    // saving again completes the pair
    await saveModelFiles(folder, b.modelJson, b.weights);
    expect(Array.from((await loadModelFiles(folder)).weights.get('w')!.data)).toEqual([5, 6, 7, 8]);
  });

  it('killed before the weights: the old pair is untouched and still loads', async () => {
    const folder = join(dir, 'early');
    const a = model([1, 2]);
    await saveModelFiles(folder, a.modelJson, a.weights);
    killBefore.add('weights.bin');
    try {
      await expect(saveModelFiles(folder, model([3, 4]).modelJson, model([3, 4]).weights)).rejects.toThrow(/killed/);
    } finally {
      killBefore.clear();
    }
    expect(Array.from((await loadModelFiles(folder)).weights.get('w')!.data)).toEqual([1, 2]);
  });
});
