/**
 * Decoder throughput: points/s of the full-size DecoderCBatchNorm (c_dim 512, hidden 256, weights of the
 * reference fixture decoder_cbn_c512_h256) on one shape's query points, per backend:
 * cpu (10k points: the pure-JS backend is slow), wasm (100k, chunked), wasm folded (foldForInference),
 * and the folded decoder on 2 worker threads (one wasm backend each). Peer: PyTorch CPU on one thread
 * (`torch.set_num_threads(1)`) with the same weights on the same points, run alternately with ours in the same
 * process group by `@onet/test-utils/peers` (min CPU and wall time, ratio torch / ours by both); "peer missing:
 * apt-get install python3-torch" when no Python imports torch — no recorded number stands in for it.
 * The wasm rows carry issue #24's per-core goal (≥ 1.00× PyTorch CPU). Last, the folded decoder on WebGPU in
 * points per wall-clock second (goal ≥ 20 M points/s) when Node finds a hardware adapter (Dawn from the `webgpu`
 * package); without one the row says which adapter there was and is not measured (a software rasteriser such as
 * SwiftShader says nothing about a GPU).
 * Run: `npm run bench -w @onet/decoder-cbn` (builds deps first); `ONET_BENCH_SKIP_CPU=1` skips the slow cpu
 * row; `--quick`: 2k points, no cpu row.
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseNpz } from '@onet/io';
import { findFixture } from '@onet/test-utils/data';
import { benchQuick, createBench, named, pythonPeer } from '@onet/test-utils/peers';
import { selectBackend, type NamedArray } from '@onet/nn';
import { probeNodeWebGPUAdapter, selectNodeBackend } from '@onet/nn/node';
import { DecoderCBatchNorm, foldForInference, evaluateLogits } from '../src/index.js';
import { createFoldedWorkerPool } from '../src/node.js';

const quick = benchQuick();
const N = quick ? 2_000 : 100_000;
const CHUNK = 16_384;
const fixtureFile = findFixture('parity/decoder_cbn_c512_h256.npz'); // full-size: ../shared or ONET_FIXTURES, else null
const points = new Float32Array(3 * N);
let s = 12345;
for (let i = 0; i < points.length; i++) {
  s = (s * 1103515245 + 12345) >>> 0;
  points[i] = (s / 2 ** 32 - 0.5) * 1.1;
}

function build(): { dec: DecoderCBatchNorm; c: tf.Tensor } {
  const dec = new DecoderCBatchNorm({ cDim: 512, hidden: 256 });
  let c: tf.Tensor;
  if (fixtureFile) {
    const fx = parseNpz(new Uint8Array(readFileSync(fixtureFile)), 'decoder_cbn_c512_h256') as Map<string, NamedArray>;
    dec.loadStateDict(fx, { prefix: 'param/' });
    const ci = fx.get('input/c')!;
    c = tf.tensor(Float32Array.from(ci.data as ArrayLike<number>).subarray(0, 512), [1, 512]);
  } else {
    c = tf.randomNormal([1, 512], 0, 1, 'float32', 1);
  }
  return { dec: dec.eval(), c };
}

async function timeIt(label: string, n: number, f: (pts: Float32Array) => Promise<Float32Array>, warmUp = 2 * CHUNK): Promise<{ rate: number; out: Float32Array; perCpuSecond: number }> {
  const pts = points.subarray(0, 3 * n);
  await f(points.subarray(0, 3 * Math.min(n, warmUp))); // warm-up: kernel setup, wasm compile and heap growth
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  const out = await f(pts);
  const dt = (performance.now() - t0) / 1000;
  const u = process.cpuUsage(u0);
  const cpuS = (u.user + u.system) / 1e6;
  const rate = n / dt;
  console.log(
    `${label.padEnd(34)} ${String(n).padStart(7)} points  ${(dt * 1000).toFixed(0).padStart(7)} ms  ${Math.round(rate).toLocaleString('en-US').padStart(9)} points/s` +
      `  (${Math.round(n / cpuS).toLocaleString('en-US')} points per CPU-second)`,
  );
  return { rate, out, perCpuSecond: n / cpuS };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const TORCH = `
import sys, numpy as np, torch
torch.set_num_threads(1)
d = np.load(sys.argv[1])
P = {k[6:]: torch.from_numpy(d[k]) for k in d.files if k.startswith('param/')}
c = torch.from_numpy(d['input/c'][:1])
def conv(x, name):  # reference Conv1d(k=1) on [B, C, T]
    w = P[name + '.weight']
    return torch.nn.functional.conv1d(x, w if w.dim() == 3 else w[:, :, None], P[name + '.bias'])
def cbn(x, name):
    g = torch.nn.functional.conv1d(c[:, :, None], P[name + '.conv_gamma.weight'], P[name + '.conv_gamma.bias'])
    b = torch.nn.functional.conv1d(c[:, :, None], P[name + '.conv_beta.weight'], P[name + '.conv_beta.bias'])
    xn = torch.nn.functional.batch_norm(x, P[name + '.bn.running_mean'], P[name + '.bn.running_var'], training=False, eps=1e-5)
    return g * xn + b
def forward(p):
    net = conv(p.transpose(1, 2), 'fc_p')
    for i in range(5):
        h = conv(torch.relu(cbn(net, f'block{i}.bn_0')), f'block{i}.fc_0')
        net = net + conv(torch.relu(cbn(h, f'block{i}.bn_1')), f'block{i}.fc_1')
    return conv(torch.relu(cbn(net, 'bn')), 'fc_out')[:, 0]
p = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.float32).reshape(1, -1, 3))
chunk = int(sys.argv[3])  # the same chunks as ours: the batch shape matters to both
def run():
    with torch.no_grad():
        out = [forward(p[:, s:s + chunk]) for s in range(0, p.shape[1], chunk)]
        return out[0][0, :8]
`;

/** PyTorch on one thread with the fixture's weights on the same points, or why it cannot run. */
async function torchPeer(n: number, dir: string) {
  if (!fixtureFile) return named('PyTorch CPU, same weights', { missing: 'peer missing: fixture parity/decoder_cbn_c512_h256.npz (set ONET_FIXTURES)' });
  const file = join(dir, `points-${n}.f32`);
  writeFileSync(file, points.subarray(0, 3 * n));
  return pythonPeer({ name: 'PyTorch CPU, same weights', modules: ['numpy', 'torch'], code: TORCH, args: [fixtureFile, file, String(CHUNK)] });
}

