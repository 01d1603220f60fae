import type { Worker } from 'node:worker_threads';

/** A reply of a worker thread speaking the {@link workerChannel} protocol. */
export interface WorkerReply {
  type: string;
  /** The id of the request it answers. */
  id: number;
  /** With `type: 'error'`: what went wrong. */
  message?: string;
  /** With `type: 'error'`: an error code, when the worker's error had one. */
  code?: string;
  [key: string]: unknown;
}

/** Requests to one worker thread; see {@link workerChannel}. */
export interface WorkerChannel {
  /**
   * Post `msg` (it must carry a fresh `id`) and resolve with the worker's reply of type `expect` and the same id.
   * Rejects with the channel's error when the reply is `type: 'error'`, when the worker exits or fails (also
   * before the request: a dead worker fails at once instead of leaving the promise pending), or when closed.
   */
  request(msg: { id: number; type: string; [key: string]: unknown }, expect: string, transfer?: ArrayBuffer[]): Promise<WorkerReply>;
  /** Fail every pending and future request and terminate the worker. */
  close(): Promise<void>;
}

/**
 * Request/reply over a Node worker thread, matched by id (Node only). Listens for the worker's `exit` and
 * `error` for its whole life, so a worker that dies between requests fails the next request instead of hanging
 * it, and an `error` event never goes unhandled. `fail(message, code)` makes the caller's typed error.
 */
export function workerChannel(worker: Worker, fail: (message: string, code?: string) => Error): WorkerChannel {
  let dead: Error | undefined;
  const pending = new Set<(e: Error) => void>();
  const kill = (e: Error) => {
    dead ??= e;
    for (const reject of pending) reject(dead);
    pending.clear();
  };
  worker.on('exit', (code) => kill(fail(`worker exited (code ${code})`)));
  worker.on('error', (e) => kill(fail(`worker failed: ${e.message}`)));
  return {
    request(msg, expect, transfer = []) {
      return new Promise<WorkerReply>((resolve, reject) => {
        if (dead) return reject(dead);
        const abort = (e: Error) => {
          worker.off('message', onMessage);
          reject(e);
        };
        const onMessage = (m: WorkerReply) => {
          if (m.id !== msg.id) return;
          worker.off('message', onMessage);
          pending.delete(abort);
          if (m.type === 'error') reject(fail(m.message ?? 'unknown error', m.code));
          else if (m.type === expect) resolve(m);
          else reject(fail(`unexpected reply ${m.type} (expected ${expect})`));
        };
        pending.add(abort);
        worker.on('message', onMessage);
        worker.postMessage(msg, transfer);
      });
    },
    async close() {
      kill(fail('worker was closed'));
      await worker.terminate();
    },
  };
}
