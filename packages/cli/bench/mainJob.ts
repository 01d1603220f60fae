/**
 * The main job of issue #24 as a user runs it: `onet demo` (Stanford bunny, 3000 noisy points, the shipped model,
 * metrics on 100k points, PLY + viewer written) in a fresh Node process, with its default backend. The child
 * reports its own CPU time (user + system, every thread: JIT, GC, wasm, file writes) and peak RSS at exit, so
 * module loading and start-up count. Goal: ≤ 2 s of CPU. Quick mode: 300 points, 10k metric points. The demo picks
 * its backend itself (WebGPU on a hardware adapter, else wasm); the row's note names it, and a second row says that
 * the WebGPU main job was not measured when the demo ran elsewhere.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, Sample } from '@onet/test-utils/peers';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// preloaded into the child: print CPU time and peak RSS as the last stderr line at exit
const REPORT =
  'data:text/javascript,process.on("exit",()=>{const c=process.cpuUsage(),r=process.resourceUsage();' +
  'process.stderr.write("\\nONET_MAIN_JOB "+JSON.stringify({cpuMs:(c.user+c.system)/1000,maxRssKiB:r.maxRSS})+"\\n")})';

/** One `onet demo` run in a child process: its CPU time, wall time, and `{ maxRssKiB, metrics }` as the value. */
async function runDemo(args: string[]): Promise<Sample> {
  const out = mkdtempSync(join(tmpdir(), 'onet-main-job-'));
  const t0 = performance.now();
  try {
    const child = spawn(process.execPath, ['--import', REPORT, CLI, 'demo', '--out-dir', out, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const wallMs = performance.now() - t0;
    const line = stderr.split('\n').find((l) => l.startsWith('ONET_MAIN_JOB '));
    if (code !== 0 || !line) throw new Error(`onet demo failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const r = JSON.parse(line.slice('ONET_MAIN_JOB '.length)) as { cpuMs: number; maxRssKiB: number };
    const metrics = stdout.split('\n').find((l) => l.startsWith('metrics:')) ?? '';
    const backend = stdout.split('\n').find((l) => l.startsWith('backend:')) ?? 'backend: ?';
    return { cpuMs: r.cpuMs, wallMs, value: { maxRssKiB: r.maxRssKiB, metrics, backend } };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Adds the main-job row (min CPU over `runs` fresh processes, goal ≤ 2 s) and prints its peak RSS and metrics. */
export async function mainJobRow(bench: Bench, runs: number): Promise<void> {
  const args = bench.quick ? ['--points', '300', '--eval-points', '10000'] : [];
  const rss: number[] = [];
  let metrics = '';
  let backend = '';
  const row = await bench.compare({
    what: bench.quick ? 'main job: onet demo (bunny, 300 points, quick)' : 'main job: onet demo (bunny, 3000 points, shipped model)',
    ours: () => undefined,
    measureOurs: async () => {
      const s = await runDemo(args);
      const v = s.value as { maxRssKiB: number; metrics: string; backend: string };
      rss.push(v.maxRssKiB);
      metrics = v.metrics;
      backend = v.backend;
      return s;
    },
    oursThreads: 'a fresh Node process, default backend (all its threads counted)',
    peer: null,
    runs,
    warmup: 0,
    goal: { maxCpuMs: 2000 },
  });
  if (row.runs > 0) {
    row.note = `max RSS ${(Math.min(...rss) / 1024).toFixed(0)}–${(Math.max(...rss) / 1024).toFixed(0)} MiB; ${metrics}; ${backend}`;
    console.log(`  main job: ${row.note}`);
    // `onet demo` picks WebGPU by itself when Node has a hardware adapter ('auto'); otherwise say so in its own row
    if (!backend.startsWith('backend: webgpu')) {
      bench.unmeasured({
        what: 'main job on WebGPU (hardware adapter)',
        reason: `the demo ran on ${backend.replace(/^backend: /, '')}`,
        oursThreads: 'a fresh Node process, WebGPU',
      });
    }
  }
}
