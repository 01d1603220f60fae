/**
 * Benchmark worker: its own tfjs wasm backend and a FoldedDecoder rebuilt from transferred arrays; answers
 * { id, points } messages with { id, logits }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '@onet/nn';
import { FoldedDecoder, type FoldedDecoderArrays } from '../src/FoldedDecoder.js';
import { evaluateLogits } from '../src/evaluateLogits.js';

const { arrays, chunkSize } = workerData as { arrays: FoldedDecoderArrays; chunkSize: number };
await selectBackend('wasm');
const folded = new FoldedDecoder(arrays);
parentPort!.on('message', async (msg: { id: number; points: Float32Array }) => {
  const logits = await evaluateLogits(folded, msg.points, { chunkSize });
  parentPort!.postMessage({ id: msg.id, logits }, [logits.buffer]);
});
parentPort!.postMessage({ ready: true });