console.log(`DecoderCBatchNorm c_dim 512, hidden 256 (3,548,417 params), ${availableParallelism()} cores, chunks of ${CHUNK}`);
console.log('points/s is wall time (what a user gets); points per CPU-second is robust to a loaded machine.');

await selectBackend('cpu');
if (process.env.ONET_BENCH_SKIP_CPU || quick) console.log('cpu: skipped (ONET_BENCH_SKIP_CPU or quick mode)');
else {
  const { dec, c } = build();
  await timeIt('cpu (pure JS)', 10_000, (p) => evaluateLogits(dec, p, { c, chunkSize: CHUNK }), 512);
  dec.dispose();
  c.dispose();
}

// what closed part of the per-core gap, and what is left (BENCHMARKS.md, 2026-12-03 network rows)
const TRIED =
  'CBN folded into the linear layers, fused matmul + bias, chunk sizes, heap-resident intermediates; ≈ 90 % of the time ' +
  'is the [16384, 256] × [256, 256] GEMMs at wasm SIMD128 speed (XNNPACK, no FMA: 26–36 GFLOP/s; oneDNN AVX2+FMA ' +
  '85–99 GFLOP/s on one core), not reachable with tfjs-backend-wasm';

await selectBackend('wasm');
const bench = createBench('decoder-cbn');
const dir = mkdtempSync(join(tmpdir(), 'onet-bench-'));
const { dec, c } = build();
const unfolded = await timeIt('wasm', N, (p) => evaluateLogits(dec, p, { c, chunkSize: CHUNK }));
const folded = await foldForInference(dec, c);
const fw = await timeIt('wasm folded', N, (p) => evaluateLogits(folded, p, { chunkSize: CHUNK }));
console.log(`  folded vs unfolded: max |Δlogit| = ${maxAbsDiff(fw.out, unfolded.out).toExponential(2)}`);
const pts = points.subarray(0, 3 * N);
const agree = (ours: Float32Array) => (_o: unknown, t: unknown) =>
  `max |Δlogit| vs torch on the first 8: ${maxAbsDiff(ours.subarray(0, 8), Float32Array.from(t as number[])).toExponential(1)}`;
