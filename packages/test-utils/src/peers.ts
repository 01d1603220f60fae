/**
 * Benchmark peers, measured so that a ratio cannot mislead (issue #24, "Benches that cannot mislead"): find the
 * Python that has a peer's modules, run the peer and ours alternately in the same process group, take the
 * minimum CPU time and the minimum wall time of several runs of each, state the thread counts, and record each
 * comparison as a row of the summary table that `npm run bench` prints (`scripts/bench-summary.mjs`).
 * A peer that cannot run gives a row that says `peer missing: <how to install>` and no ratio — never a number
 * quoted from a document. Node built-ins only (no vitest, no tfjs): benches load it through `tsx`.
 *
 * Ratios are speed-ups of ours over the peer: peer time / our time (> 1: ours is faster), once by CPU time
 * (the headline: on a shared machine wall time mostly measures waiting for a core) and once by wall time.
 *
 * @example
 * ```ts
 * import { createBench, findPython, PythonPeer } from '@onet/test-utils/peers';
 * const bench = createBench('metrics');
 * const py = findPython(['numpy', 'scipy.spatial']);
 * const peer = py.python
 *   ? await PythonPeer.start({ name: 'scipy cKDTree', python: py.python, code: 'def run():\n    ...', args: [file] })
 *   : py;                                              // { missing: 'peer missing: apt-get install python3-scipy …' }
 * await bench.compare({ what: 'Chamfer-L1 100k × 100k', ours: () => chamfer(a, b), peer });
 * await bench.finish();                                // prints this bench's table, writes out/bench/metrics.json
 * ```
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { REPO_ROOT } from './data.js';

/** Debian package that provides each Python module a bench uses (by top-level module name). */
export const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  numpy: 'python3-numpy',
  scipy: 'python3-scipy',
  skimage: 'python3-skimage',
  vtk: 'python3-vtk9',
  vtkmodules: 'python3-vtk9',
  open3d: 'python3-open3d',
  torch: 'python3-torch',
  trimesh: 'python3-trimesh',
};

/** `ONET_BENCH_QUICK=1` or `--quick` on the command line: tiny sizes, to check the harness fast. */
export function benchQuick(): boolean {
  return process.env.ONET_BENCH_QUICK === '1' || process.argv.includes('--quick');
}

/**
 * `ONET_BENCH_ONLY=<regex>`: run only the rows whose `what` or peer name matches (case-insensitive); the
 * other rows of the bench's previous results are kept (see {@link Bench.finish}). Undefined when unset.
 */
export function benchOnly(): RegExp | undefined {
  const only = process.env.ONET_BENCH_ONLY;
  return only ? new RegExp(only, 'i') : undefined;
}

let gcFn: (() => void) | undefined;

/**
 * A full garbage collection now (exposes V8's `gc` on first use, no command-line flag needed). Benches call it
 * outside the timed region so that a run can reuse the memory the previous run freed, as a C/C++ peer's
 * allocator does; on VMs where a fresh page costs microseconds, that otherwise dominates allocation-heavy rows.
 */
