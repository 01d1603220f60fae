import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@onet/nn';
import { saveModelFiles } from '@onet/nn/node';
import { OccupancyNetwork } from '../src/model.js';
import { loadModel } from '../src/node/loadModel.js';
import { loadModelFrom, urlModelSource } from '../src/loadModel.js';

describe('loadModel refuses hostile model folders with BAD_MODEL', () => {
  let dir: string;
  const tiny = { kind: 'onet' as const, inputPoints: 32, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 };
  beforeAll(async () => {
    await selectBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'onet-load-'));
    const m = OccupancyNetwork.fromConfig(tiny, 1);
    const { modelJson, weights } = m.save({ dtype: 'float32' });
    m.dispose();
    await saveModelFiles(join(dir, 'good'), modelJson, weights);
    await saveModelFiles(join(dir, 'escape'), { ...modelJson, weightsManifest: [{ ...modelJson.weightsManifest[0], paths: ['../good/weights.bin'] }] }, weights);
    const nan = new Float32Array(weights.slice().buffer);
    nan[3] = Number.NaN;
    await saveModelFiles(join(dir, 'nan'), modelJson, new Uint8Array(nan.buffer));
    const inf = new Float32Array(weights.slice().buffer);
    inf[0] = Number.POSITIVE_INFINITY;
    await saveModelFiles(join(dir, 'inf'), modelJson, new Uint8Array(inf.buffer));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads the good folder', async () => {
    const { model, fresh } = await loadModel(join(dir, 'good'));
    expect(fresh).toBe(false);
    model.dispose();
  });

  it('a weights path that leaves the folder is refused (even though the file it names is a valid weights file)', async () => {
    expect(JSON.parse(await readFile(join(dir, 'escape', 'model.json'), 'utf8')).weightsManifest[0].paths[0]).toBe('../good/weights.bin');
    await expect(loadModel(join(dir, 'escape'))).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/plain file name/) });
  });

  it('NaN or ±Infinity weights are refused, naming the weight', async () => {
    await expect(loadModel(join(dir, 'nan'))).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/NaN or ±Infinity/) });
    await expect(loadModel(join(dir, 'inf'))).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/NaN or ±Infinity/) });
  });

  it('the weights are checked against the SHA-256 model.json records, on disk and over HTTP', async () => {
    const good = join(dir, 'good');
    const json = JSON.parse(await readFile(join(good, 'model.json'), 'utf8'));
    const bytes = new Uint8Array(await readFile(join(good, 'weights.bin')));
    expect(json.weightsManifest[0].sha256).toEqual([createHash('sha256').update(bytes).digest('hex')]); // present and right: loads (above)
    const flipped = bytes.slice();
    flipped[9] ^= 0x04; // one bit of one float32: still finite, a silently different network without the hash
    await mkdir(join(dir, 'flipped'));
    await writeFile(join(dir, 'flipped', 'model.json'), JSON.stringify(json));
    await writeFile(join(dir, 'flipped', 'weights.bin'), flipped);
    const err = await loadModel(join(dir, 'flipped')).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PipelineError', code: 'BAD_MODEL' });
    expect((err as Error).message).toContain(join(dir, 'flipped', 'weights.bin'));
    expect((err as Error).message).toContain(json.weightsManifest[0].sha256[0]);
    expect((err as Error).message).toContain(createHash('sha256').update(flipped).digest('hex'));
    // the browser's loader: same check through urlModelSource
    const files = new Map<string, Uint8Array>([
      ['model.json', new TextEncoder().encode(JSON.stringify(json))],
      ['weights.bin', flipped],
    ]);
    const fakeFetch = (async (url: URL) => {
      const body = files.get(String(url).replace('http://models.test/m/', ''));
      return body ? new Response(body as BodyInit) : new Response(null, { status: 404 });
    }) as typeof fetch;
    await expect(loadModelFrom(urlModelSource('http://models.test/m', fakeFetch))).rejects.toMatchObject({
      code: 'BAD_MODEL',
      message: expect.stringMatching(/^http:\/\/models\.test\/m\/weights\.bin: SHA-256 [0-9a-f]{64} does not match/),
    });
    files.set('weights.bin', bytes);
    const over = await loadModelFrom(urlModelSource('http://models.test/m', fakeFetch));
    over.model.dispose();
    // a model.json saved before hashes were recorded still loads
    delete json.weightsManifest[0].sha256;
    await writeFile(join(dir, 'flipped', 'model.json'), JSON.stringify(json));
    await writeFile(join(dir, 'flipped', 'weights.bin'), bytes);
    const old = await loadModel(join(dir, 'flipped'));
    expect(old.fresh).toBe(false);
    old.model.dispose();
  });

  it('a corrupt model.json is BAD_MODEL naming the file', async () => {
    await writeFile(join(dir, 'good', 'model.json'), '{ not json');
    await expect(loadModel(join(dir, 'good'))).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/model\.json/) });
  });
});