const oursThreads = '1 (tfjs wasm, single-threaded in Node)';
try {
  for (const [label, f, out] of [
    ['wasm', () => evaluateLogits(dec, pts, { c, chunkSize: CHUNK }), unfolded.out],
    ['wasm folded', () => evaluateLogits(folded, pts, { chunkSize: CHUNK }), fw.out],
  ] as const) {
    const row = await bench.compare({
      what: `DecoderCBatchNorm c512 h256, ${label}, ${N} points`,
      ours: f,
      oursThreads,
      peer: await torchPeer(N, dir),
      runs: quick ? 2 : 5, // a min over 5 alternations: a busy neighbour for a whole row once made the peer read 36 % slow
      check: agree(out),
      goal: { minRatioCpu: 1, tried: TRIED },
    });
    const rate = (t: { cpuMs: number } | undefined) => (t ? `${Math.round(N / (t.cpuMs / 1000)).toLocaleString('en-US')}` : '—');
    console.log(`  points per CPU-second: ours ${rate(row.ours)}, torch ${rate(row.peerTimes)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const cores = Math.max(2, Math.min(availableParallelism(), 8));
try {
  const pool = await createFoldedWorkerPool(folded.arrays, { threads: cores, chunkSize: CHUNK });
  const ww = await timeIt(`wasm folded, ${cores} worker threads`, N, (p) => pool.evaluate(p));
  console.log(`  workers vs single thread: max |Δlogit| = ${maxAbsDiff(ww.out, fw.out).toExponential(2)} (not in the summary: no per-core peer)`);
  await pool.close();
} catch (e) {
  console.log(`worker threads unavailable: ${(e as Error).message}`);
}
folded.dispose();
dec.dispose();
c.dispose();

// WebGPU with a hardware adapter: points per wall-clock second (a GPU's CPU time says nothing)
const adapter = await hardwareAdapter();
// ONET_BENCH_WEBGPU_SOFTWARE=1 runs the row on a software adapter too (SwiftShader), on 2048 points: to check the
// row itself on a machine without a GPU; its rate says nothing about a GPU, and its threads column says so
const forceSoftware = process.env.ONET_BENCH_WEBGPU_SOFTWARE === '1' && adapter.software === true;
const GPU_POINTS = forceSoftware ? 2048 : quick ? 20_000 : 1_000_000;
const gpuWhat = `DecoderCBatchNorm c512 h256, WebGPU folded, ${GPU_POINTS} points`;
const GPU_GOAL = { count: GPU_POINTS, perSecond: 20e6, unit: 'points' };
if (!adapter.hardware && !forceSoftware) {
  bench.unmeasured({ what: gpuWhat, reason: adapter.reason, goal: '≥ 20.0 M points/s (wall)', oursThreads: 'WebGPU' });
} else {
  // a GPU failure is the row's gap, and the wasm rows above are written whatever happens here
  try {
    const choice = await selectNodeBackend('webgpu');
    console.log(choice.message);
    if (choice.backend !== 'webgpu') throw new Error(`WebGPU did not start (${choice.message})`);
    const gpu = build();
    const gpuFolded = await foldForInference(gpu.dec, gpu.c);
    const gpuPoints = Float32Array.from({ length: 3 * GPU_POINTS }, (_, i) => points[i % points.length]);
    const GPU_CHUNK = 65_536;
    // the first wasm logits (same points: gpuPoints repeats `points`) against the GPU's
    const reference = fw.out.subarray(0, Math.min(fw.out.length, 1024));
    await bench.compare({
      what: gpuWhat,
      ours: () => evaluateLogits(gpuFolded, gpuPoints, { chunkSize: GPU_CHUNK }),
      oursThreads: `WebGPU (${forceSoftware ? 'SOFTWARE adapter, forced: not a GPU rate' : adapter.reason}), chunks of ${GPU_CHUNK}, logits read back`,
      peer: null,
      runs: forceSoftware ? 1 : quick ? 2 : 3,
      ...(forceSoftware ? {} : { goal: { minRate: GPU_GOAL } }), // a software adapter's rate is not the goal's
    });
    const check = await evaluateLogits(gpuFolded, gpuPoints.subarray(0, 3 * reference.length), { chunkSize: GPU_CHUNK });
    console.log(`  WebGPU vs wasm folded, first ${reference.length} points: max |Δlogit| = ${maxAbsDiff(check, reference).toExponential(2)}`);
    gpuFolded.dispose();
    gpu.dec.dispose();
    gpu.c.dispose();
  } catch (e) {
    bench.unmeasured({ what: gpuWhat, reason: `failed on ${adapter.reason}: ${String(e instanceof Error ? e.message : e).slice(0, 120)}`, goal: '≥ 20.0 M points/s (wall)', failed: true, oursThreads: 'WebGPU' });
  }
}
bench.finish();

/** Whether Node has a hardware WebGPU adapter (or a software one), and in words which adapter (or why none). */
async function hardwareAdapter(): Promise<{ hardware: boolean; software?: boolean; reason: string }> {
  try {
    const k = await probeNodeWebGPUAdapter();
    if (!k) return { hardware: false, reason: 'no WebGPU adapter in Node (the webgpu package or a Vulkan driver is missing, or Dawn found none)' };
    return k.software ? { hardware: false, software: true, reason: `no hardware WebGPU adapter (found ${k.label}, a software rasteriser)` } : { hardware: true, reason: k.label };
  } catch (e) {
    return { hardware: false, reason: `no WebGPU adapter in Node (${(e as Error).message})` };
  }
}
