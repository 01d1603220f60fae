import { PipelineError } from '../errors.js';

/** Options the CLI passes to `onet dataset build`. */
export interface DatasetBuildCliOptions {
  out: string;
  shard?: string;
  class?: string;
  seed?: number;
}

/**
 * `onet dataset build <meshes> -o <out>`: delegates to the dataset builder of `@onet/sampling/node`
 * (reference layout, sharded, atomic per-model folders), printing its progress.
 * @throws {@link PipelineError} `BAD_DATASET` when the builder is not available in this install.
 */
export async function buildDatasetCommand(meshDir: string, o: DatasetBuildCliOptions): Promise<void> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import('@onet/sampling/node')) as Record<string, unknown>;
  } catch (e) {
    throw new PipelineError('BAD_DATASET', `the dataset builder (@onet/sampling/node) is not available: ${(e as Error).message}`, { cause: e });
  }
  const build = (mod.buildDataset ?? mod.buildDatasetFromMeshes) as
    | ((input: string, out: string, options: Record<string, unknown>) => Promise<unknown>)
    | undefined;
  if (typeof build !== 'function') throw new PipelineError('BAD_DATASET', '@onet/sampling/node has no buildDataset function');
  const result = await build(meshDir, o.out, {
    shard: o.shard,
    className: o.class,
    seed: o.seed,
    onProgress: (p: unknown) => console.error(typeof p === 'string' ? p : JSON.stringify(p)),
  });
  console.log(typeof result === 'object' ? JSON.stringify(result) : `dataset written to ${o.out}`);
}
