/**
 * A worker process for the tests: `node --import tsx --import ./register-source.mjs worker.ts <redis> <queue>`.
 * Prints each event as a JSON line on stdout; exits when the queue is idle. With `ONET_TEST_HANG=1` it reports
 * its first shard as started and then hangs inside it, so the test can SIGKILL it mid-shard for certain; with
 * `ONET_TEST_STAY=1` it serves until SIGTERM (the speed-up bench).
 */
import { DEFAULT_RUNNERS, startWorker, type ShardRunner } from '../../src/index.js';

const [redis, queue] = process.argv.slice(2);
const hang = process.env.ONET_TEST_HANG === '1';
const hangs: ShardRunner = () => new Promise(() => undefined);
const w = await startWorker({
  redis,
  queue,
  lockMs: Number(process.env.ONET_TEST_LOCK_MS ?? 3000),
  pollMs: 200,
  exitWhenIdle: process.env.ONET_TEST_STAY !== '1',
  backend: 'wasm',
  runners: hang ? { dataset: hangs, generate: hangs, eval: hangs } : DEFAULT_RUNNERS,
  onEvent: (e) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...e })}\n`),
});
process.stdout.write(`${JSON.stringify({ pid: process.pid, type: 'ready' })}\n`);
process.once('SIGTERM', () => void w.close());
await w.idle;
process.exit(0);
