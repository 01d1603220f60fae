import { fetchModel } from '@onet/nn';
import { OccupancyNetwork, OccupancyEnsemble, parseEnsembleManifest, type ModelConfig } from '@onet/pipeline';

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
 * trained weights existed, build an untrained network from `config.json`'s `model` section (seeded like
 * `loadModel(…, { allowFresh: true })` of @onet/pipeline/node) and say so loudly.
 * Call after the tfjs backend is chosen: the variables live on the backend active at creation.
 * @throws Error when neither model.json nor config.json is served.
 */
export async function loadPageModel(seed = 0): Promise<PageModel> {
  const base = modelUrl();
  const res = await fetch(new URL('model.json', base)).catch(() => undefined);
  if (res?.ok) {
    const manifest = parseEnsembleManifest(await res.json());
    if (manifest) {
      const members = manifest.members;
      const nets: OccupancyNetwork[] = [];
      try {
        for (const m of members) {
          const { modelJson, weights } = await fetchModel(new URL(`${m}/`, base));
          nets.push(OccupancyNetwork.fromWeights(modelJson, weights));
        }
      } catch (e) {
        for (const n of nets) n.dispose();
        throw e;
      }
      const model = new OccupancyEnsemble(nets, { threshold: manifest.threshold });
      const kinds = nets.map((n, i) => `${members[i]}: ${n.config.kind}`).join(' + ');
      return {
        model,
        fresh: false,
        message: `model: shipped default, ensemble of ${nets.length} (${kinds}; ${model.parameterCount().toLocaleString('en')} parameters, mean logits, trained on up to ${model.config.inputPoints} input points)`,
      };
    }
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
  let raw = (await cfg.json()) as { model?: ModelConfig; ensemble?: { members?: string[] } } & Partial<ModelConfig>;
  const first = raw.ensemble?.members?.[0];
  if (first) {
    // an ensemble's training config: build its first member untrained
    const sub = await fetch(new URL(`${first}/config.json`, base)).catch(() => undefined);
    if (!sub?.ok) throw new Error(`no model in this build: ${new URL('model.json', base)} and ${new URL(`${first}/config.json`, base)} are missing`);
    raw = await sub.json();
  }
  const model = OccupancyNetwork.fromConfig((raw.model ?? raw) as ModelConfig, seed);
  return {
    model,
    fresh: true,
    message: 'WARNING: this build has no trained weights (models/default/model.json missing) — an untrained network runs, the mesh will not resemble the input',
  };
}
