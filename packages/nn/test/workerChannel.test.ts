import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { workerChannel } from '../src/node.js';

// A tiny echo worker: 'echo' → 'echoed' with the same id and value ×2, 'bad' → an error reply, 'die' → exit(3).
const BODY = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.type === 'echo') parentPort.postMessage({ type: 'echoed', id: m.id, value: m.value * 2 });
  else if (m.type === 'bad') parentPort.postMessage({ type: 'error', id: m.id, message: 'no good', code: 'X' });
  else if (m.type === 'die') process.exit(3);
});`;

describe('workerChannel', () => {
  it('matches replies by id, types errors, and fails requests to a dead worker at once', async () => {
    const fail = (message: string, code?: string) => Object.assign(new Error(`test worker: ${message}`), { code });
    const c = workerChannel(new Worker(BODY, { eval: true }), fail);
    const [a, b] = await Promise.all([c.request({ type: 'echo', id: 1, value: 5 }, 'echoed'), c.request({ type: 'echo', id: 2, value: 7 }, 'echoed')]);
    expect([a.value, b.value]).toEqual([10, 14]);
    await expect(c.request({ type: 'bad', id: 3 }, 'echoed')).rejects.toMatchObject({ message: 'test worker: no good', code: 'X' });
    await expect(c.request({ type: 'die', id: 4 }, 'echoed')).rejects.toThrow('test worker: worker exited (code 3)');
    // the worker is gone: the next request must reject, not wait forever
    await expect(c.request({ type: 'echo', id: 5, value: 1 }, 'echoed')).rejects.toThrow('worker exited (code 3)');
    await c.close();
  });
});
