import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelFiles } from '@onet/nn/node';
import type { OccupancyNetwork, ModelConfig } from '../model.js';
import { ensembleMembers, isMemberPath, parseEnsembleManifest, OccupancyEnsemble, type EnsembleManifest } from '../ensemble.js';
import { PipelineError } from '../errors.js';
import { describeThreshold } from '../threshold.js';
import { checkTestTimeAugmentation, describeTestTimeAugmentation, type TestTimeAugmentation } from '../augment.js';

/** The shipped model's folder (`packages/pipeline/models/default`), found from the source or the build. */
export function defaultModelDir(): string {
  for (const rel of ['../models/default', '../../models/default', '../../../models/default']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return fileURLToPath(new URL('../../models/default', import.meta.url));
}

/** Result of {@link loadModel}. */
export interface LoadedModel {
  /**
   * One network, or an {@link OccupancyEnsemble} when `model.json` is an ensemble manifest or test-time augmentation
   * was asked of a single network (a one-member ensemble).
   */
  model: OccupancyNetwork | OccupancyEnsemble;
  /** Folder the weights came from. */
  dir: string;
  /** True when no weights were found and a freshly initialised (untrained) model is used instead. */
  fresh: boolean;
  /** One line for the user about what was loaded. */
  message: string;
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * When `dir` has no `model.json`, build an untrained model from `dir/config.json`'s `model` section (or the
   * reference's point-cloud ONet) instead of throwing — used by the demo so the flow runs before weights are shipped.
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

/**
 * Load an `OccupancyNetwork` from a folder holding `model.json` + `weights.bin` (default: the shipped model), or an
 * {@link OccupancyEnsemble} when `model.json` is an ensemble manifest (`"format": "onet-ensemble"`, members in
 * subfolders, each loaded the same way; `allowFresh` applies to each member).
 * @throws {@link PipelineError} `BAD_MODEL` naming the file when it is missing (and `allowFresh` is off),
 *   unreadable, or does not match the network it describes; for a bad manifest or a member that is itself an ensemble.
 *   `INVALID_OPTION` for an unknown `testTimeAugmentation`.
 * @category Node
 */
export async function loadModel(dir: string = defaultModelDir(), options: LoadModelOptions = {}): Promise<LoadedModel> {
  checkTestTimeAugmentation(options.testTimeAugmentation, 'loadModel:', 'INVALID_OPTION');
  const jsonPath = dir.endsWith('.json') ? dir : join(dir, 'model.json');
  let manifest: EnsembleManifest | undefined;
  if (existsSync(jsonPath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(jsonPath, 'utf8'));
    } catch (e) {
      throw new PipelineError('BAD_MODEL', `${jsonPath}: cannot read model.json (${(e as Error).message})`, { cause: e });
    }
    manifest = parseEnsembleManifest(raw);
  }
  const tta = options.testTimeAugmentation;
  if (!manifest) {
    const one = await loadNetwork(dir, options);
    if (tta === undefined || tta === 'none') return one;
    return { ...one, model: new OccupancyEnsemble([one.model as OccupancyNetwork], { testTimeAugmentation: tta }), message: `${one.message}${describeTestTimeAugmentation(tta)}` };
  }
  const members = manifest.members;
  const base = dirname(jsonPath);
  const loaded: LoadedModel[] = [];
  let model: OccupancyEnsemble;
  try {
    for (const m of members) {
      const memberJson = join(base, m, 'model.json');
      if (existsSync(memberJson)) {
        let nested: string[] | undefined;
        try {
          nested = ensembleMembers(JSON.parse(await readFile(memberJson, 'utf8')));
        } catch {
          // unreadable: loadNetwork reports it
        }
        if (nested) throw new PipelineError('BAD_MODEL', `${memberJson}: an ensemble member is itself an ensemble; list its members directly`);
      }
      loaded.push(await loadNetwork(join(base, m), options));
    }
    model = new OccupancyEnsemble(
      loaded.map((l) => l.model as OccupancyNetwork),
      // the manifest's generation settings (threshold, thresholdByInputPoints, fillCavities, testTimeAugmentation)
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
    dir,
    fresh,
    message: `${fresh ? 'WARNING: some members have no trained weights; ' : ''}model: ${jsonPath}, ensemble of ${members.length} (mean logits): ${parts.join(' + ')}; ${describeThreshold(model.config)}${model.config.fillCavities ? ', cavities filled' : ''}${describeTestTimeAugmentation(model.config.testTimeAugmentation)}`,
  };
}

async function loadNetwork(dir: string, options: LoadModelOptions): Promise<LoadedModel> {
  const jsonPath = dir.endsWith('.json') ? dir : join(dir, 'model.json');
  if (!existsSync(dir) && !options.allowFresh) throw new PipelineError('BAD_MODEL', `${dir}: model folder not found; pass --model <folder with model.json and weights.bin>`);
  // Loaded lazily so that commands failing earlier (bad input) never pay for the network code.
  const { OccupancyNetwork, ONET_REFERENCE_CONFIG } = await import('../model.js');
  if (!existsSync(jsonPath)) {
    if (!options.allowFresh) {
      throw new PipelineError('BAD_MODEL', `${jsonPath} not found; pass --model <folder with model.json and weights.bin>`);
    }
    // The architecture the shipped model is trained with (its training config), else the reference's.
    let config: ModelConfig = ONET_REFERENCE_CONFIG;
    const cfgPath = join(dir, 'config.json');
    if (existsSync(cfgPath)) {
      try {
        let raw = JSON.parse(await readFile(cfgPath, 'utf8')) as { model?: ModelConfig; ensemble?: { members?: string[] } };
        // an ensemble's training config: its first member's architecture (as the browser demo does)
        const first = raw.ensemble?.members?.[0];
        if (isMemberPath(first)) raw = JSON.parse(await readFile(join(dir, first, 'config.json'), 'utf8')) as typeof raw;
        if (raw.model) config = raw.model;
      } catch {
        // unreadable training config: keep the reference architecture
      }
    }
    const model = OccupancyNetwork.fromConfig(config, options.seed ?? 0);
    return {
      model,
      dir,
      fresh: true,
      message: `WARNING: no trained weights at ${jsonPath}; using a freshly initialised (untrained) model — the mesh will not resemble the input`,
    };
  }
  let files;
  try {
    files = await loadModelFiles(jsonPath);
  } catch (e) {
    throw new PipelineError('BAD_MODEL', (e as Error).message, { cause: e });
  }
  let model: OccupancyNetwork;
  try {
    model = OccupancyNetwork.fromWeights(files.modelJson, files.weights);
  } catch (e) {
    throw new PipelineError('BAD_MODEL', `${jsonPath}: ${(e as Error).message}`, { cause: e });
  }
  return { model, dir, fresh: false, message: `model: ${jsonPath} (${model.parameterCount()} parameters)` };
}