export function fullGc(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Where benches write their rows: `$ONET_BENCH_OUT`, else `<repo>/out/bench/` (git-ignored). */
export function benchOutDir(): string {
  return process.env.ONET_BENCH_OUT || join(REPO_ROOT, 'out', 'bench');
}

/**
 * Environment for a peer limited to `threads` threads: OpenMP, MKL, OpenBLAS, BLIS, numexpr and VTK's SMP
 * tools all read these variables at start-up.
 */
export function threadEnv(threads: number): Record<string, string> {
  const n = String(threads);
  return {
    OMP_NUM_THREADS: n,
    MKL_NUM_THREADS: n,
    OPENBLAS_NUM_THREADS: n,
    BLIS_NUM_THREADS: n,
    NUMEXPR_NUM_THREADS: n,
    VTK_SMP_MAX_THREADS: n,
  };
}

/**
 * glibc settings for a peer's steady state: keep freed blocks up to 32 MiB for reuse instead of unmapping them
 * (`M_MMAP_THRESHOLD`) and never give the heap back (`M_TRIM_THRESHOLD`), as our side's wasm heap and V8 do. By
 * default glibc returns big freed blocks to the OS, so a peer that allocates its activations each run (PyTorch) paid
 * fresh pages every run (~8–13 µs per 4 KiB page on the project's VMs): one PyTorch training step measured 550–920 ms
 * without these and 454 ms with them, alternately. A variable already set in the environment wins.
 */
export const STEADY_MALLOC_ENV: Record<string, string> = {
  MALLOC_MMAP_THRESHOLD_: String(32 << 20),
  MALLOC_TRIM_THRESHOLD_: String(2 ** 30),
};

/** A Python interpreter that imports every requested module. */
export interface PythonFound {
  /** The interpreter's path or command, to pass to {@link PythonPeer.start}. */
  python: string;
  /** `sys.version` up to the first space, e.g. `3.11.2`. */
  version: string;
  /** Candidates tried before this one and why they were passed over (e.g. `ONET_PYTHON=/x: does not run`). */
  skipped: string[];
  missing?: undefined;
}

/** No candidate imports every module: `missing` says how to install what is missing. */
export interface PeerMissing {
  /** `peer missing: apt-get install python3-torch (for /usr/bin/python3; …)`: print it as is. */
  missing: string;
  python?: undefined;
}

/** Options of {@link findPython}. */
export interface FindPythonOptions {
  /** Interpreters to try, in order. Default: `$ONET_PYTHON` (when set), `/usr/bin/python3`, `python3` on PATH. */
  candidates?: string[];
  /** How to install a module that has no Debian package (e.g. the reference's Cython libmise). */
  install?: string;
  /** Seconds one probe may take (importing torch takes a few). Default 120. */
  timeoutS?: number;
}

/** The interpreters {@link findPython} tries by default, in order, without duplicates. */
export function pythonCandidates(): string[] {
  const env = process.env.ONET_PYTHON;
  return [...new Set([env, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p))];
}

const PROBE = `
import sys, json, importlib
miss = []
for m in sys.argv[1:]:
    try:
        importlib.import_module(m)
    except Exception:
        miss.append(m)
print(json.dumps({"version": sys.version.split()[0], "missing": miss}))
`;

const found = new Map<string, PythonFound | PeerMissing>();

/**
 * The first interpreter of `$ONET_PYTHON`, `/usr/bin/python3`, `python3` on PATH (or `options.candidates`)
 * that imports all `modules` (dotted names allowed: `'skimage.measure'`). Each probe runs with one-thread
 * environment variables and a timeout, so a broken interpreter cannot hang the bench. Results are cached per
 * process.
 *
 * @returns `{ python, version, skipped }`, or `{ missing }` naming the Debian packages to install (what
 *   `/usr/bin/python3` lacks when it runs, else the candidate that lacked the fewest modules) or
 *   `options.install` for a module Debian does not ship.
 */
export function findPython(modules: readonly string[], options: FindPythonOptions = {}): PythonFound | PeerMissing {
  const candidates = options.candidates ?? pythonCandidates();
  const key = JSON.stringify([candidates, modules, options.install]);
  const cached = found.get(key);
  if (cached) return cached;
  const skipped: string[] = [];
  let best: { python: string; missing: string[] } | undefined;
  for (const python of candidates) {
    const label = python === process.env.ONET_PYTHON ? `ONET_PYTHON=${python}` : python;
    const r = spawnSync(python, ['-c', PROBE, ...modules], {
      encoding: 'utf8',
      timeout: (options.timeoutS ?? 120) * 1000,
      env: { ...process.env, ...threadEnv(1) },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let probe: { version: string; missing: string[] } | undefined;
    try {
      probe = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : undefined;
    } catch {
      probe = undefined;
    }
    if (!probe) {
      skipped.push(`${label}: does not run${r.error ? ` (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` : ''}`);
      continue;
    }
    if (probe.missing.length === 0) {
      const result: PythonFound = { python, version: probe.version, skipped };
      found.set(key, result);
      return result;
    }
    skipped.push(`${label}: cannot import ${probe.missing.join(', ')}`);
    // apt-get installs for Debian's interpreter: name what that one lacks when it runs
    if (!best || python === '/usr/bin/python3' || (best.python !== '/usr/bin/python3' && probe.missing.length < best.missing.length))
      best = { python, missing: probe.missing };
  }
  let missing: string;
  if (!best) missing = `peer missing: apt-get install python3 (${skipped.join('; ') || 'no candidate'}; or set ONET_PYTHON)`;
  else {
    const pkgs = [...new Set(best.missing.map((m) => DEBIAN_PACKAGES[m.split('.')[0]]))];
    const unknown = best.missing.filter((m) => !DEBIAN_PACKAGES[m.split('.')[0]]);
    const how = [
      pkgs.some(Boolean) ? `apt-get install ${pkgs.filter(Boolean).join(' ')}` : '',
      unknown.length ? options.install ?? `install ${unknown.join(', ')}` : '',
    ].filter(Boolean);
    missing = `peer missing: ${how.join(' and ')} (for ${best.python}; or set ONET_PYTHON to a Python that imports ${modules.join(', ')})`;
  }
  const result: PeerMissing = { missing };
  found.set(key, result);
  return result;
}

/** One measured run: CPU time of the process that ran it and wall time, in milliseconds. */
export interface Sample {
  cpuMs: number;
  wallMs: number;
  /** What the run returned (JSON from a Python peer), e.g. a result to check against ours. */
  value?: unknown;
}

/** Something a bench can measure run by run: a Python peer or a function in this process. */
export interface Peer {
  /** Name in the table, e.g. `VTK 9.1 vtkFlyingEdges3D`. */
  name: string;
  /** Threads it runs on, in words, e.g. `1 (torch.set_num_threads(1))`. */
  threads: string;
  /** One run, measured. */
  run(): Promise<Sample>;
  /** Ends the peer (a Python peer's process); idempotent. */
  close?(): Promise<void>;
}

/** Measures `fn` in this process: `process.cpuUsage()` (user + system, every thread of Node) and wall time. */
export async function measure(fn: () => unknown): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, wallMs, value };
}

/** A peer that is a function in this process (a JS library): measured like ours. */
export function jsPeer(name: string, fn: () => unknown, threads = '1 (JS main thread)'): Peer {
  return { name, threads, run: () => measure(fn) };
}

/** Options of {@link PythonPeer.start}. */
export interface PythonPeerOptions {
  /** Name in the table. */
  name: string;
  /** Interpreter, from {@link findPython}. */
  python: string;
  /**
   * Python source run once (set-up: imports, loading inputs from `sys.argv[1:]`), which must define `run()`:
   * one measured run, returning a JSON-able value (numpy scalars and arrays are converted) or None. Its prints
   * go to stderr.
   */
  code: string;
  /** `sys.argv[1:]` of the code. */
  args?: string[];
  /** Threads the peer may use: the thread environment variables and `torch.set_num_threads`. Default 1. */
  threads?: number;
  /** Seconds the set-up or one run may take before the peer is killed and the bench fails. Default 600. */
  timeoutS?: number;
}

/** Error of a Python peer (did not start, raised, timed out): `code` says which. */
export class PeerError extends Error {
  constructor(
    readonly code: 'PEER_START_FAILED' | 'PEER_RUN_FAILED' | 'PEER_TIMEOUT' | 'PEER_EXITED',
    message: string,
  ) {
    super(message);
    this.name = 'PeerError';
  }
}

const DRIVER = `
import sys, json, os, time
_out = sys.stdout
sys.stdout = sys.stderr
_threads = int(os.environ.get('ONET_PEER_THREADS', '1'))
def _json(o):
    return o.tolist() if hasattr(o, 'tolist') else str(o)
def _send(o):
    _out.write(json.dumps(o, default=_json) + '\\n'); _out.flush()
def _torch_threads(info):
    t = sys.modules.get('torch')
    if t is not None:
        t.set_num_threads(_threads); info['torch'] = 'torch.set_num_threads(%d)' % t.get_num_threads()
_src = open(sys.argv[1]).read() if sys.argv[1] != '-' else ''
sys.argv = [sys.argv[0]] + sys.argv[2:]
_g = {'__name__': '__peer__'}
try:
    _info = {}
    exec(compile(_src, 'peer', 'exec'), _g)
    _torch_threads(_info)
    if 'run' not in _g: raise RuntimeError('the peer code defines no run()')
    _send({'ready': True, 'info': _info, 'python': sys.version.split()[0]})
except BaseException as e:
    _send({'error': '%s: %s' % (type(e).__name__, e)}); sys.exit(1)
for _line in sys.stdin:
    if _line.strip() != 'run': break
    try:
        _c0 = time.process_time(); _t0 = time.perf_counter(); _v = _g['run']()
        _w = time.perf_counter() - _t0; _c = time.process_time() - _c0
        _send({'cpuMs': _c * 1e3, 'wallMs': _w * 1e3, 'value': _v})
    except BaseException as e:
        _send({'error': '%s: %s' % (type(e).__name__, e)})
`;

/**
 * A Python peer in a child process of this one (same process group), driven run by run over stdin/stdout so
 * that a bench can alternate it with ours. Each run is timed inside Python: `time.process_time()` (CPU time of
 * the whole Python process, all threads) and `time.perf_counter()`.
 */
export class PythonPeer implements Peer {
  private lines: string[] = [];
  private waiting: ((line: string | null) => void) | undefined;
  private exited = false;
  private stderrTail = '';

  private constructor(
    readonly name: string,
    readonly threads: string,
    private readonly child: ChildProcess,
    private readonly timeoutS: number,
  ) {}

  /**
   * Starts the interpreter, runs the set-up code and waits until it is ready.
   * @throws {PeerError} `PEER_START_FAILED` when the code raises or the process dies; `PEER_TIMEOUT`.
   */
  static async start(options: PythonPeerOptions): Promise<PythonPeer> {
    const threads = options.threads ?? 1;
    const dir = join(benchOutDir(), 'peers');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${process.pid}-${Math.random().toString(36).slice(2)}.py`);
    writeFileSync(file, options.code);
    const child = spawn(options.python, ['-c', DRIVER, file, ...(options.args ?? [])], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...STEADY_MALLOC_ENV, ...process.env, ...threadEnv(threads), ONET_PEER_THREADS: String(threads) },
    });
    const peer = new PythonPeer(options.name, `${threads}`, child, options.timeoutS ?? 600);
    createInterface({ input: child.stdout! }).on('line', (line) => peer.push(line));
    child.stderr!.on('data', (d: Buffer) => {
      peer.stderrTail = (peer.stderrTail + d.toString()).slice(-2000);
    });
    const onExit = () => {
      rmSync(file, { force: true });
      peer.exited = true;
      peer.push(null);
    };
    child.on('exit', onExit);
    child.on('error', onExit);
    const ready = await peer.next('PEER_START_FAILED').catch((e: PeerError) => {
      throw new PeerError(e.code === 'PEER_TIMEOUT' ? e.code : 'PEER_START_FAILED', `${options.name}: ${e.message}`);
    });
    const info = (ready as { info?: Record<string, string> }).info ?? {};
    (peer as { threads: string }).threads = `${threads}${info.torch ? ` (${info.torch})` : ''} · OMP/MKL/OPENBLAS_NUM_THREADS=${threads}, steady-state malloc`;
    return peer;
  }

  private push(line: string | null): void {
    if (line !== null) this.lines.push(line);
    const w = this.waiting;
    if (w && (this.lines.length || this.exited)) {
      this.waiting = undefined;
      w(this.lines.shift() ?? null);
    }
  }

  private async next(code: PeerError['code']): Promise<Record<string, unknown>> {
    const line =
      this.lines.shift() ??
      (this.exited
        ? null
        : await new Promise<string | null>((resolve, reject) => {
            const timer = setTimeout(() => {
              this.waiting = undefined;
              this.child.kill('SIGKILL');
              reject(new PeerError('PEER_TIMEOUT', `no answer within ${this.timeoutS} s`));
            }, this.timeoutS * 1000);
            this.waiting = (l) => {
              clearTimeout(timer);
              resolve(l);
            };
          }));
    if (line === null) throw new PeerError('PEER_EXITED', `the peer exited: ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}`);
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line);
    } catch {
      throw new PeerError(code, `unexpected output: ${line.slice(0, 200)}`);
    }
    if (typeof msg.error === 'string') throw new PeerError(code, msg.error);
    return msg;
  }

  /**
   * One run of the peer's `run()`, timed inside Python.
   * @throws {PeerError} `PEER_RUN_FAILED` (it raised), `PEER_EXITED`, `PEER_TIMEOUT`.
   */
  async run(): Promise<Sample> {
    if (this.exited) throw new PeerError('PEER_EXITED', `${this.name}: the peer has exited`);
    this.child.stdin!.write('run\n');
    const m = await this.next('PEER_RUN_FAILED');
    return { cpuMs: Number(m.cpuMs), wallMs: Number(m.wallMs), value: m.value };
  }

  /** Ends the Python process (closing its stdin ends its loop) and waits for it. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  }
}

/** One row of the summary table. Times are the minimum over the alternating runs. */
export interface BenchRow {
  /** Package of the bench, e.g. `marching-cubes`. */
  bench: string;
  /** What was measured, with its size, e.g. `sphere 128³`. */
  what: string;
  /** Ours: minimum CPU time and minimum wall time (ms). */
  ours: { cpuMs: number; wallMs: number };
  /** Threads ours ran on, in words. */
  oursThreads: string;
  /** The peer's name, or null for a row without a peer. */
  peer: string | null;
  /** The peer's minimum times (ms); absent when it is missing. */
  peerTimes?: { cpuMs: number; wallMs: number };
  /** `peer missing: <how to install>` when the peer could not run; then there is no ratio. */
  peerMissing?: string;
  /** Threads the peer ran on, in words. */
  peerThreads?: string;
  /** Peer CPU time / our CPU time (> 1: ours faster). */
  ratioCpu?: number;
  /** Peer wall time / our wall time (> 1: ours faster). */
  ratioWall?: number;
  /** Alternating runs measured (after the warm-up). */
  runs: number;
  /** Anything a reader needs, e.g. `peer builds its own scene each run`. */
  note?: string;
  /** The issue's goal for this row and whether the run met it. */
  goal?: GoalResult;
  /** Why the row has no times (no hardware for it, or the run failed): see {@link Bench.unmeasured}. */
  unmeasured?: string;
}

/** A goal a row is checked against (issue #24): a speed ratio over the peer, a CPU budget or a rate for ours. */
export interface BenchGoal {
  /** Peer CPU time / our CPU time must be at least this (1: as fast as the peer). */
  minRatioCpu?: number;
  /** Our minimum CPU time must be at most this many milliseconds. */
  maxCpuMs?: number;
  /** `count` items (e.g. points) per minimum wall-clock second must be at least `perSecond` (a GPU's rate). */
  minRate?: { count: number; perSecond: number; unit: string };
  /**
   * The run must complete (not crash): met whenever `compare` returns, so it can only fail through
   * {@link Bench.unmeasured} with `failed` (the caller catches the crash).
   */
  completes?: boolean;
  /** What was tried to close a gap, in a few words (shown with the gap; the details are in BENCHMARKS.md). */
  tried?: string;
}

/** A goal and how the row measured against it. */
export interface GoalResult {
  /** The goal in words, e.g. `≥ 1.00× peer CPU`. */
  text: string;
  /** Whether the measured minimum meets it; undefined when it could not be measured (peer missing). */
  met?: boolean;
  /** `met` or `gap: …` with the measured value, e.g. `gap: 0.78×` or `gap: 5.1 s (2.6× over)`. */
  status: string;
  /** {@link BenchGoal.tried}, kept when the goal is not met. */
  tried?: string;
}

const rateText = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));

/** Checks a row's times against a goal. */
export function checkGoal(goal: BenchGoal, ours: { cpuMs: number; wallMs?: number }, ratioCpu: number | undefined): GoalResult {
  const result = (r: GoalResult): GoalResult => (r.met === false && goal.tried ? { ...r, tried: goal.tried } : r);
  if (goal.minRatioCpu !== undefined) {
    const text = `≥ ${goal.minRatioCpu.toFixed(2)}× peer CPU`;
    if (ratioCpu === undefined) return result({ text, status: 'not measured (peer missing)' });
    const met = ratioCpu >= goal.minRatioCpu;
    return result({ text, met, status: `${met ? 'met' : 'gap'}: ${ratioCpu.toFixed(2)}×` });
  }
  if (goal.completes) return { text: 'runs without crashing', met: true, status: `met: ${(ours.cpuMs / 1000).toFixed(1)} s CPU` };
  if (goal.minRate) {
    const { count, perSecond, unit } = goal.minRate;
    const text = `≥ ${rateText(perSecond)} ${unit}/s (wall)`;
    if (!(ours.wallMs! > 0)) return result({ text, status: 'not measured' });
    const rate = count / (ours.wallMs! / 1000);
    const met = rate >= perSecond;
    return result({ text, met, status: `${met ? 'met' : 'gap'}: ${rateText(rate)} ${unit}/s` });
  }
  const max = goal.maxCpuMs ?? Number.POSITIVE_INFINITY;
  const text = `≤ ${(max / 1000).toFixed(2)} s CPU`;
  const met = ours.cpuMs <= max;
  const s = `${(ours.cpuMs / 1000).toFixed(2)} s`;
  return result({ text, met, status: met ? `met: ${s}` : `gap: ${s} (${(ours.cpuMs / max).toFixed(2)}× the budget)` });
}

/** Options of {@link Bench.unmeasured}. */
export interface UnmeasuredOptions {
  /** Row name, with the size. */
  what: string;
  /** Why there is no measurement, e.g. `no hardware WebGPU adapter (found: SwiftShader, software)`. */
  reason: string;
  /** Threads ours would run on, in words. */
  oursThreads?: string;
  /** The goal in words (e.g. `≥ 20 M points/s (wall)`, `runs without crashing`). */
  goal?: string;
  /** The run was attempted and failed (a crash): the goal is then a gap, not unmeasured. */
  failed?: boolean;
  /** What was tried, when it failed. */
  tried?: string;
}

/** Options of {@link Bench.compare}. */
export interface CompareOptions {
  /** Row name, with the size. */
  what: string;
  /** Our side: one run. */
  ours: () => unknown;
  /** Threads ours runs on, in words. Default `1 (main thread)`. */
  oursThreads?: string;
  /** The peer, its missing result from {@link findPython}, or null for a row of ours alone. */
  peer: Peer | PeerMissing | null;
  /** Alternating runs after the warm-up. Default 5 (2 in quick mode). */
  runs?: number;
  /** Warm-up runs of each side (JIT, wasm compile, caches), not measured. Default 1. */
  warmup?: number;
  /** Called with both sides' last values, e.g. to check that they agree; its string goes in the row's note. */
  check?: (ours: unknown, peer: unknown) => string | undefined;
  /** A note for the row. */
  note?: string;
  /** A full GC ({@link fullGc}) before each run of either side, outside the timed region. Default false. */
  gcBeforeRuns?: boolean;
  /** The goal the row is checked against; the summary table shows it and whether it was met. */
  goal?: BenchGoal;
  /**
   * Measures one run of ours itself instead of timing `ours` in this process, e.g. a child process that reports
   * its own CPU time (user + system, all threads). `ours` is then not called.
   */
  measureOurs?: () => Promise<Sample>;
}

const min = (xs: number[]) => Math.min(...xs);
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** One line of text for a row, as the benches print it. */
export function formatRow(r: BenchRow): string {
  if (r.unmeasured !== undefined) return r.goal ? `${r.what}: goal ${r.goal.text}: ${r.goal.status}` : `${r.what}: not measured: ${r.unmeasured}`;
  const head = `${r.what}: ours ${ms(r.ours.cpuMs)} ms CPU / ${ms(r.ours.wallMs)} ms wall [${r.oursThreads}]`;
  const goal = r.goal ? ` · goal ${r.goal.text}: ${r.goal.status}` : '';
  if (r.peer === null) return head + goal;
  if (r.peerMissing) return `${head} · ${r.peer}: ${r.peerMissing}${goal}`;
  const p = r.peerTimes!;
  return (
    `${head} · ${r.peer} ${ms(p.cpuMs)} ms CPU / ${ms(p.wallMs)} ms wall [${r.peerThreads}] · ` +
    `peer/ours ${r.ratioCpu!.toFixed(2)}× CPU, ${r.ratioWall!.toFixed(2)}× wall (min of ${r.runs} alternating runs)` +
    (r.note ? ` · ${r.note}` : '') +
    goal
  );
}

/** A bench's rows: created by {@link createBench}. */
export interface Bench {
  /** Package name used in the table. */
  readonly name: string;
  /** Quick mode ({@link benchQuick}). */
  readonly quick: boolean;
  /** The rows so far. */
  readonly rows: BenchRow[];
  /**
   * Measures ours and the peer alternately (ours, peer, ours, peer, …), keeps the minimum CPU and wall time of
   * each, prints the row and records it. A missing peer gives a row with its install line and no ratio; the
   * peer is closed afterwards.
   */
  compare(options: CompareOptions): Promise<BenchRow>;
  /**
   * Records a row that has no measurement (e.g. no hardware WebGPU adapter) or whose run failed, so the summary
   * names it and its goal instead of leaving it out. Prints and returns the row.
   */
  unmeasured(options: UnmeasuredOptions): BenchRow;
  /**
   * Writes the rows to `<benchOutDir()>/<name>.json` (atomically) and returns the file. With `ONET_BENCH_ONLY`
   * the previous file's other rows are kept and the rerun rows replace their namesakes.
   */
  finish(): string;
}

/** The rows of one bench (one package's `bench/index.ts`). */
export function createBench(name: string): Bench {
  const rows: BenchRow[] = [];
  const quick = benchQuick();
  return {
    name,
    quick,
    rows,
    async compare(o: CompareOptions): Promise<BenchRow> {
      const runs = o.runs ?? (quick ? 2 : 5);
      const peer = o.peer && 'run' in o.peer ? o.peer : null;
      const only = benchOnly();
      const peerName = o.peer === null ? '' : 'run' in o.peer ? o.peer.name : ((o.peer as { name?: string }).name ?? '');
      if (only && !only.test(o.what) && !only.test(peerName)) {
        await peer?.close?.();
        return {
          bench: name,
          what: o.what,
          ours: { cpuMs: Number.NaN, wallMs: Number.NaN },
          oursThreads: '',
          peer: null,
          runs: 0,
          note: 'skipped (ONET_BENCH_ONLY)',
        };
      }
      const settle = o.gcBeforeRuns ? fullGc : () => {};
      const runOurs = o.measureOurs ?? (() => measure(o.ours));
      const ours: Sample[] = [];
      const theirs: Sample[] = [];
      try {
        for (let i = 0; i < (o.warmup ?? 1); i++) {
          settle();
          await runOurs();
          if (peer) await peer.run();
        }
        for (let i = 0; i < runs; i++) {
          settle();
          ours.push(await runOurs());
          settle();
          if (peer) theirs.push(await peer.run());
        }
      } finally {
        await peer?.close?.();
      }
      const row: BenchRow = {
        bench: name,
        what: o.what,
        ours: { cpuMs: min(ours.map((s) => s.cpuMs)), wallMs: min(ours.map((s) => s.wallMs)) },
        oursThreads: o.oursThreads ?? '1 (main thread)',
        peer: o.peer === null ? null : 'run' in o.peer ? o.peer.name : ((o.peer as PeerMissing & { name?: string }).name ?? 'peer'),
        runs,
      };
      if (peer) {
        row.peerTimes = { cpuMs: min(theirs.map((s) => s.cpuMs)), wallMs: min(theirs.map((s) => s.wallMs)) };
        row.peerThreads = peer.threads;
        row.ratioCpu = row.peerTimes.cpuMs / row.ours.cpuMs;
        row.ratioWall = row.peerTimes.wallMs / row.ours.wallMs;
      } else if (o.peer) row.peerMissing = (o.peer as PeerMissing).missing;
      const notes = [o.note, peer && o.check ? o.check(ours.at(-1)?.value, theirs.at(-1)?.value) : undefined].filter(Boolean);
      if (notes.length) row.note = notes.join('; ');
      if (o.goal) row.goal = checkGoal(o.goal, row.ours, row.ratioCpu);
      rows.push(row);
      console.log(formatRow(row));
      return row;
    },
    unmeasured(o: UnmeasuredOptions): BenchRow {
      const row: BenchRow = {
        bench: name,
        what: o.what,
        ours: { cpuMs: Number.NaN, wallMs: Number.NaN },
        oursThreads: o.oursThreads ?? '—',
        peer: null,
        runs: 0,
        unmeasured: o.reason,
      };
      if (o.goal) {
        row.goal = o.failed
          ? { text: o.goal, met: false, status: `gap: ${o.reason}`, ...(o.tried ? { tried: o.tried } : {}) }
          : { text: o.goal, status: `not measured: ${o.reason}` };
      }
      const only = benchOnly();
      if (only && !only.test(o.what)) return { ...row, note: 'skipped (ONET_BENCH_ONLY)', unmeasured: undefined };
      rows.push(row);
      console.log(formatRow(row));
      return row;
    },
    finish(): string {
      const dir = benchOutDir();
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name}.json`);
      const tmp = `${file}.${process.pid}.tmp`;
      let all = rows;
      if (benchOnly() && existsSync(file)) {
        // keep the rows this run skipped, replace the ones it reran (same what and peer)
        const key = (r: BenchRow) => `${r.what}\u0000${r.peer}`;
        const fresh = new Map(rows.filter((r) => r.runs > 0 || r.unmeasured !== undefined).map((r) => [key(r), r]));
        const prev = (JSON.parse(readFileSync(file, 'utf8')) as { rows: BenchRow[] }).rows;
        all = prev.map((r) => fresh.get(key(r)) ?? r);
        for (const [k, r] of fresh) if (!prev.some((p) => key(p) === k)) all.push(r);
      } else all = rows.filter((r) => r.runs > 0 || r.unmeasured !== undefined);
      writeFileSync(tmp, JSON.stringify({ bench: name, quick, date: new Date().toISOString(), rows: all }, null, 1) + '\n');
      renameSync(tmp, file);
      return file;
    },
  };
}

/** A missing peer with a name for the table: `named('VTK', findPython(['vtk']))`. */
export function named(name: string, found: PeerMissing): PeerMissing & { name: string } {
  return { ...found, name };
}

/**
 * {@link findPython} then {@link PythonPeer.start}: the started peer, or the named missing result to pass to
 * {@link Bench.compare} as is.
 * @throws {PeerError} when the interpreter imports the modules but the code fails to set up.
 */
export async function pythonPeer(
  options: Omit<PythonPeerOptions, 'python'> & { modules: string[]; install?: string },
): Promise<PythonPeer | (PeerMissing & { name: string })> {
  const py = findPython(options.modules, { install: options.install });
  if (py.missing !== undefined) return named(options.name, py);
  return PythonPeer.start({ ...options, python: py.python });
}
