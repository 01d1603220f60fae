/**
 * `onet queue submit|worker|status|merge`: the `--shard k/N` work of `dataset build`, `generate` and `eval` on a
 * BullMQ/Redis job queue (`@onet/queue`), so workers on many machines share it and crashed shards are retried.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import type { StageStatus, WorkerEvent } from '@onet/queue';
import { generationFlags, generationOptions } from './program.js';

function int(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

/** `--redis`, `--queue` and `--connect-timeout`, on every queue command. */
function connection(cmd: Command): Command {
  return cmd
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://queue-host:6379 (same for every producer and worker)')
    .option('--queue <name>', 'queue name (several queues can share one Redis)', 'onet')
    .option('--connect-timeout <ms>', 'give up on an unreachable Redis after this long', int('connect-timeout', 1), 5000);
}

/** `--shards`, `--name`, `--after`, `--attempts`, on every `submit` command. */
function submission(cmd: Command): Command {
  return connection(cmd)
    .requiredOption('--shards <n>', 'number of shards N (shard k: the sorted items i with i mod N = k)', int('shards', 1))
    .option('--name <key>', 'stage name (default: <kind>-<hash of the parameters>, so resubmitting is a no-op)')
    .option('--after <key>', 'start only once this stage has settled (e.g. generate after the dataset build)')
    .option('--attempts <n>', 'attempts per shard before it is marked failed', int('attempts', 1), 3);
}

const conn = (o: Record<string, unknown>) => ({ redis: o.redis as string, queue: o.queue as string, connectTimeoutMs: o.connectTimeout as number });

async function submit(spec: import('@onet/queue').StageSpec, o: Record<string, unknown>): Promise<void> {
  const { submitStage } = await import('@onet/queue');
  const r = await submitStage(spec, { ...conn(o), shards: o.shards as number, name: o.name as string | undefined, after: o.after as string | undefined, attempts: o.attempts as number });
  console.log(r.key);
  console.error(r.added ? `submitted ${spec.kind} stage ${r.key}: ${o.shards} shards + final job${o.after ? `, after ${o.after}` : ''}` : `stage ${r.key} was already submitted: nothing added`);
}

/** One line per stage: `key  kind  [bar]  done/N done, running, waiting, failed, retried`. */
export function formatStageStatus(s: StageStatus): string {
  const parts = [`${s.done}/${s.shards} done`, `${s.running} running`, `${s.waiting} waiting`, `${s.failed} failed`, `${s.retried} retried`, `final ${s.final}`];
  return `${s.key} (${s.kind}${s.after ? ` after ${s.after}` : ''}): ${parts.join(', ')}`;
}

function printStatus(stages: StageStatus[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(stages, null, 1));
    return;
  }
  if (stages.length === 0) console.log('no stages submitted');
  for (const s of stages) {
    console.log(formatStageStatus(s));
    for (const e of s.errors) console.log(`  ${e.k < 0 ? 'final job' : `shard ${e.k}/${s.shards}`} failed: ${e.error.replace(/\s*\n\s*/g, ' ')}`);
  }
}

