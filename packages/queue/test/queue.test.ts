/**
 * @onet/queue end to end on a real redis-server (Debian package; installed by .ci/run): a producer and three worker
 * PROCESSES build a dataset, generate meshes and evaluate them; one worker is SIGKILLed inside a shard. Every shard
 * must complete exactly once, the outputs must equal a single-process run's byte for byte, and the merged CSV must
 * be complete. Without redis-server the suite says NOT RUN in its name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOff } from '@onet/io';
import { box, icosphere, torus } from '@onet/sampling';
import { buildDataset, writeSplits } from '@onet/sampling/node';
import { evaluateSplit, evaluationCsv, generateSplit, loadModel } from '@onet/model/node';
import { selectNodeBackend } from '@onet/nn/node';
import { modelDir } from '@onet/models';
import { dataPath } from '@onet/test-utils/data';
import { freePort, REDIS_NOT_RUN, REDIS_SERVER, startRedisServer } from '@onet/test-utils/redis';
import { mergeEvaluation, probeRedis, queueStatus, startWorker, submitStage, connectQueue, QueueError, type StageSpec } from '../src/index.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const REGISTER = fileURLToPath(new URL('./helpers/register-source.mjs', import.meta.url));
const WORKER = fileURLToPath(new URL('./helpers/worker.ts', import.meta.url));
if (!REDIS_SERVER) console.warn('@onet/queue: redis-server not found: the queue suite did NOT RUN');

/** Poll `check` every 100 ms until it returns a value; fail after `ms`. */
async function waitFor<T>(what: string, ms: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Events {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

function startWorkerProcess(url: string, queue: string, env: Record<string, string> = {}): Events {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--import', REGISTER, WORKER, url, queue], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  void exited.then((code) => code !== 0 && code !== null && console.error(`worker ${proc.pid} exited ${code}: ${err.slice(-2000)}`));
  return { proc, lines, exited };
}

/** Every file under `dir` (relative path → bytes). */
async function tree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p));
    }
  };
  await walk(dir);
  return out;
}

