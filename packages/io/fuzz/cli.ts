/**
 * `npm run fuzz [-- --count N --seed S --hang-ms MS]`: the seeded fuzzer of fuzz.ts in a worker thread that
 * the main thread stops and restarts past any input running longer than the hang bound (2 s by default;
 * synchronous readers cannot be interrupted in-process). Prints a JSON report; exit code 1 on any untyped or
 * wrapped error, hang, or silent non-finite / empty / header-mismatched (npy, npz) result.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { emptyReport, makeSeeds, runFuzz, type FuzzReport } from './fuzz.js';

interface Job {
  seed: number;
  from: number;
  to: number;
}

if (!isMainThread) {
  const { seed, from, to } = workerData as Job;
  const seeds = await makeSeeds();
  const report = emptyReport();
  // Heartbeat before each input, with the counts so far (a small object): a hang loses nothing.
  const beat = (i: number) => parentPort!.postMessage({ type: 'beat', i, report });
  await runFuzz(seeds, seed, from, to, report, beat);
  parentPort!.postMessage({ type: 'done', report });
} else {
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : def;
  };
  const count = arg('count', 100_000);
  const seed = arg('seed', 1);
  const hangMs = arg('hang-ms', 2000);
  const total = emptyReport();
  const hangs: number[] = [];
  const t0 = performance.now();
  const merge = (r: FuzzReport) => {
    total.inputs += r.inputs;
    total.runs += r.runs;
    for (const k of Object.keys(r.outcomes) as (keyof FuzzReport['outcomes'])[]) total.outcomes[k] += r.outcomes[k];
    total.slowestMs = Math.max(total.slowestMs, r.slowestMs);
    for (const e of r.examples) if (total.examples.length < 20) total.examples.push(e);
  };
  let from = 0;
  while (from < count) {
    const job: Job = { seed, from, to: count };
    from = await new Promise<number>((resolve, reject) => {
      const w = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: job });
      let current = job.from;
      let since = performance.now();
      let last: FuzzReport = emptyReport();
      let started = false; // the worker's start-up (loading, seeds) is not an input: the clock starts at the first beat
      const timer = setInterval(() => {
        if (started && performance.now() - since > hangMs) {
          clearInterval(timer);
          hangs.push(current);
          void w.terminate();
          merge(last);
          resolve(current + 1); // skip the hanging input
        }
      }, 100);
      w.on('message', (m: { type: string; i?: number; report: FuzzReport }) => {
        if (m.type === 'beat') {
          started = true;
          current = m.i!;
          since = performance.now();
          last = m.report;
          if (current % 2500 === 0 && current > 0) {
            process.stderr.write(`fuzz: ${current} inputs ${JSON.stringify({ ...last.outcomes, hangs: hangs.length })}\n`);
          }
        } else {
          clearInterval(timer);
          merge(m.report);
          resolve(count);
        }
      });
      w.on('error', (e) => {
        clearInterval(timer);
        reject(e);
      });
    });
  }
  total.hangs = hangs.length;
  total.inputs += hangs.length;
  const out = { seed, count, hangBoundMs: hangMs, seconds: Math.round((performance.now() - t0) / 1000), ...total, hangInputs: hangs.slice(0, 20) };
  console.log(JSON.stringify(out, null, 2));
  const bad = total.outcomes.untyped + total.outcomes.wrapped + total.outcomes.silentNonFinite + total.outcomes.silentEmpty + total.outcomes.silentMismatch + hangs.length;
  process.exitCode = bad > 0 ? 1 : 0;
}
