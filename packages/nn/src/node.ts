/**
 * @onet/nn/node — Node-only entry of @onet/nn (files, worker threads, native bindings); the main entry is browser-safe.
 * @module @onet/nn/node
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@onet/io/node';
import { join, dirname } from 'node:path';
import { addWeightsHash, decodeWeights, verifyWeightsHash, weightsFileName, type ModelJson } from './weights.js';
import { NNError } from './errors.js';

export { initNodeWebGPU, installedVulkanDrivers, probeNodeWebGPUAdapter, selectNodeBackend, type BackendChoice, type NodeBackendName } from './nodeBackend.js';
export { workerChannel, type WorkerChannel, type WorkerReply } from './workerChannel.js';

/**
 * Write `model.json` + `weights.bin` into `dir` (created if needed), the model.json recording the weights' SHA-256
 * ({@link addWeightsHash}). Each file is written atomically (temporary file in the same folder, then rename),
 * weights first: a killed process never leaves a truncated file, and one killed between the two renames leaves
 * the new weights beside the old model.json, whose hash no longer matches, so loading fails with
 * `BAD_WEIGHTS_FILE` instead of running the old config on the new weights.
 */
export async function saveModelFiles(dir: string, modelJson: ModelJson, weights: Uint8Array): Promise<void> {
  const hashed = await addWeightsHash(modelJson, weights);
  await writeFileAtomic(join(dir, 'weights.bin'), weights);
  await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(hashed, null, 1));
}

/**
 * Read a model saved by {@link saveModelFiles}: `path` is the folder or its `model.json`. The weights are checked
 * against the SHA-256 in model.json when it records one (older model.json files without it load unchecked), and
 * must be finite.
 * @throws {@link NNError} `BAD_WEIGHTS_FILE` naming the file when it is missing or corrupt, its hash differs from
 *   model.json's (both hashes in the message), or a weight holds NaN or ±Infinity (named).
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
  await verifyWeightsHash(modelJson, bin, binPath);
  try {
    return { modelJson, weights: decodeWeights(modelJson, bin) };
  } catch (e) {
    throw new NNError('BAD_WEIGHTS_FILE', `${jsonPath}: ${(e as Error).message}`);
  }
}
