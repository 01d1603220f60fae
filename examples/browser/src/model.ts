import { isMemberPath, loadModelFrom, urlModelSource, type OccupancyEnsemble, type OccupancyNetwork } from '@onet/model';

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

/**
 * Fetch the shipped model with the same loader as Node's `loadModel` (`loadModelFrom` of @onet/model over URLs):
 * `models/default/model.json` + `weights.bin`, or an ensemble manifest and each member's subfolder. When the app was
 * built before trained weights existed, an untrained network is built from `config.json` (seeded like
 * `loadModel(…, { allowFresh: true })`) and the message says so loudly. Call after the tfjs backend is chosen: the
 * variables live on the backend active at creation.
 * @throws PipelineError `BAD_MODEL` when neither model.json nor config.json is served, or they are corrupt.
 */
export async function loadPageModel(seed = 0, name = 'default'): Promise<PageModel> {
  const { model, fresh, message } = await loadModelFrom(urlModelSource(modelUrl(name)), { allowFresh: true, seed });
  return { model, fresh, message: fresh ? `${message} (rebuild the app after the model is trained)` : message };
}
