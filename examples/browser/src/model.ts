import { fetchModel } from '@onet/nn';
import { OccupancyNetwork, type ModelConfig } from '@onet/pipeline';

/** The network the page runs, and what to tell the user about it. */
export interface PageModel {
  model: OccupancyNetwork;
  /** True when no trained weights were served and a freshly initialised network is used. */
  fresh: boolean;
  message: string;
}

/** URL of the shipped model folder (copied from packages/pipeline/models/default by the vite plugin). */
export function modelUrl(): string {
  return new URL('models/default/', document.baseURI).href;
}

/**
 * Fetch the shipped model (`models/default/model.json` + `weights.bin`). When the app was built before
 * trained weights existed, build an untrained network from `config.json`'s `model` section (seeded like
 * `loadModel(…, { allowFresh: true })` of @onet/pipeline/node) and say so loudly.
 * Call after the tfjs backend is chosen: the variables live on the backend active at creation.
 * @throws Error when neither model.json nor config.json is served.
 */
export async function loadPageModel(seed = 0): Promise<PageModel> {
  const base = modelUrl();
  const head = await fetch(new URL('model.json', base), { method: 'HEAD' }).catch(() => undefined);
  if (head?.ok) {
    const { modelJson, weights } = await fetchModel(base);
    const model = OccupancyNetwork.fromWeights(modelJson, weights);
    const c = model.config;
    return {
      model,
      fresh: false,
      message: `model: shipped default, ${c.kind} (${model.parameterCount().toLocaleString('en')} parameters, trained on ${c.inputPoints} input points)`,
    };
  }
  const cfg = await fetch(new URL('config.json', base)).catch(() => undefined);
  if (!cfg?.ok) throw new Error(`no model in this build: ${new URL('model.json', base)} and config.json are missing (rebuild the app after the model is trained)`);
  const raw = (await cfg.json()) as { model?: ModelConfig } & Partial<ModelConfig>;
  const model = OccupancyNetwork.fromConfig((raw.model ?? raw) as ModelConfig, seed);
  return {
    model,
    fresh: true,
    message: 'WARNING: this build has no trained weights (models/default/model.json missing) — an untrained network runs, the mesh will not resemble the input',
  };
}
