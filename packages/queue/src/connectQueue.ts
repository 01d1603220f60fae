import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueError } from './errors.js';
import { stagesKey, type StageRecord } from './stages.js';

/** How to reach the queue: used by every function of this package. */
export interface QueueConnectionOptions {
  /** Redis URL, `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  redis: string;
  /** Queue name (several independent queues can share one Redis; default `onet`). */
  queue?: string;
  /** Milliseconds to wait for Redis before failing with `REDIS_UNREACHABLE` (default 5000). */
  connectTimeoutMs?: number;
}

/** Defaults of {@link QueueConnectionOptions}. */
export const QUEUE_CONNECTION_DEFAULTS = { queue: 'onet', connectTimeoutMs: 5000 } as const;

/** BullMQ's key prefix (its default). */
export const QUEUE_PREFIX = 'bull';

/** An open queue: the BullMQ `Queue`, a Redis client, the stage records; close it when done. */
export interface QueueConnection {
  /** The BullMQ queue (jobs are the shards). */
  queue: Queue;
  /** A Redis client for the stage records (`maxRetriesPerRequest` as asked). */
  redis: Redis;
  /** The queue's name. */
  name: string;
  /** Every submitted stage, by key. */
  stages(): Promise<Map<string, StageRecord>>;
  /** One stage. @throws {@link QueueError} `UNKNOWN_STAGE`. */
  stage(key: string): Promise<StageRecord>;
  /** Close the queue and the client. */
  close(): Promise<void>;
}

/**
 * Check that Redis answers a PING within `timeoutMs`, on a throw-away client that never retries.
 * @throws {@link QueueError} `INVALID_OPTION` (not a redis URL), `REDIS_UNREACHABLE` (no answer in time).
 */
export async function probeRedis(url: string, timeoutMs: number = QUEUE_CONNECTION_DEFAULTS.connectTimeoutMs): Promise<void> {
  if (!/^rediss?:\/\/[^/]/.test(url)) throw new QueueError('INVALID_OPTION', `--redis must be a URL like redis://host:6379, got "${url}"`);
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: unknown;
  client.on('error', (e) => void (lastError = e));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    const why = (lastError as Error | undefined)?.message ?? (e as Error).message;
    throw new QueueError('REDIS_UNREACHABLE', `${redact(url)}: Redis is unreachable (${why}); start redis-server there or fix --redis`, { cause: e });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Open a queue after {@link probeRedis}. `forWorker` sets `maxRetriesPerRequest: null` (what BullMQ workers need:
 * they ride out a Redis restart); otherwise commands fail after one retry instead of waiting forever.
 * @throws {@link QueueError} `INVALID_OPTION`, `REDIS_UNREACHABLE`.
 */
export async function connectQueue(options: QueueConnectionOptions, forWorker = false): Promise<QueueConnection> {
  const { queue: name, connectTimeoutMs } = { ...QUEUE_CONNECTION_DEFAULTS, ...options };
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new QueueError('INVALID_OPTION', `queue name "${name}" may hold only letters, digits, ".", "_" and "-"`);
  await probeRedis(options.redis, connectTimeoutMs);
  const redis = new Redis(options.redis, { connectTimeout: connectTimeoutMs, maxRetriesPerRequest: forWorker ? null : 1 });
  redis.on('error', () => undefined); // reported through the failing command instead
  const queue = new Queue(name, { connection: redis, prefix: QUEUE_PREFIX });
  queue.on('error', () => undefined);
  const hash = stagesKey(QUEUE_PREFIX, name);
  const parse = (key: string, text: string): StageRecord => ({ ...(JSON.parse(text) as StageRecord), key });
  return {
    queue,
    redis,
    name,
    async stages() {
      const all = await redis.hgetall(hash);
      return new Map(
        Object.entries(all)
          .map(([k, v]) => [k, parse(k, v)] as const)
          .sort((a, b) => a[1].submittedAt - b[1].submittedAt || (a[0] < b[0] ? -1 : 1)),
      );
    },
    async stage(key) {
      const text = await redis.hget(hash, key);
      if (text === null) throw new QueueError('UNKNOWN_STAGE', `no stage "${key}" in queue "${name}"; \`onet queue status\` lists them`);
      return parse(key, text);
    },
    async close() {
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
