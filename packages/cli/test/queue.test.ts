/**
 * `onet queue …` (a thin layer over @onet/queue): typed errors without Redis; with a throw-away redis-server,
 * submit (twice: nothing added), an in-process `worker --exit-when-idle`, `status` and `merge`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOff } from '@onet/io';
import { box, icosphere } from '@onet/sampling';
import { readShapeNetModel } from '@onet/sampling/node';
import { freePort, REDIS_NOT_RUN, REDIS_SERVER, startRedisServer } from '@onet/test-utils/redis';
import { runCli } from './helpers/runCli.js';

const run = runCli;

describe('onet queue without Redis', () => {
  it('an unreachable Redis is one typed line within the timeout', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await run('queue', 'status', '--redis', `redis://127.0.0.1:${port}`, '--connect-timeout', '1500');
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(new RegExp(`^onet: error \\[REDIS_UNREACHABLE\\]: redis://127\\.0\\.0\\.1:${port}: Redis is unreachable \\(connect ECONNREFUSED[^)]*\\); start redis-server there or fix --redis$`));
    expect(Date.now() - t0).toBeLessThan(5000);
    const bad = await run('queue', 'worker', '--redis', 'localhost:6379');
    expect(bad.err.trim()).toBe('onet: error [INVALID_OPTION]: --redis must be a URL like redis://host:6379, got "localhost:6379"');
  });
});

describe(`onet queue on redis-server${REDIS_NOT_RUN}`, () => {
  let dir: string;
  let redis: { url: string; stop: () => void } | undefined;
  beforeAll(async () => {
    if (!REDIS_SERVER) return;
    dir = await mkdtemp(join(tmpdir(), 'onet-cli-queue-'));
    await mkdir(join(dir, 'redis'));
    await mkdir(join(dir, 'meshes'));
    await writeFile(join(dir, 'meshes', 'ball.off'), writeOff(icosphere(1, 0.5)));
    await writeFile(join(dir, 'meshes', 'slab.off'), writeOff(box([0.8, 0.4, 0.2])));
    redis = await startRedisServer(join(dir, 'redis'));
  });
  afterAll(async () => {
    redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!REDIS_SERVER)('submit twice, run a worker until idle, status, merge', async () => {
    const url = redis!.url;
    const args = ['queue', 'submit', 'dataset', join(dir, 'meshes'), '-o', join(dir, 'data'), '--points', '1000', '--surface-points', '1000', '--voxel-resolution', '0', '--shards', '2', '--redis', url];
    const first = await run(...args);
    expect(first.code, first.err).toBe(0);
    const key = first.out.trim();
    expect(first.err).toContain(`submitted dataset stage ${key}: 2 shards + final job`);
    const second = await run(...args);
    expect(second.out.trim()).toBe(key);
    expect(second.err).toContain(`stage ${key} was already submitted: nothing added`);
    expect((await run('queue', 'status', '--redis', url)).out).toContain(`${key} (dataset): 0/2 done, 0 running, 2 waiting, 0 failed, 0 retried, final waiting`);

    const w = await run('queue', 'worker', '--redis', url, '--exit-when-idle', '--poll-ms', '100');
    expect(w.code, w.err).toBe(0);
    expect(w.err.match(/ done {2}dataset-/g)).toHaveLength(3);
    const st = await run('queue', 'status', '--redis', url, '--json');
    expect(JSON.parse(st.out)).toEqual([expect.objectContaining({ key, done: 2, failed: 0, retried: 0, final: 'completed', settled: true })]);
    for (const name of ['ball', 'slab']) {
      const m = await readShapeNetModel(join(dir, 'data', 'meshes', name), { fields: ['points', 'pointcloud'] });
      expect([m.points!.points.length, m.pointcloud!.points.length]).toEqual([3000, 3000]);
    }

    const m = await run('queue', 'merge', '--redis', url, '--stage', key);
    expect(m.code).toBe(1);
    expect(m.err.trim()).toBe(`onet: error [INVALID_OPTION]: stage "${key}" is a dataset stage; only eval stages merge`);
    const u = await run('queue', 'merge', '--redis', url, '--stage', 'eval-nope');
    expect(u.err.trim()).toBe('onet: error [UNKNOWN_STAGE]: no stage "eval-nope" in queue "onet"; `onet queue status` lists them');
  });
});
