import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { decodeWeights, type ModelJson } from './weights.js';
import { NNError } from './errors.js';

export { workerChannel, type WorkerChannel, type WorkerReply } from './workerChannel.js';

/**
 * Install a WebGPU implementation (Dawn, from the `webgpu` npm package) as `navigator.gpu` in Node, so that
 * `selectBackend('webgpu' | 'auto')` can use it. Returns false (and changes nothing) if the package or a
 * Vulkan driver is missing. On Debian without a GPU, SwiftShader works: set
 * `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` (this function does so when that file exists
 * and no ICD is configured).
 */
export async function initNodeWebGPU(): Promise<boolean> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return true;
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(swiftshader)) {
    process.env.VK_ICD_FILENAMES = swiftshader;
  }
  try {
    const mod = (await import('webgpu')) as { create: (o: string[]) => unknown; globals: object };
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]) as { requestAdapter(): Promise<unknown> };
    const adapter = await gpu.requestAdapter();
    if (!adapter) return false;
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
    (g.navigator as { gpu?: unknown }).gpu = gpu;
    return true;
  } catch {
    return false;
  }
}

/** Write `model.json` + `weights.bin` into `dir` (created if needed). */
export async function saveModelFiles(dir: string, modelJson: ModelJson, weights: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'weights.bin'), weights);
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1));
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
  const binPath = join(dirname(jsonPath), modelJson.weightsManifest?.[0]?.paths?.[0] ?? 'weights.bin');
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
