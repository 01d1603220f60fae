/**
 * Seconds per reconstruction (encode + MISE + marching cubes) with the shipped model and with a
 * reference-sized point-cloud ONet (ResNet-PointNet H512, C 512 + CBN decoder H256: 10.4M parameters,
 * REFERENCE §1.5), on the Stanford bunny from 300 noisy points, MISE 32 + 2 at each model's τ (the shipped
 * ensemble's 0.35; 0.2 for the reference-sized network).
 * Prints the peak memory of a generation (RSS and tfjs bytes), and measures the reference-sized decoder
 * against PyTorch CPU on one thread evaluating the same number of points with the same architecture, run
 * alternately in the same process group by `@onet/test-utils/peers` (min CPU and wall time; "peer missing:
 * apt-get install python3-torch" when no Python imports torch).
 *
 *   npm run bench -w @onet/cli [-- --backend wasm|cpu|webgpu|auto] [-- --runs 3] [-- --quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import { seedInit } from '@onet/nn';
import { ResnetPointnet } from '@onet/encoders';
import { DecoderCBatchNorm, evaluateLogits } from '@onet/decoder-cbn';
import { reconstructFromMesh, type ConditionableModel } from '@onet/model';
import { selectNodeBackend, type NodeBackendName } from '@onet/nn/node';
import { loadModel } from '@onet/model/node';
import { modelDir } from '@onet/models';
import { sampleSurface } from '@onet/sampling';
import { benchQuick, createBench, pythonPeer } from '@onet/test-utils/peers';
import { loadBunny } from '../src/demo.js';
import { mainJobRow } from './mainJob.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('runs', benchQuick() ? '1' : '2'));

function referenceSized(): ConditionableModel & { dispose(): void; parameters: number } {
  seedInit(0);
  const encoder = new ResnetPointnet({ cDim: 512, hidden: 512 }).eval();
  const decoder = new DecoderCBatchNorm({ cDim: 512, hidden: 256 }).eval();
  return {
    config: { inputPoints: 300, padding: 0.1 },
    parameters: encoder.parameterCount() + decoder.parameterCount(),
    condition(points) {
      const c = tf.tidy(() => encoder.apply(tf.tensor3d(points, [1, points.length / 3, 3])));
      return { logits: (p) => evaluateLogits(decoder, p, { c }), dispose: () => c.dispose() };
    },
    dispose() {
      encoder.dispose();
      decoder.dispose();
    },
  };
}

const bench = createBench('cli');
const quick = benchQuick();

async function measure(label: string, model: ConditionableModel) {
  const bunny = loadBunny();
  let peakRss = 0;
  let peakTf = 0;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    peakTf = Math.max(peakTf, tf.memory().numBytes);
  };
  const timer = setInterval(sample, 20);
  const rssBefore = process.memoryUsage().rss;
  let last: Awaited<ReturnType<typeof reconstructFromMesh>>['stats'] | undefined;
  let seed = 0;
  const row = await bench.compare({
    what: `reconstruct bunny (300 points, MISE 32 + 2), ${label}`,
    ours: async () => (last = (await reconstructFromMesh(model, bunny, { seed: seed++, onProgress: sample })).stats),
    oursThreads: `1 (tfjs ${tf.getBackend()})`,
    peer: null,
    runs,
  });
  clearInterval(timer);
  if (row.runs === 0) return { evaluations: 2_000 }; // skipped by ONET_BENCH_ONLY
  sample();
  const t = last!.timeMs;
  row.note = `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, peak tfjs ${(peakTf / 2 ** 20).toFixed(1)} MiB`;
  console.log(
    `  ${label}: encode ${(t.encode / 1000).toFixed(3)} s, MISE ${(t.mise / 1000).toFixed(2)} s, ` +
      `MC ${(t.marchingCubes / 1000).toFixed(2)} s; ${last!.evaluations} evaluations; ` +
      `${last!.faces} faces · peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (+${((peakRss - rssBefore) / 2 ** 20).toFixed(0)} MiB) · peak tfjs ${(peakTf / 2 ** 20).toFixed(1)} MiB`,
  );
  return { evaluations: last!.evaluations };
}

const TORCH = `
import sys, torch, torch.nn as nn
torch.set_num_threads(1)
class CBN(nn.Module):
    def __init__(s, c, f):
        super().__init__(); s.g = nn.Conv1d(c, f, 1); s.b = nn.Conv1d(c, f, 1); s.bn = nn.BatchNorm1d(f, affine=False)
    def forward(s, x, c):
        c = c.unsqueeze(2); return s.g(c) * s.bn(x) + s.b(c)
class Block(nn.Module):
    def __init__(s, c, h):
        super().__init__(); s.n0 = CBN(c, h); s.n1 = CBN(c, h); s.f0 = nn.Conv1d(h, h, 1); s.f1 = nn.Conv1d(h, h, 1)
    def forward(s, x, c):
        n = s.f0(torch.relu(s.n0(x, c))); d = s.f1(torch.relu(s.n1(n, c))); return x + d
class Dec(nn.Module):
    def __init__(s, c=512, h=256):
        super().__init__(); s.p = nn.Conv1d(3, h, 1); s.bl = nn.ModuleList([Block(c, h) for _ in range(5)]); s.bn = CBN(c, h); s.o = nn.Conv1d(h, 1, 1)
    def forward(s, p, c):
        x = s.p(p.transpose(1, 2))
        for b in s.bl: x = b(x, c)
        return s.o(torch.relu(s.bn(x, c))).squeeze(1)
d = Dec().eval(); c = torch.randn(1, 512); n = int(sys.argv[1])
pts = torch.rand(1, n, 3) - 0.5
def run():
    with torch.no_grad():
        for s in range(0, n, 16384):  # evaluateLogits' default chunk: the same batch shape as ours
            d(pts[:, s:s + 16384], c)
`;

const choice = await selectNodeBackend(arg('backend', 'wasm') as NodeBackendName);
console.log(choice.message);

let evaluations = quick ? 2_000 : 100_000;
try {
  const shipped = await loadModel(modelDir(), { allowFresh: true });
  console.log(shipped.message);
  const a = await measure(`shipped model (${shipped.model.parameterCount()} parameters${shipped.fresh ? ', UNTRAINED' : ''})`, shipped.model);
  if (!quick) evaluations = a.evaluations;
  shipped.model.dispose();
} catch (e) {
  console.log(`shipped model: not available (${(e as Error).message})`);
}

// The reference-sized decoder (c 512, hidden 256, random weights) on as many points as the shipped model's
// reconstruction evaluated, against PyTorch on one thread with the same architecture, alternately.
const ref = referenceSized();
// untrained, so MISE stops after round 0: encoder cost and the 33³ first-round points (skipped in quick mode)
if (!quick) await measure(`reference-sized ONet (${ref.parameters} parameters, untrained)`, ref);
const bunny = loadBunny();
const cond = ref.condition(sampleSurface(bunny, 300, { seed: 0 }).points);
const pts = new Float32Array(3 * evaluations).map((_, i) => ((i * 0.6180339887) % 1) - 0.5);
await bench.compare({
  what: `reference-sized decoder (c 512, h 256), ${evaluations} points`,
  ours: () => cond.logits(pts),
  oursThreads: `1 (tfjs ${tf.getBackend()})`,
  peer: await pythonPeer({ name: 'PyTorch CPU, same architecture', modules: ['torch'], code: TORCH, args: [String(evaluations)] }),
  runs: quick ? 2 : 5, // as decoder-cbn: the peer needs enough alternations to find its quiet minimum
  goal: {
    minRatioCpu: 1,
    tried: 'fused matmul + bias, chunk sizes; the GEMMs run at wasm SIMD128 speed (XNNPACK, no FMA), a third of oneDNN AVX2+FMA per core (decoder-cbn rows)',
  },
});
cond.dispose();
ref.dispose();
await mainJobRow(bench, quick ? 1 : 3);
bench.finish();