describe('Redis unreachable: a typed error within a few seconds', () => {
  it('refused port and bad URL', async () => {
    const port = await freePort(); // nothing listens there now
    const t0 = Date.now();
    await expect(probeRedis(`redis://127.0.0.1:${port}`, 2000)).rejects.toMatchObject({ code: 'REDIS_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED') });
    expect(Date.now() - t0).toBeLessThan(3000);
    await expect(probeRedis('127.0.0.1:6379')).rejects.toBeInstanceOf(QueueError);
    await expect(submitStage({ kind: 'eval', params: { data: 'd', meshes: 'm', csv: 'x.csv' } }, { redis: `redis://127.0.0.1:${port}`, shards: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(queueStatus({ redis: `redis://127.0.0.1:${port}`, connectTimeoutMs: 1500 })).rejects.toMatchObject({ code: 'REDIS_UNREACHABLE' });
    expect(Date.now() - t0).toBeLessThan(6000);
  });

  it('a server that never answers: bounded by the timeout', async () => {
    // A listening socket that accepts and stays silent (a hung server, a black-holing proxy).
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const t0 = Date.now();
    try {
      await expect(probeRedis(`redis://127.0.0.1:${port}`, 1000)).rejects.toMatchObject({ code: 'REDIS_UNREACHABLE' });
      expect(Date.now() - t0).toBeLessThan(2500);
    } finally {
      silent.close();
    }
  });
});

describe(`@onet/queue on redis-server${REDIS_NOT_RUN}`, () => {
  let dir: string;
  let redis: { url: string; stop: () => void } | undefined;
  const meshes = () => join(dir, 'meshes');
  const sampling = { numPoints: 3000, numSurfacePoints: 3000, voxelResolution: 16 };
  const generation = { resolution0: 16, upsamplingSteps: 0 };

  beforeAll(async () => {
    if (!REDIS_SERVER) return;
    dir = await mkdtemp(join(tmpdir(), 'onet-queue-'));
    await mkdir(join(dir, 'redis'));
    await mkdir(meshes());
    for (const name of ['3torus.off', 'eight.off', 'elephant.off']) await copyFile(dataPath(`meshes/${name}`), join(meshes(), name));
    await writeFile(join(meshes(), 'ball.off'), writeOff(icosphere(2, 0.5)));
    await writeFile(join(meshes(), 'box.off'), writeOff(box([0.8, 0.5, 0.3])));
    await writeFile(join(meshes(), 'torus.off'), writeOff(torus(0.35, 0.12, 24, 12)));
    redis = await startRedisServer(join(dir, 'redis'));
  });

  afterAll(async () => {
    redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!REDIS_SERVER)('a shard that keeps failing is failed with its error after N attempts; the others go on', async () => {
    const url = redis!.url;
    const spec: StageSpec = { kind: 'dataset', params: { input: meshes(), out: join(dir, 'unused') } };
    const { key } = await submitStage(spec, { redis: url, queue: 'failing', shards: 3, attempts: 2, backoffMs: 50 });
    const calls: number[] = [];
    const w = await startWorker({
      redis: url,
      queue: 'failing',
      pollMs: 50,
      exitWhenIdle: true,
      runners: {
        dataset: async ({ k }) => {
          calls.push(k);
          if (k === 1) throw new Error('mesh 1 is cursed');
          return { k };
        },
      },
    });
    await Promise.race([w.idle, new Promise((_, reject) => setTimeout(() => reject(new Error('worker did not go idle in 30 s')), 30_000))]);
    const [s] = await queueStatus({ redis: url, queue: 'failing' });
    expect(s).toMatchObject({ key, done: 2, failed: 1, retried: 1, running: 0, waiting: 0, final: 'completed', settled: true, errors: [{ k: 1, error: 'mesh 1 is cursed' }] });
    expect(calls.sort()).toEqual([-1, 0, 1, 1, 2]); // shard 1 twice (2 attempts), the final job once
  });

  it.skipIf(!REDIS_SERVER)('3 worker processes, one SIGKILLed mid-shard: every shard done once, outputs equal a single-process run', async () => {
    const url = redis!.url;
    const out = join(dir, 'q');
    const datasetSpec: StageSpec = { kind: 'dataset', params: { input: meshes(), out: join(out, 'data'), splits: true, ...sampling } };
    const { key: dataset, added } = await submitStage(datasetSpec, { redis: url, shards: 3 });
    expect(dataset).toMatch(/^dataset-[0-9a-f]{12}$/);
    expect(added).toBe(4);
    // The same stage again: same key, nothing added.
    expect(await submitStage(datasetSpec, { redis: url, shards: 3 })).toEqual({ key: dataset, added: 0, existing: 4 });
    const genSpec: StageSpec = { kind: 'generate', params: { data: join(out, 'data'), split: 'train', outDir: join(out, 'gen'), model: modelDir('grid-v1'), generation } };
    const gen = (await submitStage(genSpec, { redis: url, shards: 2, after: dataset })).key;
    const evalSpec: StageSpec = { kind: 'eval', params: { data: join(out, 'data'), split: 'train', meshes: join(out, 'gen'), csv: join(out, 'eval.csv'), json: join(out, 'eval.json'), points: 2000 } };
    const ev = (await submitStage(evalSpec, { redis: url, shards: 2, after: gen })).key;
    // A stage whose every shard fails (no such folder): marked failed after 2 attempts, the rest goes on.
    const broken = await submitStage({ kind: 'dataset', params: { input: join(dir, 'nope'), out: join(dir, 'nope-out') } }, { redis: url, shards: 2, attempts: 2, backoffMs: 50 });

    // Workers: the victim hangs inside its first shard and is SIGKILLed there; the other two do everything.
    const victim = startWorkerProcess(url, 'onet', { ONET_TEST_HANG: '1', ONET_TEST_LOCK_MS: '8000' });
    const workers = [startWorkerProcess(url, 'onet', { ONET_TEST_LOCK_MS: '8000' }), startWorkerProcess(url, 'onet', { ONET_TEST_LOCK_MS: '8000' })];
    try {
      const started = await waitFor('the victim to start a shard', 60_000, () => victim.lines.find((l) => l.type === 'started'));
      victim.proc.kill('SIGKILL');
      await victim.exited;
      const codes = await Promise.race([
        Promise.all(workers.map((w) => w.exited)),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('workers did not finish in 100 s')), 100_000)),
      ]);
      expect(codes).toEqual([0, 0]);

      const completed = workers.flatMap((w) => w.lines).filter((l) => l.type === 'completed').map((l) => l.jobId as string);
      const expected = [dataset, gen, ev].flatMap((key, i) => {
        const n = [3, 2, 2][i];
        return [...Array.from({ length: n }, (_, k) => `${key}-${k}-of-${n}`), `${key}-final`];
      }).concat(`${broken.key}-final`); // its shards failed, its final job ran
      expect(completed.slice().sort()).toEqual(expected.slice().sort()); // each exactly once
      expect(victim.lines.some((l) => l.type === 'completed')).toBe(false);
      expect(completed).toContain(started.jobId);

      const status = await queueStatus({ redis: url });
      const byKey = new Map(status.map((s) => [s.key, s]));
      const victimStage = byKey.get(started.stage as string)!;
      expect(victimStage.retried).toBeGreaterThanOrEqual(started.k === -1 ? 0 : 1);
      for (const key of [dataset, gen, ev]) expect(byKey.get(key)).toMatchObject({ failed: 0, running: 0, waiting: 0, final: 'completed', settled: true });
      expect(byKey.get(broken.key)).toMatchObject({ done: 0, failed: 2, final: 'completed', settled: true });
      expect(byKey.get(broken.key)!.errors[0].error).toMatch(/nope: cannot list mesh files/);

      // The same work in one process, without the queue.
      const ref = join(dir, 'ref');
      await buildDataset({ input: meshes(), output: join(ref, 'data'), ...sampling, onLog: () => undefined });
      await writeSplits(join(ref, 'data'));
      await selectNodeBackend('wasm');
      const { model } = await loadModel(modelDir('grid-v1'));
      try {
        await generateSplit(model, { root: join(ref, 'data'), split: 'train', outDir: join(ref, 'gen'), generation });
      } finally {
        model.dispose();
      }
      const report = await evaluateSplit({ root: join(ref, 'data'), split: 'train', meshDir: join(ref, 'gen'), points: 2000 });

      const [qData, rData] = await Promise.all([tree(join(out, 'data')), tree(join(ref, 'data'))]);
      expect([...qData.keys()].sort()).toEqual([...rData.keys()].sort());
      expect([...qData.keys()].filter((p) => p.includes('.tmp'))).toEqual([]);
      for (const [p, bytes] of rData) expect(qData.get(p)!.equals(bytes), p).toBe(true);
      const [qGen, rGen] = await Promise.all([tree(join(out, 'gen')), tree(join(ref, 'gen'))]);
      expect([...qGen.keys()].sort()).toEqual([...rGen.keys()].sort());
      expect(qGen.size).toBe(5); // the train split of 6 meshes (0.7/0.1/0.2: 5/0/1)
      for (const [p, bytes] of rGen) expect(qGen.get(p)!.equals(bytes), p).toBe(true);

      const csv = await readFile(join(out, 'eval.csv'), 'utf8');
      expect(csv).toBe(evaluationCsv(report));
      expect(csv.trim().split('\n')).toHaveLength(1 + report.rows.length + 1);
      expect(report.rows.length + report.failed.length).toBe(5);
      expect(JSON.parse(await readFile(join(out, 'eval.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));

      // Merging again gives the same CSV (rows keyed by shape: never duplicated).
      const c = await connectQueue({ redis: url });
      const evalStage = await c.stage(ev).finally(() => c.close());
      expect((await mergeEvaluation(evalStage, { csv: join(out, 'again.csv') })).missingShards).toEqual([]);
      expect(await readFile(join(out, 'again.csv'), 'utf8')).toBe(csv);
    } finally {
      for (const w of [victim, ...workers]) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
    }
  }, 240_000); // ~30 s on an idle 2-core machine, 85 s at a load average of 25; every wait inside is bounded
});
