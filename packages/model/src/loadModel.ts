import { decodeWeights, verifyWeightsHash, weightsFileName, type ModelJson } from '@onet/nn';
import { OccupancyNetwork, ONET_REFERENCE_CONFIG, type ModelConfig } from './model.js';
import { ensembleMembers, isMemberPath, parseEnsembleManifest, OccupancyEnsemble, type EnsembleManifest } from './ensemble.js';
import { PipelineError } from './errors.js';
import { describeThreshold } from './threshold.js';
import { describeTestTimeAugmentation, type TestTimeAugmentation } from './augment.js';
import { checkGenerationSettings } from './generationSettings.js';
import { describeTestTimeOptimization } from './testTimeOptimization.js';

/**
 * Where a model folder's files come from: the one I/O interface behind {@link loadModelFrom}. `@onet/model/node`'s
 * `fileModelSource(dir)` reads a folder; {@link urlModelSource} fetches a folder URL (the browser).
 */
export interface ModelSource {
  /** The folder's path or URL, for messages. */
  readonly location: string;
  /**
   * Bytes of the file `name` in the folder (a plain relative path checked by the caller), or `undefined` when it does
   * not exist. Other failures throw.
   */
  read(name: string): Promise<Uint8Array | undefined>;
  /** The source of the subfolder `name` (an ensemble member). */
  sub(name: string): ModelSource;
}

/** Result of {@link loadModelFrom} and `@onet/model/node`'s `loadModel`. */
export interface LoadedModel {
  /**
   * One network, or an {@link OccupancyEnsemble} when `model.json` is an ensemble manifest or test-time augmentation
   * was asked of a single network (a one-member ensemble).
   */
  model: OccupancyNetwork | OccupancyEnsemble;
  /** Folder the weights came from (the source's location). */
  dir: string;
  /** True when no weights were found and a freshly initialised (untrained) model is used instead. */
  fresh: boolean;
  /** One line for the user about what was loaded. */
  message: string;
}

/** Options of {@link loadModelFrom}. */
export interface LoadModelOptions {
  /**
   * When the folder has no `model.json`, build an untrained model from its `config.json`'s `model` section (an
   * ensemble's training config: its first member's; else the reference's point-cloud ONet) instead of throwing —
   * used by the demo and the browser page so the flow runs before weights are shipped.
   */
  allowFresh?: boolean;
  /** Seed of the fresh model's initialisation. */
  seed?: number;
  /**
   * Test-time augmentation instead of the model's own (an ensemble manifest's `testTimeAugmentation`, else none).
   * A single network asked for one comes back as a one-member {@link OccupancyEnsemble}; `'none'` leaves it as it is.
   */
  testTimeAugmentation?: TestTimeAugmentation;
}

/** Defaults of {@link LoadModelOptions}. */
export const LOAD_MODEL_DEFAULTS: Readonly<Required<Omit<LoadModelOptions, 'testTimeAugmentation'>>> = Object.freeze({ allowFresh: false, seed: 0 });

const text = new TextDecoder();

