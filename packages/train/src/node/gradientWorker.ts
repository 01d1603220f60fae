/**
 * Worker-thread body of {@link createGradientWorkers} (Node only): its own single-threaded tfjs wasm backend and
 * a copy of the network. Messages in: `{ type: 'init', config, backend }`, `{ type: 'grad', id, weights, shard }`;
 * out: `{ type: 'ready' }`, `{ type: 'result', id, loss, grads }` or `{ type: 'error', id, message, code }`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parentPort } from 'node:worker_threads';
import { selectBackend, registerFastMatMulGradient, type BackendName } from '@onet/nn';
import { OccupancyNetwork, type ModelConfig } from '@onet/model';
import { batchLoss, type Batch } from '../train.js';
import { ensureNodeGradients } from './gradients.js';

type Msg = { type: 'init'; id: number; config: ModelConfig; backend: BackendName } | { type: 'grad'; id: number; weights: Float32Array; shard: Batch };

const port = parentPort!;
let model: OccupancyNetwork | null = null;
let vars: tf.Variable[] = [];

port.on('message', async (msg: Msg) => {
  try {
    if (msg.type === 'init') {
      const backend = await selectBackend(msg.backend);
      await ensureNodeGradients();
      if (backend === 'wasm') registerFastMatMulGradient();
      model?.dispose();
      model = OccupancyNetwork.fromConfig(msg.config);
      model.net.train();
      vars = model.net.trainableVariables();
      port.postMessage({ type: 'ready', id: msg.id });
      return;
    }
    if (!model) throw new Error('gradient worker: no model (send init first)');
    const { weights, shard: s } = msg;
    let off = 0;
    for (const v of vars) {
      const t = tf.tensor(weights.subarray(off, off + v.size), v.shape);
      v.assign(t);
      t.dispose();
      off += v.size;
    }
    if (off !== weights.length) throw new Error(`gradient worker: ${weights.length} weights for ${off} parameters`);
    const { f, tensors } = batchLoss(model.net, s);
    const { value, grads } = tf.variableGrads(f, vars);
    const out = new Float32Array(off);
    off = 0;
    for (const v of vars) {
      const g = grads[v.name]; // absent when v does not influence the loss: zeros, as the main thread assumes
      if (g) out.set(g.dataSync() as Float32Array, off);
      off += v.size;
    }
    const loss = value.dataSync()[0];
    tf.dispose([...tensors, value, ...Object.values(grads)]);
    port.postMessage({ type: 'result', id: msg.id, loss, grads: out }, [out.buffer]);
  } catch (e) {
    port.postMessage({ type: 'error', id: msg.id, message: (e as Error).message, code: (e as { code?: string }).code });
  }
});
