/**
 * @onet/nn/node — Node-only entry of @onet/nn (files, worker threads, native bindings); the main entry is browser-safe.
 * @module @onet/nn/node
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@onet/io/node';
import { join, dirname } from 'node:path';
import { decodeWeights, weightsFileName, type ModelJson } from './weights.js';
import { NNError } from './errors.js';

export { initNodeWebGPU, selectNodeBackend, type BackendChoice, type NodeBackendName } from './nodeBackend.js';
export { workerChannel, type WorkerChannel, type WorkerReply } from './workerChannel.js';

/**
 * Write `model.json` + `weights.bin` into `dir` (created if needed). Each file is written atomically (temporary
 * file in the same folder, then rename), weights first: a killed process never leaves a truncated file.
 */
export async function saveModelFiles(dir: string, modelJson: ModelJson, weights: Uint8Array): Promise<void> {
  await writeFileAtomic(join(dir, 'weights.bin'), weights);
  await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1));
}

/**
 * Read a model saved by {@link saveModelFiles}: `path` is the folder or its `model.json`.
 * @throws {@link NNError} `BAD_WEIGHTS_FILE` naming the file when it is missing or corrupt.
 */
export async function loadModelFiles(path: string): Promise<{ modelJson: ModelJson; weights: Map<string, { data: Float32Array; shape: number[] }> }> {
  const jsonPath = path.endsWith('.json') ? path : join(path, 'model.json');
  let modelJson: ModelJson;
  try {
    modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
  } catch (e) {
    throw new NNError('BAD_WEIGHTS_FILE', `${jsonPath}: cannot read model.json (${(e as Error).message})`);
  }
  let binPath: string;
  try {
    binPath = join(dirname(jsonPath), weightsFileName(modelJson));
  } catch (e) {
    throw new NNError('BAD_WEIGHTS_FILE', `${jsonPath}: ${(e as Error).message}`);
  }
  let bin: Uint8Array;
  try {
    bin = new Uint8Array(await readFile(binPath));
  } catch (e) {
    throw new NNError('BAD_WEIGHTS_FILE', `${binPath}: cannot read weights (${(e as Error).message})`);
  }
  try {
    return { modelJson, weights: decodeWeights(modelJson, bin) };
  } catch (e) {
    throw new NNError('BAD_WEIGHTS_FILE', `${jsonPath}: ${(e as Error).message}`);
  }
}
