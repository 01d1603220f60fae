import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadModelFrom, type LoadedModel, type LoadModelOptions, type ModelSource } from '../loadModel.js';
import { PipelineError } from '../errors.js';

/** A {@link ModelSource} reading the model folder `dir` from disk; a missing file reads as `undefined`. */
export function fileModelSource(dir: string): ModelSource {
  return {
    location: dir,
    async read(name) {
      try {
        const b = await readFile(join(dir, name));
        // a Buffer that owns its whole memory (any but a small one from Node's shared pool) is handed on as a view:
        // copying the 4 MB of weights would cost fresh pages for nothing
        return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    sub: (name) => fileModelSource(join(dir, name)),
  };
}

/**
 * Load an `OccupancyNetwork` from a folder holding `model.json` + `weights.bin`, or an `OccupancyEnsemble` when
 * `model.json` is an ensemble manifest: {@link loadModelFrom} over {@link fileModelSource}. `dir` may also name the
 * `model.json` itself. The shipped models' folders come from `@onet/models`' `modelDir()`.
 *
 * @example
 * ```ts
 * import { modelDir } from '@onet/models';
 * const { model, message } = await loadModel(modelDir('default'));
 * ```
 * @throws {@link PipelineError} `BAD_MODEL` as {@link loadModelFrom}, and when the folder does not exist (unless
 *   `allowFresh`). `INVALID_OPTION` for an unknown `testTimeAugmentation`.
 * @category Node
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const folder = dir.endsWith('.json') ? dirname(dir) : dir;
  if (!existsSync(folder) && !options.allowFresh) {
    throw new PipelineError('BAD_MODEL', `${dir}: model folder not found; pass --model <folder with model.json and weights.bin>`);
  }
  return loadModelFrom(fileModelSource(folder), options);
}
