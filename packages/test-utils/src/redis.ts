/**
 * A throw-away `redis-server` for tests (Debian's `redis-server`, installed by `.ci/run`): on 127.0.0.1, a free
 * port, no persistence, its own folder. Node built-ins only.
 *
 * @example
 * ```ts
 * import { REDIS_SERVER, startRedisServer } from '@onet/test-utils/redis';
 * describe.skipIf(!REDIS_SERVER)(`queue${REDIS_NOT_RUN}`, () => { … const r = await startRedisServer(dir); … r.stop(); });
 * ```
 */
import { spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** Path of `redis-server`, or '' when it is not installed. */
export const REDIS_SERVER = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout?.trim() ?? '';

/** `' [NOT RUN: …]'` for a suite name when redis-server is missing (the summary reporter shows it), else ''. */
export const REDIS_NOT_RUN = REDIS_SERVER ? '' : ' [NOT RUN: redis-server is not installed (apt-get install redis-server)]';

/** A free TCP port on 127.0.0.1 (nothing listens there once this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => {
      c.destroy();
      resolve(ok);
    };
    c.setTimeout(1000, () => done(false));
    c.once('error', () => done(false));
    c.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    c.once('connect', () => c.write('PING\r\n'));
  });
}

/**
 * Start `redis-server` in `dir` on a free port and wait (at most `timeoutMs`) until it answers PING.
 * @throws Error when redis-server is missing or does not answer in time.
 */
export async function startRedisServer(dir: string, timeoutMs = 15_000): Promise<{ url: string; port: number; stop: () => void }> {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  const proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const stop = () => void proc.kill('SIGKILL');
  const end = Date.now() + timeoutMs;
  while (!(await pong(port))) {
    if (proc.exitCode !== null || Date.now() > end) {
      stop();
      throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
