import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weightsFileName, type ModelJson } from '../src/index.js';
import { loadModelFiles } from '../src/node.js';

const json = (path: unknown): ModelJson => ({ format: 'onet-model', formatVersion: 1, modelConfig: {}, weightsManifest: [{ paths: [path as string], weights: [] }] }) as ModelJson;

describe('weightsFileName: a model.json cannot point its loader outside the model folder', () => {
  it('accepts plain names and refuses paths, parents, absolute paths and URLs', () => {
    expect(weightsFileName(json('weights.bin'))).toBe('weights.bin');
    expect(weightsFileName(json('w_2.f16.bin'))).toBe('w_2.f16.bin');
    expect(weightsFileName({ ...json('x'), weightsManifest: undefined } as unknown as ModelJson)).toBe('weights.bin');
    for (const bad of ['../secret', '..', '/etc/passwd', 'a/b.bin', 'a\\b.bin', 'https://evil.example/w.bin', 'file:///etc/passwd', '', '.hidden', 42]) {
      expect(() => weightsFileName(json(bad)), String(bad)).toThrow(expect.objectContaining({ code: 'BAD_WEIGHTS_FILE' }));
    }
  });

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onet-weights-path-'));
    await mkdir(join(dir, 'model'));
    await writeFile(join(dir, 'secret.bin'), new Uint8Array(new Float32Array([1, 2]).buffer)); // a readable file beside the model folder
    const modelJson = { format: 'onet-model', formatVersion: 1, modelConfig: {}, weightsManifest: [{ paths: ['../secret.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] };
    await writeFile(join(dir, 'model', 'model.json'), JSON.stringify(modelJson));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loadModelFiles refuses a weights path that leaves the folder (the file there is never read)', async () => {
    await expect(loadModelFiles(join(dir, 'model'))).rejects.toMatchObject({ code: 'BAD_WEIGHTS_FILE', message: expect.stringMatching(/plain file name/) });
  });
});
