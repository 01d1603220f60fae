import { buildDataset, parseShard as parseBuilderShard, writeSplits } from '@onet/sampling/node';
import { progress } from './progress.js';

/** Options the CLI passes to `onet dataset build`. */
export interface DatasetBuildCliOptions {
  /** Dataset root to write. */
  out: string;
  /** `"k/N"`, 0 ≤ k < N: this job builds the sorted meshes i with i mod N = k. */
  shard?: string;
  /** Category (class folder) of meshes lying directly in the input folder. */
  class?: string;
  /** Base seed (each model's seed is a hash of it and the model name, independent of sharding). */
  seed?: number;
  /** Write `train/val/test.lst` afterwards (reference ratios 0.7/0.1/0.2); run it once, after all shards. */
  splits?: boolean;
  /** Print the result as one JSON document on stdout (the other lines go to stderr). */
  json?: boolean;
}

/**
 * `onet dataset build <meshes> -o <out>`: delegates to `buildDataset` of `@onet/sampling/node` (reference
 * layout, round-robin shards, atomic per-model folders, failures skipped and logged), printing progress.
 * @throws `SamplingError` `INVALID_ARGUMENT` (bad shard) or `DATASET_ERROR` (missing input folder).
 */
export async function buildDatasetCommand(meshDir: string, o: DatasetBuildCliOptions): Promise<void> {
  const shard = o.shard ? parseBuilderShard(o.shard) : { shard: 0, numShards: 1 };
  const say = (line: string) => (o.json ? console.error(line) : console.log(line));
  const bar = progress('dataset');
  let result;
  try {
    result = await buildDataset({
      input: meshDir,
      output: o.out,
      category: o.class,
      shard: shard.shard,
      numShards: shard.numShards,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      onProgress: (p) => bar.tick(p.index + 1, p.total, `${p.category}/${p.model}`),
      onLog: (line) => bar.line(`  ${line}`),
    });
  } finally {
    bar.stop();
  }
  say(`${result.written.length} models written, ${result.existing.length} already there, ${result.failed.length} failed → ${o.out}`);
  for (const f of result.failed) console.error(`  failed ${f.source}: ${f.error}`);
  let splits;
  if (o.splits) {
    splits = await writeSplits(o.out);
    say(`splits: ${splits.train} train, ${splits.val} val, ${splits.test} test`);
  }
  if (o.json) console.log(JSON.stringify({ output: o.out, ...result, ...(splits ? { splits } : {}) }, null, 1));
}
