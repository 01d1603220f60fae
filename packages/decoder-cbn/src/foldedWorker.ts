/**
 * Worker-thread body of {@link createFoldedWorkerPool} (Node only): its own tfjs wasm backend and
 * FoldedDecoder. Messages in: `{ type: 'load', id, arrays }`, `{ type: 'eval', id, points, chunkSize }`;
 * out: `{ type: 'ready' }` (once, at start), `{ type: 'loaded', id }`, `{ type: 'result', id, logits }` or `{ type: 'error', id, message }`.
 */
import { parentPort } from 'node:worker_threads';
import { selectBackend } from '@onet/nn';
import { FoldedDecoder, type FoldedDecoderArrays } from './FoldedDecoder.js';
import { evaluateLogits } from './evaluateLogits.js';

type Msg = { type: 'load'; id: number; arrays: FoldedDecoderArrays } | { type: 'eval'; id: number; points: Float32Array; chunkSize: number };

const port = parentPort!;
let folded: FoldedDecoder | null = null;
const ready = selectBackend('wasm');
port.on('message', async (msg: Msg) => {
  try {
    await ready;
    if (msg.type === 'load') {
      folded?.dispose();
      folded = new FoldedDecoder(msg.arrays);
      port.postMessage({ type: 'loaded', id: msg.id });
    } else {
      if (!folded) throw new Error('no decoder loaded');
      const logits = await evaluateLogits(folded, msg.points, { chunkSize: msg.chunkSize });
      port.postMessage({ type: 'result', id: msg.id, logits }, [logits.buffer as ArrayBuffer]);
    }
  } catch (e) {
    port.postMessage({ type: 'error', id: msg.id, message: (e as Error).message, code: (e as { code?: string }).code });
  }
});
ready.then(
  () => port.postMessage({ type: 'ready' }),
  (e: Error) => port.postMessage({ type: 'error', id: -1, message: e.message }),
);
