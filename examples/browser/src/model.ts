import {
  isMemberPath,
  loadModelFrom,
  parseEnsembleManifest,
  pickGenerationSettings,
  urlModelSource,
  type GenerationSettings,
  type OccupancyEnsemble,
  type OccupancyNetwork,
} from '@onet/model';

/** The network the page runs, and what to tell the user about it. */
export interface PageModel {
  /** One network, or an ensemble (the shipped default: its members' logits averaged). */
  model: OccupancyNetwork | OccupancyEnsemble;
  /** True when no trained weights were served and a freshly initialised network is used. */
  fresh: boolean;
  message: string;
}

/**
 * URL of a served model folder: `models/<name>/` beside the page (the vite plugin copies packages/models/default
 * there). `name` is `default` or a subfolder of it such as `default/planes` (one member of the ensemble): plain
 * '/'-separated names only, so a URL parameter cannot leave the models folder.
 * @throws Error for any other name.
 */
export function modelUrl(name = 'default'): string {
  if (!isMemberPath(name)) throw new Error(`model "${name}" is not a served model folder (plain names like default or default/planes)`);
  return new URL(`models/${name}/`, document.baseURI).href;
}

/** What the page previews before any network is loaded: the model's generation settings and input size. */
export type GenerationPreview = GenerationSettings & { inputPoints?: number };

/**
 * The generation settings (τ, τ by input size, fillCavities) of a served model, read from its `model.json` alone —
 * no tfjs, no weights — so the controls show the model's values before the first run. For an ensemble: the
 * manifest's, else its first member's (as `OccupancyEnsemble` does). `undefined` when nothing is served.
 */
export async function fetchGenerationPreview(name = 'default'): Promise<GenerationPreview | undefined> {
  const source = urlModelSource(modelUrl(name));
  const json = async (s: typeof source): Promise<{ modelConfig?: GenerationPreview } | undefined> => {
    const bytes = await s.read('model.json').catch(() => undefined);
    return bytes ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
  };
  try {
    const raw = await json(source);
    if (!raw) return undefined;
    const manifest = parseEnsembleManifest(raw);
    if (!manifest) return raw.modelConfig;
    const first = (await json(source.sub(manifest.members[0])))?.modelConfig ?? {};
    const own = pickGenerationSettings(manifest);
    const tau = own.threshold !== undefined || own.thresholdByInputPoints !== undefined ? {} : pickGenerationSettings(first);
    return { ...pickGenerationSettings(first), ...tau, ...own, ...(first.inputPoints ? { inputPoints: first.inputPoints } : {}) };
  } catch {
    return undefined; // a corrupt manifest is reported when the model loads
  }
}

/**
 * Fetch the shipped model with the same loader as Node's `loadModel` (`loadModelFrom` of @onet/model over URLs):
 * `models/default/model.json` + `weights.bin`, or an ensemble manifest and each member's subfolder. When the app was
 * built before trained weights existed, an untrained network is built from `config.json` (seeded like
 * `loadModel(…, { allowFresh: true })`) and the message says so loudly — unless `allowFresh` is false (the image
 * task: an untrained image model is no demonstration), when missing weights are an error. Call after the tfjs backend
 * is chosen: the variables live on the backend active at creation.
 * @throws PipelineError `BAD_MODEL` when neither model.json nor config.json is served (with `allowFresh` false: when
 *   model.json or weights.bin is not), or they are corrupt.
 */
export async function loadPageModel(seed = 0, name = 'default', allowFresh = true): Promise<PageModel> {
  const { model, fresh, message } = await loadModelFrom(urlModelSource(modelUrl(name)), { allowFresh, seed });
  return { model, fresh, message: fresh ? `${message} (rebuild the app after the model is trained)` : message };
}

/**
 * True when the served folder `models/<name>/` has a `model.json` (a trained model or an ensemble manifest), false when
 * it has none (only a config.json, or nothing): the page then says the model is not shipped rather than running an
 * untrained one.
 */
export async function modelServed(name: string): Promise<boolean> {
  const bytes = await urlModelSource(modelUrl(name)).read('model.json').catch(() => undefined);
  return bytes !== undefined;
}
