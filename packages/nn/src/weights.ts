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
  /**
   * tfjs's manifest: one group naming one weights file, its tensors in file order. `sha256` (optional) holds the
   * SHA-256 of each file of `paths` (64 lowercase hex digits), written by `saveModelFiles` / {@link addWeightsHash}
   * and checked by every loader ({@link verifyWeightsHash}) before the bytes are decoded. A model.json without it
   * (saved before onet recorded hashes) still loads, unchecked.
   */
  weightsManifest: [{ paths: [string]; weights: WeightEntry[]; sha256?: [string] }];
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
 * Decode `weights.bin` bytes against a manifest into reference-named arrays (for `Module.loadStateDict`). Every
 * value must be finite: a NaN or ±Infinity weight (a corrupt file, or a diverged training run) is refused.
 * @throws {@link NNError} `BAD_WEIGHTS_FILE` if the manifest is malformed, the bytes are too short/long, or a weight
 *   holds NaN or ±Infinity (the message names the weight and the first bad index).
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
    let data: Float32Array;
    if (width === 2) {
      // float16ToFloat32 writes a new array, so an aligned view of the bytes will do (no copy); else a copy
      const at = weights.byteOffset + off;
      data = float16ToFloat32(at % 2 === 0 ? new Uint16Array(weights.buffer, at, n) : new Uint16Array(weights.slice(off, off + 2 * n).buffer));
    } else {
      data = new Float32Array(weights.slice(off, off + 4 * n).buffer);
    }
    for (let i = 0; i < data.length; i++) {
      const x = data[i]!;
      if (x - x !== 0) throw new NNError('BAD_WEIGHTS_FILE', `weight ${e.name} holds NaN or ±Infinity (${x} at index ${i}); the weights file is corrupt or from a diverged training run`);
    }
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

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * SHA-256 of `bytes` as 64 lowercase hex digits, with Web Crypto (`globalThis.crypto.subtle`): the same code in Node
 * (≥ 20) and browsers. Browsers offer Web Crypto only to secure contexts (https:// pages and localhost).
 * @throws {@link NNError} `BAD_WEIGHTS_FILE` when Web Crypto is unavailable (a page served over plain http).
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new NNError('BAD_WEIGHTS_FILE', 'cannot compute SHA-256: Web Crypto (crypto.subtle) is unavailable here; browsers offer it only on https:// or localhost pages');
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/**
 * A copy of `modelJson` whose manifest records the SHA-256 of `weights` (the bytes of its weights file), for
 * {@link verifyWeightsHash} on load. `saveModelFiles` (`@onet/nn/node`) calls it; use it when saving another way
 * (a browser download).
 *
 * @example
 * ```ts
 * const { modelJson, weights } = network.save();
 * const hashed = await addWeightsHash(modelJson, weights); // hashed.weightsManifest[0].sha256 = ['9f86…']
 * ```
 */
export async function addWeightsHash(modelJson: ModelJson, weights: Uint8Array): Promise<ModelJson> {
  const { paths, sha256: _old, ...rest } = modelJson.weightsManifest[0];
  return { ...modelJson, weightsManifest: [{ paths, sha256: [await sha256Hex(weights)], ...rest }] };
}

/**
 * Check the bytes of a model's weights file against the SHA-256 its `model.json` records
 * (`weightsManifest[0].sha256[0]`); a model.json without one (saved before onet recorded hashes) passes unchecked.
 * Every loader calls it before decoding: a flipped bit, a truncated download, or a weights file from another save
 * (a process killed between writing weights.bin and model.json) is refused instead of running a different network.
 * @param file - the weights file's path or URL, for the message.
 * @throws {@link NNError} `BAD_WEIGHTS_FILE` naming `file` and both hashes when they differ, or when the recorded
 *   hash is not 64 hex digits.
 */
export async function verifyWeightsHash(modelJson: ModelJson, weights: Uint8Array, file: string): Promise<void> {
  const recorded: unknown = modelJson.weightsManifest?.[0]?.sha256;
  if (recorded === undefined) return;
  const expected: unknown = Array.isArray(recorded) && recorded.length === 1 ? recorded[0] : undefined;
  if (typeof expected !== 'string' || !SHA256_HEX.test(expected.toLowerCase())) {
    throw new NNError('BAD_WEIGHTS_FILE', `${file}: model.json's weightsManifest[0].sha256 must be a list of one SHA-256 (64 hex digits), got ${JSON.stringify(recorded)}`);
  }
  const actual = await sha256Hex(weights);
  if (actual !== expected.toLowerCase()) {
    throw new NNError(
      'BAD_WEIGHTS_FILE',
      `${file}: SHA-256 ${actual} does not match the ${expected.toLowerCase()} recorded in model.json; the weights file is corrupt or from another save (re-download or re-save the model)`,
    );
  }
}

/**
 * Load a model from a base URL holding `model.json` and `weights.bin` (browser or Node 18+ fetch), checked with
 * {@link verifyWeightsHash} and decoded with {@link decodeWeights}.
 * @throws {@link NNError} `BAD_WEIGHTS_FILE` for a failed fetch, a hash mismatch, or bad weights.
 */
export async function fetchModel(baseUrl: string | URL): Promise<{ modelJson: ModelJson; weights: Map<string, { data: Float32Array; shape: number[] }> }> {
  const base = new URL(String(baseUrl).endsWith('/') ? String(baseUrl) : `${baseUrl}/`, typeof location !== 'undefined' ? location.href : undefined);
  const mj = await fetch(new URL('model.json', base));
  if (!mj.ok) throw new NNError('BAD_WEIGHTS_FILE', `could not fetch ${new URL('model.json', base)}: HTTP ${mj.status}`);
  const modelJson = (await mj.json()) as ModelJson;
  const url = new URL(weightsFileName(modelJson), base);
  const wb = await fetch(url);
  if (!wb.ok) throw new NNError('BAD_WEIGHTS_FILE', `could not fetch weights: HTTP ${wb.status}`);
  const bytes = new Uint8Array(await wb.arrayBuffer());
  await verifyWeightsHash(modelJson, bytes, url.href);
  return { modelJson, weights: decodeWeights(modelJson, bytes) };
}

