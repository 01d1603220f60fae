/**
 * @onet/models — the trained occupancy networks that onet ships, as data: each a folder with `model.json` +
 * `weights.bin` (or an ensemble manifest with member folders), its training `config.json`, `history.json`,
 * `curve.svg` and a README with its held-out numbers. Load one with `loadModel(modelDir('default'))` of
 * `@onet/model/node`.
 * @module @onet/models
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The models this package ships (in its tarball); other folders in the repository are kept for comparison only. */
export const SHIPPED_MODELS = ['default', 'voxels', 'chair-vae', 'image'] as const;

/** Name of a shipped model. */
export type ShippedModelName = (typeof SHIPPED_MODELS)[number];

/** Error of {@link modelDir}: `code` `UNKNOWN_MODEL` when the name is not a model folder of this package. */
export class ModelsError extends Error {
  override readonly name = 'ModelsError';
  readonly code = 'UNKNOWN_MODEL' as const;
}

/**
 * Absolute folder of a model of this package: `modelDir()` is the shipped default (the point-cloud ensemble), `modelDir('voxels')` the voxel super-resolution model,
 * `modelDir('image')` the single-view model, `modelDir('chair-vae')` the unconditional one.
 * Models kept for comparison (`grid-v1`, `planes-v1`, `onet`, `voxels-onet`) are found in a repository checkout, not in the published package.
 *
 * @example
 * ```ts
 * import { modelDir } from '@onet/models';
 * import { loadModel } from '@onet/model/node';
 * const { model, message } = await loadModel(modelDir('default'));
 * ```
 * @throws {@link ModelsError} `UNKNOWN_MODEL` for a name that is not a plain folder name or has no folder here.
 */
export function modelDir(name: ShippedModelName | (string & {}) = 'default'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new ModelsError(`model name "${name}" is not a plain folder name`);
  const dir = fileURLToPath(new URL(`../${name}/`, import.meta.url)).replace(/[\\/]$/, '');
  if (!existsSync(dir)) throw new ModelsError(`no model "${name}" in @onet/models (shipped: ${SHIPPED_MODELS.join(', ')})`);
  return dir;
}
