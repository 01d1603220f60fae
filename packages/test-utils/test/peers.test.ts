import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkGoal, createBench, findPython, PeerError, PythonPeer } from '@onet/test-utils/peers';

const saved = { ONET_PYTHON: process.env.ONET_PYTHON, ONET_BENCH_OUT: process.env.ONET_BENCH_OUT };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

const python = findPython([]);

describe('findPython', () => {
  it('reports a peer missing, with the Debian package, when no candidate imports the module', () => {
    process.env.ONET_PYTHON = '/nonexistent/onet-python3';
    const r = findPython(['torch', 'onet_no_such_module'], { install: 'build it from the reference repo' });
    expect(r.python).toBeUndefined();
    expect(r.missing).toMatch(/^peer missing: /);
    expect(r.missing).toContain('build it from the reference repo');
  });

  it('reports a peer missing when ONET_PYTHON is the only candidate and does not exist', () => {
    const r = findPython(['json'], { candidates: ['/nonexistent/onet-python3'] });
    expect(r.missing).toMatch(/^peer missing: apt-get install python3 \(\/nonexistent\/onet-python3: does not run/);
  });

  it.skipIf(!python.python)('passes over a broken ONET_PYTHON and says so', () => {
    process.env.ONET_PYTHON = '/nonexistent/onet-python3-b';
    const r = findPython(['json']);
    expect(r.python).toBeDefined();
    expect(r.python).not.toBe('/nonexistent/onet-python3-b');
    expect(r.version).toMatch(/^3\.\d+/);
    expect(r.skipped![0]).toMatch(/^ONET_PYTHON=\/nonexistent\/onet-python3-b: does not run/);
  });
});

describe.skipIf(!python.python)('PythonPeer and Bench.compare (Python found: ' + (python.python ?? python.missing) + ')', () => {
  it('times a trivial peer and ours by CPU and wall time, and writes the row', async () => {
    const out = mkdtempSync(join(tmpdir(), 'onet-peers-test-'));
    process.env.ONET_BENCH_OUT = out;
    try {
      const peer = await PythonPeer.start({
        name: 'python sum',
        python: python.python!,
        code: 'import sys\nN = int(sys.argv[1])\ndef run():\n    return sum(i % 7 for i in range(N))\n',
        args: ['2000000'],
      });
      expect(peer.threads).toContain('OMP/MKL/OPENBLAS_NUM_THREADS=1');
      const bench = createBench('peers-test');
      const ours = () => {
        let s = 0;
        for (let i = 0; i < 2_000_000; i++) s += i % 7;
        return s;
      };
      const row = await bench.compare({ what: 'sum of squares', ours, peer, runs: 2, check: (a, b) => `same sum: ${a === b}` });
      for (const t of [row.ours.cpuMs, row.ours.wallMs, row.peerTimes!.cpuMs, row.peerTimes!.wallMs, row.ratioCpu!, row.ratioWall!]) {
        expect(Number.isFinite(t)).toBe(true);
        expect(t).toBeGreaterThan(0);
      }
      expect(row.note).toBe('same sum: true');
      const file = bench.finish();
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved.rows[0].what).toBe('sum of squares');
      expect(saved.rows[0].ratioCpu).toBe(row.ratioCpu);
      await expect(peer.run()).rejects.toMatchObject({ code: 'PEER_EXITED' }); // compare closed it
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('runs a peer with steady-state malloc (freed blocks kept for reuse) unless the environment says otherwise', async () => {
    const code = "import os\ndef run():\n    return os.environ.get('MALLOC_MMAP_THRESHOLD_', '') + ' ' + os.environ.get('MALLOC_TRIM_THRESHOLD_', '')\n";
    const peer = await PythonPeer.start({ name: 'env', python: python.python!, code });
    expect((await peer.run()).value).toBe(`${32 << 20} ${2 ** 30}`);
    expect(peer.threads).toContain('steady-state malloc');
    await peer.close();
    const before = process.env.MALLOC_TRIM_THRESHOLD_;
    process.env.MALLOC_TRIM_THRESHOLD_ = '12345';
    try {
      const own = await PythonPeer.start({ name: 'env', python: python.python!, code });
      expect((await own.run()).value).toBe(`${32 << 20} 12345`);
      await own.close();
    } finally {
      if (before === undefined) delete process.env.MALLOC_TRIM_THRESHOLD_;
      else process.env.MALLOC_TRIM_THRESHOLD_ = before;
    }
  });

  it('gives a missing peer a row with its install line and no ratio', async () => {
    const bench = createBench('peers-test');
    const row = await bench.compare({ what: 'x', ours: () => 1, peer: { name: 'torch', missing: 'peer missing: apt-get install python3-torch' }, runs: 1 });
    expect(row.peerMissing).toBe('peer missing: apt-get install python3-torch');
    expect(row.ratioCpu).toBeUndefined();
    expect(row.peerTimes).toBeUndefined();
  });

  it('fails with a typed error when the peer code raises', async () => {
    const start = PythonPeer.start({ name: 'broken', python: python.python!, code: 'raise ValueError("no input")\n' });
    await expect(start).rejects.toBeInstanceOf(PeerError);
    await expect(start).rejects.toMatchObject({ code: 'PEER_START_FAILED', message: expect.stringContaining('ValueError: no input') });
  });
});

describe('goals and ONET_BENCH_ONLY', () => {
  it('checks a ratio goal and a CPU budget, and says when a missing peer leaves a goal unmeasured', () => {
    expect(checkGoal({ minRatioCpu: 1 }, { cpuMs: 10 }, 1.25)).toEqual({ text: '≥ 1.00× peer CPU', met: true, status: 'met: 1.25×' });
    expect(checkGoal({ minRatioCpu: 1 }, { cpuMs: 10 }, 0.8)).toEqual({ text: '≥ 1.00× peer CPU', met: false, status: 'gap: 0.80×' });
    expect(checkGoal({ minRatioCpu: 1 }, { cpuMs: 10 }, undefined).met).toBeUndefined();
    expect(checkGoal({ maxCpuMs: 2000 }, { cpuMs: 5100 }, undefined)).toEqual({
      text: '≤ 2.00 s CPU',
      met: false,
      status: 'gap: 5.10 s (2.55× the budget)',
    });
    expect(checkGoal({ maxCpuMs: 2000 }, { cpuMs: 1500 }, undefined).status).toBe('met: 1.50 s');
  });

  it('checks a rate goal by wall time, keeps what was tried only with a gap, and passes a completed run', () => {
    const rate = { count: 1_000_000, perSecond: 20e6, unit: 'points' };
    expect(checkGoal({ minRate: rate }, { cpuMs: 9, wallMs: 40 }, undefined)).toEqual({ text: '≥ 20.0 M points/s (wall)', met: true, status: 'met: 25.0 M points/s' });
    expect(checkGoal({ minRate: rate, tried: 'x' }, { cpuMs: 9, wallMs: 100 }, undefined)).toEqual({
      text: '≥ 20.0 M points/s (wall)',
      met: false,
      status: 'gap: 10.0 M points/s',
      tried: 'x',
    });
    expect(checkGoal({ minRatioCpu: 1, tried: 'fused ops' }, { cpuMs: 10 }, 1.5).tried).toBeUndefined();
    expect(checkGoal({ minRatioCpu: 1, tried: 'fused ops' }, { cpuMs: 10 }, 0.5).tried).toBe('fused ops');
    expect(checkGoal({ minRatioCpu: 1, tried: 'fused ops' }, { cpuMs: 10 }, undefined).tried).toBeUndefined(); // not measured: no gap
    expect(checkGoal({ completes: true }, { cpuMs: 72_000 }, undefined)).toEqual({ text: 'runs without crashing', met: true, status: 'met: 72.0 s CPU' });
  });

  it('keeps an unmeasured row (no hardware, or a crash) with its reason and goal in the results', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-unmeasured-'));
    const env = process.env.ONET_BENCH_OUT;
    process.env.ONET_BENCH_OUT = out;
    try {
      const b = createBench('unmeasured-test');
      b.unmeasured({ what: 'decoder, WebGPU', reason: 'no hardware WebGPU adapter (found SwiftShader)', goal: '≥ 20.0 M points/s (wall)' });
      b.unmeasured({ what: 'step 64 × 2048', reason: 'crashed: memory access out of bounds', goal: 'runs without crashing', failed: true, tried: 'micro-batches' });
      const rows = JSON.parse(readFileSync(b.finish(), 'utf8')).rows;
      expect(rows.map((r: { what: string; unmeasured: string; goal: { met?: boolean; status: string; tried?: string } }) => [r.what, r.unmeasured, r.goal.met, r.goal.status, r.goal.tried])).toEqual([
        ['decoder, WebGPU', 'no hardware WebGPU adapter (found SwiftShader)', undefined, 'not measured: no hardware WebGPU adapter (found SwiftShader)', undefined],
        ['step 64 × 2048', 'crashed: memory access out of bounds', false, 'gap: crashed: memory access out of bounds', 'micro-batches'],
      ]);
    } finally {
      process.env.ONET_BENCH_OUT = env;
      if (env === undefined) delete process.env.ONET_BENCH_OUT;
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('reruns only the matching rows and keeps the others of the previous results', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-only-'));
    const env = { out: process.env.ONET_BENCH_OUT, only: process.env.ONET_BENCH_ONLY };
    process.env.ONET_BENCH_OUT = out;
    try {
      delete process.env.ONET_BENCH_ONLY;
      const first = createBench('only-test');
      for (const what of ['a 128', 'b 128']) await first.compare({ what, ours: () => 1, peer: null, runs: 1, warmup: 0, note: 'first' });
      first.finish();
      process.env.ONET_BENCH_ONLY = '^b';
      const second = createBench('only-test');
      let ranA = false;
      await second.compare({ what: 'a 128', ours: () => (ranA = true), peer: null, runs: 1, warmup: 0 });
      await second.compare({ what: 'b 128', ours: () => 1, peer: null, runs: 1, warmup: 0, note: 'second', gcBeforeRuns: true, goal: { maxCpuMs: 1e6 } });
      const saved = JSON.parse(readFileSync(second.finish(), 'utf8'));
      expect(ranA).toBe(false);
      expect(saved.rows.map((r: { what: string; note: string }) => `${r.what}: ${r.note}`)).toEqual(['a 128: first', 'b 128: second']);
      expect(saved.rows[1].goal.met).toBe(true);
    } finally {
      process.env.ONET_BENCH_OUT = env.out;
      if (env.out === undefined) delete process.env.ONET_BENCH_OUT;
      process.env.ONET_BENCH_ONLY = env.only;
      if (env.only === undefined) delete process.env.ONET_BENCH_ONLY;
      rmSync(out, { recursive: true, force: true });
    }
  });
});
