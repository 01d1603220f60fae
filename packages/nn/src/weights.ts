import { float16ToFloat32, float32ToFloat16 } from '@onet/io';
import { NNError } from './errors.js';
import type { Module } from './module.js';

/** One entry of a tfjs weights manifest (reference name and PyTorch shape). */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16' };
}

/**
 * The `model.json` of an onet model: tfjs's weights-manifest layout (one `weights.bin`), with the weights under
 * their reference `state_dict` names and PyTorch shapes, plus the model's config in `modelConfig`.
 */
export interface ModelJson {
  format: 'onet-model';
  formatVersion: 1;
  /** Free-form config the pipeline needs to rebuild the modules (architecture, sizes, training info). */
  modelConfig: Record<string, unknown>;
  weightsManifest: [{ paths: [string]; weights: WeightEntry[] }];
}

/**
 * Serialise a module's state dict (parameters and running statistics) as `model.json` + `weights.bin` bytes.
 * `float16` halves the file (≈ 3 decimal digits; fine for shipping inference weights).
 */
export function encodeWeights(
  module: Module,
  modelConfig: Record<string, unknown>,
  options: { dtype?: 'float32' | 'float16' } = {},
): { modelJson: ModelJson; weights: Uint8Array } {
  const half = options.dtype === 'float16';
  const entries: WeightEntry[] = [];
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const [name, { data, shape }] of module.stateDict()) {
    const entry: WeightEntry = { name, shape, dtype: 'float32' };
    let bytes: Uint8Array;
    if (half) {
      entry.quantization = { dtype: 'float16' };
      const h = float32ToFloat16(data);
      bytes = new Uint8Array(h.buffer);
    } else {
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    }
    entries.push(entry);
    chunks.push(bytes);
    total += bytes.length;
  }
  const weights = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    weights.set(c, off);
    off += c.length;
  }
  return {
    modelJson: { format: 'onet-model', formatVersion: 1, modelConfig, weightsManifest: [{ paths: ['weights.bin'], weights: entries }] },
    weights,
  };
}

/**
 * Decode `weights.bin` bytes against a manifest into reference-named arrays (for `Module.loadStateDict`).
 * @throws {@link NNError} `BAD_WEIGHTS_FILE` if the manifest is malformed or the bytes are too short/long.
 */
export function decodeWeights(modelJson: ModelJson, weights: Uint8Array): Map<string, { data: Float32Array; shape: number[] }> {
  if (modelJson?.format !== 'onet-model' || !Array.isArray(modelJson.weightsManifest?.[0]?.weights)) {
    throw new NNError('BAD_WEIGHTS_FILE', 'not an onet model.json (missing format "onet-model" or weightsManifest)');
  }
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  let off = 0;
  for (const e of modelJson.weightsManifest[0].weights) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    const width = e.quantization?.dtype === 'float16' ? 2 : 4;
    if (off + n * width > weights.length) {
      throw new NNError('BAD_WEIGHTS_FILE', `weights.bin is truncated: ${e.name} needs bytes ${off}..${off + n * width}, file has ${weights.length}`);
    }
    const slice = weights.slice(off, off + n * width);
    const data = width === 2 ? float16ToFloat32(new Uint16Array(slice.buffer)) : new Float32Array(slice.buffer);
    out.set(e.name, { data, shape: e.shape });
    off += n * width;
  }
  if (off !== weights.length) throw new NNError('BAD_WEIGHTS_FILE', `weights.bin has ${weights.length - off} trailing bytes: manifest and weights do not match`);
  return out;
}

/**
 * The weights file a model.json names (`weightsManifest[0].paths[0]`, default `weights.bin`), checked to be a plain
 * file name inside the model's folder: no `/`, `\\`, `..`, absolute path or URL scheme, so a downloaded model.json
 * cannot make a loader read another file of the machine (or of another origin).
 * @throws {@link NNError} `BAD_WEIGHTS_FILE` otherwise.
 */
export function weightsFileName(modelJson: ModelJson): string {
  const name: unknown = modelJson.weightsManifest?.[0]?.paths?.[0] ?? 'weights.bin';
  if (typeof name !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name.includes('..')) {
    throw new NNError('BAD_WEIGHTS_FILE', `model.json names the weights file ${JSON.stringify(name)}: it must be a plain file name in the model's folder`);
  }
  return name;
}

/** Load a model from a base URL holding `model.json` and `weights.bin` (browser or Node 18+ fetch). */
export async function fetchModel(baseUrl: string | URL): Promise<{ modelJson: ModelJson; weights: Map<string, { data: Float32Array; shape: number[] }> }> {
  const base = new URL(String(baseUrl).endsWith('/') ? String(baseUrl) : `${baseUrl}/`, typeof location !== 'undefined' ? location.href : undefined);
  const mj = await fetch(new URL('model.json', base));
  if (!mj.ok) throw new NNError('BAD_WEIGHTS_FILE', `could not fetch ${new URL('model.json', base)}: HTTP ${mj.status}`);
  const modelJson = (await mj.json()) as ModelJson;
  const wb = await fetch(new URL(weightsFileName(modelJson), base));
  if (!wb.ok) throw new NNError('BAD_WEIGHTS_FILE', `could not fetch weights: HTTP ${wb.status}`);
  return { modelJson, weights: decodeWeights(modelJson, new Uint8Array(await wb.arrayBuffer())) };
}

