/**
 * Speed-up of W worker processes over one for a dataset build through the queue (and one plain `buildDataset`
 * call without the queue, for the overhead). Small data: 16 procedural meshes, 20 000 + 20 000 points, 32³ voxels,
 * 8 shards. Run from the repo root, with redis-server installed:
 *   node --import tsx --import ./packages/queue/test/helpers/register-source.mjs packages/queue/bench/speedup.ts [W…]
 * Prints wall seconds from submit to the last shard (workers started and connected beforehand) and the load average.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOff } from '@onet/io';
import { box, cylinder, icosphere, torus } from '@onet/sampling';
import { buildDataset } from '@onet/sampling/node';
import { startRedisServer } from '@onet/test-utils/redis';
import { queueStatus, submitStage } from '../src/index.js';

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const workerCounts = counts.length ? counts : [1, 2];
const REGISTER = fileURLToPath(new URL('../test/helpers/register-source.mjs', import.meta.url));
const WORKER = fileURLToPath(new URL('../test/helpers/worker.ts', import.meta.url));
const sampling = { numPoints: 20_000, numSurfacePoints: 20_000, voxelResolution: 32 };
const SHARDS = 8;

const dir = await mkdtemp(join(tmpdir(), 'onet-queue-bench-'));
const meshes = join(dir, 'meshes');
await mkdir(meshes);
await mkdir(join(dir, 'redis'));
for (let i = 0; i < 4; i++) {
  await writeFile(join(meshes, `ball${i}.off`), writeOff(icosphere(3, 0.3 + 0.03 * i)));
  await writeFile(join(meshes, `box${i}.off`), writeOff(box([0.5 + 0.05 * i, 0.4, 0.3])));
  await writeFile(join(meshes, `torus${i}.off`), writeOff(torus(0.35, 0.08 + 0.01 * i, 64, 32)));
  await writeFile(join(meshes, `cyl${i}.off`), writeOff(cylinder(0.2 + 0.02 * i, 0.8, 64)));
}
const redis = await startRedisServer(join(dir, 'redis'));
const fmt = (s: number) => s.toFixed(1);
try {
  let t0 = performance.now();
  await buildDataset({ input: meshes, output: join(dir, 'plain'), ...sampling, onLog: () => undefined });
  const plain = (performance.now() - t0) / 1000;
  console.log(`plain buildDataset, one process: ${fmt(plain)} s (load average ${loadavg()[0].toFixed(1)})`);
  const results: Record<number, number> = {};
  for (const w of workerCounts) {
    const queue = `bench-${w}`;
    const procs = Array.from({ length: w }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--import', REGISTER, WORKER, redis.url, queue], { env: { ...process.env, ONET_TEST_STAY: '1', ONET_TEST_LOCK_MS: '60000' }, stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    await Promise.all(procs.map((p) => new Promise<void>((resolve) => p.stdout!.on('data', (d: Buffer) => d.toString().includes('"ready"') && resolve()))));
    t0 = performance.now();
    const { key } = await submitStage({ kind: 'dataset', params: { input: meshes, out: join(dir, `out-${w}`), ...sampling } }, { redis: redis.url, queue, shards: SHARDS });
    for (;;) {
      const s = (await queueStatus({ redis: redis.url, queue })).find((x) => x.key === key)!;
      if (s.settled) break;
      if (performance.now() - t0 > 600_000) throw new Error('bench took over 10 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
    results[w] = (performance.now() - t0) / 1000;
    console.log(`queue, ${w} worker process${w > 1 ? 'es' : ''}: ${fmt(results[w])} s (load average ${loadavg()[0].toFixed(1)})`);
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  }
  if (results[1] && results[2]) console.log(`speed-up of 2 workers over 1: ${(results[1] / results[2]).toFixed(2)}×`);
} finally {
  redis.stop();
  await rm(dir, { recursive: true, force: true });
}
