import { fetchModel } from '@onet/nn';
import { OccupancyNetwork, OccupancyEnsemble, describeTestTimeAugmentation, isMemberPath, parseEnsembleManifest, type ModelConfig } from '@onet/pipeline';

/** The network the page runs, and what to tell the user about it. */
export interface PageModel {
  /** One network, or an ensemble (the shipped default: its members' logits averaged). */
  model: OccupancyNetwork | OccupancyEnsemble;
  /** True when no trained weights were served and a freshly initialised network is used. */
  fresh: boolean;
  message: string;
}

/** URL of the shipped model folder (copied from packages/pipeline/models/default by the vite plugin). */
export function modelUrl(): string {
  return new URL('models/default/', document.baseURI).href;
}

/**
 * Fetch the shipped model: `models/default/model.json` + `weights.bin`, or, when that model.json is an ensemble
 * manifest, each member's from its subfolder (`models/default/<member>/`). When the app was built before
 * trained weights existed, build an untrained network from `config.json`'s `model` section (an ensemble's training
 * config: its first member's; seeded like `loadModel(…, { allowFresh: true })` of @onet/pipeline/node) and say so
 * loudly. Call after the tfjs backend is chosen: the variables live on the backend active at creation.
 * @throws Error when neither model.json nor config.json is served.
 */
export async function loadPageModel(seed = 0): Promise<PageModel> {
  const base = new URL(modelUrl());
  const res = await fetch(new URL('model.json', base)).catch(() => undefined);
  const manifest = res?.ok ? parseEnsembleManifest(await res.json()) : undefined;
  if (!manifest) {
    const { model, fresh } = await loadMember(base, seed, res?.ok === true);
    const c = model.config;
    return {
      model,
      fresh,
      message: fresh
        ? 'WARNING: this build has no trained weights (models/default/model.json missing) — an untrained network runs, the mesh will not resemble the input'
        : `model: shipped default, ${c.kind} (${model.parameterCount().toLocaleString('en')} parameters, trained on ${c.inputPoints} input points)`,
    };
  }
  const members = manifest.members;
  const nets: OccupancyNetwork[] = [];
  let fresh = false;
  try {
    for (const m of members) {
      const one = await loadMember(new URL(`${m}/`, base), seed);
      nets.push(one.model);
      fresh ||= one.fresh;
    }
  } catch (e) {
    for (const n of nets) n.dispose();
    throw e;
  }
  const model = new OccupancyEnsemble(nets, manifest); // the manifest's generation settings (threshold, thresholdByInputPoints, fillCavities, testTimeAugmentation)
  const kinds = nets.map((n, i) => `${members[i]}: ${n.config.kind}`).join(' + ');
  const what = `ensemble of ${nets.length} (${kinds}; ${model.parameterCount().toLocaleString('en')} parameters, mean logits${describeTestTimeAugmentation(model.config.testTimeAugmentation)}, trained on up to ${model.config.inputPoints} input points)`;
  return {
    model,
    fresh,
    message: fresh
      ? `WARNING: some members of this build have no trained weights — untrained networks run, the mesh will not resemble the input (${what})`
      : `model: shipped default, ${what}`,
  };
}

/**
 * One network from its folder URL: its trained weights (`model.json` + `weights.bin`), or, when the build has none,
 * an untrained network (seeded, flagged `fresh`) from its `config.json` — for an ensemble's training config, from its
 * first member's. `hasWeights` skips the check for `model.json` when the caller already fetched it.
 * @throws Error when neither model.json nor config.json is served.
 */
async function loadMember(url: URL, seed: number, hasWeights?: boolean): Promise<{ model: OccupancyNetwork; fresh: boolean }> {
  const found = hasWeights ?? (await fetch(new URL('model.json', url), { method: 'HEAD' }).catch(() => undefined))?.ok === true;
  if (found) {
    const { modelJson, weights } = await fetchModel(url);
    return { model: OccupancyNetwork.fromWeights(modelJson, weights), fresh: false };
  }
  const cfgUrl = new URL('config.json', url);
  const cfg = await fetch(cfgUrl).catch(() => undefined);
  if (!cfg?.ok) throw new Error(`no model in this build: ${new URL('model.json', url)} and config.json are missing (rebuild the app after the model is trained)`);
  const raw = (await cfg.json()) as { model?: ModelConfig; ensemble?: { members?: string[] } } & Partial<ModelConfig>;
  const first = raw.ensemble?.members?.[0];
  if (isMemberPath(first)) return loadMember(new URL(`${first}/`, url), seed, false);
  return { model: OccupancyNetwork.fromConfig((raw.model ?? raw) as ModelConfig, seed), fresh: true };
}
