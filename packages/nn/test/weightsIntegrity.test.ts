import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addWeightsHash, decodeWeights, fetchModel, sha256Hex, verifyWeightsHash, type ModelJson } from '../src/index.js';
import { loadModelFiles, saveModelFiles } from '../src/node.js';

/** Tensors `w` [2, 2] and `b` [2] as float32: 24 bytes. */
const plain = (): { modelJson: ModelJson; weights: Uint8Array } => ({
  modelJson: {
    format: 'onet-model',
    formatVersion: 1,
    modelConfig: { kind: 'test' },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'w', shape: [2, 2], dtype: 'float32' },
          { name: 'b', shape: [2], dtype: 'float32' },
        ],
      },
    ],
  },
  weights: new Uint8Array(new Float32Array([1, -2, 3.5, 4, 0.25, -0.5]).buffer),
});
const nodeSha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('weights integrity: SHA-256 in model.json, finite values', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onet-weights-hash-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('sha256Hex (Web Crypto) agrees with the FIPS 180-2 vector and node:crypto', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const { weights } = plain();
    expect(await sha256Hex(weights)).toBe(nodeSha(weights));
  });

  it('saveModelFiles records the hash of the bytes it wrote, leaving the caller’s modelJson alone', async () => {
    const { modelJson, weights } = plain();
    await saveModelFiles(join(dir, 'good'), modelJson, weights);
    const onDisk = await readFile(join(dir, 'good', 'weights.bin'));
    const json = JSON.parse(await readFile(join(dir, 'good', 'model.json'), 'utf8')) as ModelJson;
    expect(json.weightsManifest[0].sha256).toEqual([nodeSha(onDisk)]);
    expect(modelJson.weightsManifest[0].sha256).toBeUndefined();
    expect((await readdir(join(dir, 'good'))).sort()).toEqual(['model.json', 'weights.bin']); // no temporary files left
    const loaded = await loadModelFiles(join(dir, 'good'));
    expect(Array.from(loaded.weights.get('b')!.data)).toEqual([0.25, -0.5]);
  });

  it('a flipped byte in weights.bin is BAD_WEIGHTS_FILE naming the file and both hashes', async () => {
    const { modelJson, weights } = plain();
    await saveModelFiles(join(dir, 'flip'), modelJson, weights);
    const bad = weights.slice();
    bad[5] ^= 0x01; // -2 → a slightly different finite float: decoding alone would not notice
    await writeFile(join(dir, 'flip', 'weights.bin'), bad);
    const err = await loadModelFiles(join(dir, 'flip')).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NNError', code: 'BAD_WEIGHTS_FILE' });
    const msg = (err as Error).message;
    expect(msg).toContain(join(dir, 'flip', 'weights.bin'));
    expect(msg).toContain(nodeSha(bad));
    expect(msg).toContain(nodeSha(weights));
  });

  it('a model.json without a hash (older models) still loads; a malformed one is refused', async () => {
    const { modelJson, weights } = plain();
    await saveModelFiles(join(dir, 'old'), modelJson, weights);
    const json = JSON.parse(await readFile(join(dir, 'old', 'model.json'), 'utf8')) as ModelJson;
    delete json.weightsManifest[0].sha256;
    await writeFile(join(dir, 'old', 'model.json'), JSON.stringify(json));
    expect(Array.from((await loadModelFiles(join(dir, 'old'))).weights.get('w')!.data)).toEqual([1, -2, 3.5, 4]);
    for (const sha256 of ['abc', ['xyz'], [nodeSha(weights), nodeSha(weights)], 42]) {
      const odd = { ...json, weightsManifest: [{ ...json.weightsManifest[0], sha256 }] } as unknown as ModelJson;
      await expect(verifyWeightsHash(odd, weights, 'w.bin'), JSON.stringify(sha256)).rejects.toMatchObject({ code: 'BAD_WEIGHTS_FILE', message: expect.stringMatching(/64 hex digits/) });
    }
    // upper-case hex is the same hash
    const upper = await addWeightsHash(json, weights);
    upper.weightsManifest[0].sha256 = [upper.weightsManifest[0].sha256![0].toUpperCase()];
    await expect(verifyWeightsHash(upper, weights, 'w.bin')).resolves.toBeUndefined();
  });

  it('NaN or ±Infinity weights are BAD_WEIGHTS_FILE naming the tensor, even with a matching hash', async () => {
    for (const [bad, index] of [
      [Number.POSITIVE_INFINITY, 4],
      [Number.NEGATIVE_INFINITY, 1],
      [Number.NaN, 5],
    ] as const) {
      const { modelJson, weights } = plain();
      const f = new Float32Array(weights.buffer);
      f[index] = bad;
      const name = index < 4 ? 'w' : 'b';
      expect(() => decodeWeights(modelJson, weights)).toThrow(expect.objectContaining({ code: 'BAD_WEIGHTS_FILE', message: expect.stringContaining(`weight ${name} holds NaN or ±Infinity`) }));
      await saveModelFiles(join(dir, `inf${index}`), modelJson, weights);
      await expect(loadModelFiles(join(dir, `inf${index}`))).rejects.toMatchObject({ code: 'BAD_WEIGHTS_FILE', message: expect.stringContaining(`weight ${name}`) });
    }
    // float16 weights: 0x7c00 is +Infinity
    const { modelJson } = plain();
    const half: ModelJson = { ...modelJson, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'h', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } }] }] };
    expect(() => decodeWeights(half, new Uint8Array(new Uint16Array([0x3c00, 0x7c00]).buffer))).toThrow(/weight h holds NaN or ±Infinity/);
  });

  it('fetchModel (the browser path) checks the hash too', async () => {
    const { modelJson, weights } = plain();
    const hashed = await addWeightsHash(modelJson, weights);
    const files = new Map<string, Uint8Array | string>([
      ['http://models.test/m/model.json', JSON.stringify(hashed)],
      ['http://models.test/m/weights.bin', weights],
    ]);
    vi.stubGlobal('fetch', async (url: URL) => {
      const body = files.get(String(url));
      return body === undefined ? new Response(null, { status: 404 }) : new Response(body as BodyInit);
    });
    try {
      expect(Array.from((await fetchModel('http://models.test/m')).weights.get('b')!.data)).toEqual([0.25, -0.5]);
      const bad = weights.slice();
      bad[0] ^= 0x80;
      files.set('http://models.test/m/weights.bin', bad);
      await expect(fetchModel('http://models.test/m')).rejects.toMatchObject({ code: 'BAD_WEIGHTS_FILE', message: expect.stringContaining('http://models.test/m/weights.bin: SHA-256') });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