async function readJson(source: ModelSource, name: string): Promise<unknown | undefined> {
  const bytes = await source.read(name);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(text.decode(bytes));
  } catch (e) {
    throw new PipelineError('BAD_MODEL', `${source.location}/${name}: cannot read ${name} (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Load a model folder from any {@link ModelSource}: `model.json` + its weights file (one `OccupancyNetwork`), or an
 * ensemble manifest (`"format": "onet-ensemble"`, members in subfolders, each loaded the same way; `allowFresh`
 * applies to each member). Weight file names must be plain names inside the folder; their data must be finite and,
 * when model.json records the file's SHA-256 (`weightsManifest[0].sha256`, written by `saveModelFiles`), match it.
 * A model.json without a hash (saved before onet recorded them) loads unchecked.
 * Call after the tfjs backend is chosen: variables live on the backend active at creation.
 *
 * @example
 * ```ts
 * const { model, message } = await loadModelFrom(urlModelSource('/models/default/'));
 * ```
 * @throws {@link PipelineError} `BAD_MODEL` naming the file when it is missing (and `allowFresh` is off), unreadable,
 *   escapes the folder, has another SHA-256 than model.json records (both hashes in the message), holds NaN or
 *   ±Infinity (the weight named), or does not match the network it describes; for a bad manifest or a member that
 *   is itself an ensemble. `INVALID_OPTION` for an unknown `testTimeAugmentation`.
 */
export async function loadModelFrom(source: ModelSource, options: LoadModelOptions = {}): Promise<LoadedModel> {
  checkGenerationSettings({ testTimeAugmentation: options.testTimeAugmentation }, 'loadModel:', 'INVALID_OPTION');
  const raw = await readJson(source, 'model.json');
  const manifest: EnsembleManifest | undefined = raw === undefined ? undefined : parseEnsembleManifest(raw);
  const tta = options.testTimeAugmentation;
  if (!manifest) {
    const one = await loadNetwork(source, raw, options);
    if (tta === undefined || tta === 'none') return one;
    return { ...one, model: new OccupancyEnsemble([one.model as OccupancyNetwork], { testTimeAugmentation: tta }), message: `${one.message}${describeTestTimeAugmentation(tta)}` };
  }
  const members = manifest.members;
  const loaded: LoadedModel[] = [];
  let model: OccupancyEnsemble;
  try {
    for (const m of members) {
      const sub = source.sub(m);
      let memberJson: unknown;
      try {
        memberJson = await readJson(sub, 'model.json');
      } catch {
        memberJson = undefined; // unreadable: loadNetwork reports it
      }
      if (memberJson !== undefined && ensembleMembers(memberJson)) {
        throw new PipelineError('BAD_MODEL', `${sub.location}/model.json: an ensemble member is itself an ensemble; list its members directly`);
      }
      loaded.push(await loadNetwork(sub, undefined, options));
    }
    // the manifest's generation settings (threshold, thresholdByInputPoints, fillCavities, testTimeAugmentation)
    model = new OccupancyEnsemble(
      loaded.map((l) => l.model as OccupancyNetwork),
      tta === undefined ? manifest : { ...manifest, testTimeAugmentation: tta },
    );
  } catch (e) {
    for (const l of loaded) l.model.dispose();
    throw e;
  }
  const fresh = loaded.some((l) => l.fresh);
  const parts = loaded.map((l, i) => `${members[i]} (${l.model.config.kind}, ${l.model.parameterCount()} parameters${l.fresh ? ', UNTRAINED' : ''})`);
  return {
    model,
    dir: source.location,
    fresh,
    message: `${fresh ? 'WARNING: some members have no trained weights; ' : ''}model: ${source.location}/model.json, ensemble of ${members.length} (mean logits): ${parts.join(' + ')}; ${describeThreshold(model.config)}${model.config.fillCavities ? ', cavities filled' : ''}${describeTestTimeAugmentation(model.config.testTimeAugmentation)}${describeTestTimeOptimization(model.config.testTimeOptimization)}`,
  };
}

/** One network from `source` (`json`: its model.json when the caller already read it). */
async function loadNetwork(source: ModelSource, json: unknown, options: LoadModelOptions): Promise<LoadedModel> {
  const where = `${source.location}/model.json`;
  const modelJson = (json ?? (await readJson(source, 'model.json'))) as ModelJson | undefined;
  if (modelJson === undefined) {
    if (!(options.allowFresh ?? LOAD_MODEL_DEFAULTS.allowFresh)) {
      throw new PipelineError('BAD_MODEL', `${where} not found; pass --model <folder with model.json and weights.bin>`);
    }
    const model = OccupancyNetwork.fromConfig(await freshConfig(source), options.seed ?? LOAD_MODEL_DEFAULTS.seed);
    return {
      model,
      dir: source.location,
      fresh: true,
      message: `WARNING: no trained weights at ${where}; using a freshly initialised (untrained) model — the mesh will not resemble the input`,
    };
  }
  let weightsName: string;
  try {
    weightsName = weightsFileName(modelJson);
  } catch (e) {
    throw new PipelineError('BAD_MODEL', `${where}: ${(e as Error).message}`, { cause: e });
  }
  let bin: Uint8Array | undefined;
  try {
    bin = await source.read(weightsName);
  } catch (e) {
    throw new PipelineError('BAD_MODEL', `${source.location}/${weightsName}: cannot read weights (${(e as Error).message})`, { cause: e });
  }
  if (bin === undefined) throw new PipelineError('BAD_MODEL', `${source.location}/${weightsName}: weights file not found`);
  try {
    await verifyWeightsHash(modelJson, bin, `${source.location}/${weightsName}`);
  } catch (e) {
    throw new PipelineError('BAD_MODEL', (e as Error).message, { cause: e });
  }
  let model: OccupancyNetwork;
  try {
    model = OccupancyNetwork.fromWeights(modelJson, decodeWeights(modelJson, bin)); // decodeWeights refuses NaN/±Inf
  } catch (e) {
    throw new PipelineError('BAD_MODEL', `${where}: ${(e as Error).message}`, { cause: e });
  }
  return { model, dir: source.location, fresh: false, message: `model: ${where} (${model.parameterCount()} parameters)${describeTestTimeOptimization(model.config.testTimeOptimization)}` };
}

/** The architecture an untrained stand-in gets: the folder's training config (an ensemble's: its first member's), else the reference's. */
async function freshConfig(source: ModelSource): Promise<ModelConfig> {
  try {
    let raw = (await readJson(source, 'config.json')) as ({ model?: ModelConfig; ensemble?: { members?: string[] } } & Partial<ModelConfig>) | undefined;
    const first = raw?.ensemble?.members?.[0];
    if (isMemberPath(first)) raw = (await readJson(source.sub(first), 'config.json')) as typeof raw;
    if (raw?.model) return raw.model;
    if (raw?.kind) return raw as ModelConfig;
  } catch {
    // unreadable training config: keep the reference architecture
  }
  return ONET_REFERENCE_CONFIG;
}

/**
 * A {@link ModelSource} over HTTP(S): files of the folder at `url` (a trailing `/` is added), fetched with `fetch`;
 * a 404 reads as a missing file.
 */
export function urlModelSource(url: string | URL, fetchImpl: typeof fetch = globalThis.fetch): ModelSource {
  const base = new URL(url);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return {
    location: base.href.replace(/\/$/, ''),
    async read(name) {
      const res = await fetchImpl(new URL(name, base));
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${new URL(name, base).href}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    sub: (name) => urlModelSource(new URL(`${name}/`, base), fetchImpl),
  };
}