async function watchStatus(o: Record<string, unknown>): Promise<void> {
  const { queueStatus } = await import('@onet/queue');
  const bars = new cliProgress.MultiBar(
    { format: '  {stage} [{bar}] {value}/{total} done, {running} running, {failed} failed, {retried} retried', stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const byKey = new Map<string, cliProgress.SingleBar>();
  let stages: StageStatus[] = [];
  try {
    for (;;) {
      stages = await queueStatus(conn(o));
      for (const s of stages) {
        const payload = { stage: s.key, running: s.running, failed: s.failed, retried: s.retried };
        const bar = byKey.get(s.key) ?? byKey.set(s.key, bars.create(s.shards, 0, payload)).get(s.key)!;
        bar.update(s.done, payload);
      }
      if (stages.every((s) => s.settled)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    bars.stop();
  }
  printStatus(stages, false);
}

function describeEvent(e: WorkerEvent): string | undefined {
  switch (e.type) {
    case 'started':
      return `  start ${e.jobId} (attempt ${e.attempt})`;
    case 'completed':
      return `  done  ${e.jobId} in ${(e.ms / 1000).toFixed(2)} s`;
    case 'failed':
      return `  ${e.final ? 'FAILED' : 'retry'} ${e.jobId} (attempt ${e.attempt}/${e.attempts}): ${e.error}`;
    case 'stalled':
      return `  ${e.jobId} lost its worker: back in the queue`;
    case 'log':
      return `  ${e.jobId}: ${e.line}`;
    case 'error':
      return `  worker error: ${e.error}`;
  }
}

/** Add `onet queue …` to `program`. */
export function registerQueueCommands(program: Command): Command {
  const queue = program.command('queue').description('run dataset build, generate and eval shards on a job queue (BullMQ on Redis): workers on many machines, crashed shards retried');
  const submitCmd = queue.command('submit').description('enqueue the shards of a stage (same stage twice: nothing added)');

  submission(
    submitCmd
      .command('dataset')
      .description('shards of `onet dataset build` (paths must be the same on every worker)')
      .argument('<meshes>', 'folder of meshes')
      .requiredOption('-o, --out <dir>', 'dataset root to write')
      .option('--class <name>', 'class folder name', 'meshes')
      .option('--seed <n>', 'seed', int('seed', 0))
      .option('--splits', 'write train/val/test.lst (0.7/0.1/0.2) once every shard is done')
      .option('--points <n>', 'uniform points with occupancy per model (reference 100000)', int('points', 1))
      .option('--surface-points <n>', 'surface points per model (reference 100000)', int('surface-points', 1))
      .option('--voxel-resolution <n>', 'model.binvox resolution (0: none; reference 32)', int('voxel-resolution', 0)),
  ).action(async (meshes: string, o) => {
    await submit(
      { kind: 'dataset', params: { input: meshes, out: o.out, category: o.class, seed: o.seed, splits: o.splits, numPoints: o.points, numSurfacePoints: o.surfacePoints, voxelResolution: o.voxelResolution } },
      o,
    );
  });

  submission(
    generationOptions(
      submitCmd
        .command('generate')
        .description('shards of `onet generate`')
        .requiredOption('--data <root>', 'dataset root')
        .option('--split <name>', 'split list', 'test')
        .requiredOption('--out-dir <dir>', 'where meshes go (<out>/<class>/<model>.off)')
        .option('--model <dir>', 'model folder (default: the shipped model of each worker)')
        .option('--format <ext>', 'mesh format: off, ply, obj, glb', 'off')
        .option('--seed <n>', 'seed for the input subsampling and noise', int('seed', 0), 0),
    ),
  ).action(async (o) => {
    const generation = Object.fromEntries(Object.entries(generationFlags(o)).filter(([, v]) => v !== undefined));
    await submit(
      { kind: 'generate', params: { data: o.data, split: o.split, outDir: o.outDir, model: o.model, format: o.format, seed: o.seed, generation, testTimeAugmentation: o.testTimeAugmentation } },
      o,
    );
  });

  submission(
    submitCmd
      .command('eval')
      .description('shards of `onet eval` over a split; the final job merges them into --csv/--json')
      .requiredOption('--data <root>', 'dataset root')
      .option('--split <name>', 'split list', 'test')
      .requiredOption('--meshes <dir>', 'generated meshes (<dir>/<class>/<model>.<ext>)')
      .option('--csv <file>', 'merged per-shape rows and the mean, as CSV')
      .option('--json <file>', 'merged report as JSON')
      .option('--eval-points <n>', 'surface points per mesh (reference 100000)', int('eval-points', 1), 100_000)
      .option('--seed <n>', 'seed', int('seed', 0), 0),
  ).action(async (o) => {
    await submit({ kind: 'eval', params: { data: o.data, split: o.split, meshes: o.meshes, csv: o.csv, json: o.json, points: o.evalPoints, seed: o.seed } }, o);
  });

  connection(queue.command('worker').description('take shards from the queue and run them until stopped (one per core)'))
    .option('--concurrency <n>', 'shards at once in this process', int('concurrency', 1), 1)
    .option('--lock-ms <ms>', 'lease of a running shard: a dead worker\'s shard is retried after about 1.5× this', int('lock-ms', 500), 60_000)
    .option('--poll-ms <ms>', 'how often a shard waiting on another stage looks again', int('poll-ms', 10), 2000)
    .option('--exit-when-idle', 'exit once nothing is waiting, delayed or running')
    .option('--json', 'print events as JSON lines on stdout')
    .addOption(new Option('--backend <name>', 'tfjs backend for generate shards').choices(['auto', 'webgpu', 'wasm', 'cpu']).default('auto'))
    .action(async (o) => {
      const { startWorker } = await import('@onet/queue');
      const w = await startWorker({
        ...conn(o),
        concurrency: o.concurrency,
        lockMs: o.lockMs,
        pollMs: o.pollMs,
        exitWhenIdle: Boolean(o.exitWhenIdle),
        backend: o.backend,
        onEvent: (e) => {
          if (o.json) process.stdout.write(`${JSON.stringify({ pid: process.pid, ...e })}\n`);
          else {
            const line = describeEvent(e);
            if (line) console.error(line);
          }
        },
      });
      const stop = () => {
        console.error('stopping: finishing the running shard (Ctrl-C again to abandon it to another worker)');
        process.once('SIGINT', () => process.exit(130));
        void w.close();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      console.error(`worker ${process.pid} on queue "${o.queue}"${o.exitWhenIdle ? ' (exits when idle)' : ''}`);
      await w.idle;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    });

  connection(queue.command('status').description('per stage: shards done / running / waiting / failed / retried'))
    .option('--watch', 'redraw until every stage has settled (progress bars on a terminal)')
    .option('--json', 'print the status as JSON')
    .action(async (o) => {
      if (o.watch && process.stderr.isTTY && !o.json) return watchStatus(o);
      const { queueStatus } = await import('@onet/queue');
      for (;;) {
        const stages = await queueStatus(conn(o));
        if (!o.watch || stages.every((s) => s.settled)) return printStatus(stages, Boolean(o.json));
        await new Promise((r) => setTimeout(r, 1000));
      }
    });

  connection(queue.command('merge').description("merge an eval stage's per-shard results into its CSV/JSON (its final job does this too)"))
    .requiredOption('--stage <key>', 'the eval stage (as `submit` printed it)')
    .option('--csv <file>', 'write the CSV here instead of the stage\'s --csv')
    .option('--json <file>', 'write the JSON here instead of the stage\'s --json')
    .action(async (o) => {
      const { connectQueue, mergeEvaluation } = await import('@onet/queue');
      const c = await connectQueue(conn(o));
      let stage;
      try {
        stage = await c.stage(o.stage);
      } finally {
        await c.close();
      }
      const m = await mergeEvaluation(stage, { csv: o.csv, json: o.json });
      console.log(`${m.report.rows.length} shapes (${m.report.failed.length} failed${m.missingShards.length ? `; shards without a result: ${m.missingShards.join(', ')}` : ''}) → ${m.written.join(', ')}`);
    });

  return queue;
}
