/**
 * Seconds per reconstruction (encode + MISE + marching cubes) with the shipped model and with a
 * reference-sized point-cloud ONet (ResNet-PointNet H512, C 512 + CBN decoder H256: 10.4M parameters,
 * REFERENCE §1.5), on the Stanford bunny from 300 noisy points, MISE 32 + 2 at each model's τ (the shipped
 * ensemble's 0.35; 0.2 for the reference-sized network).
 * Prints the peak memory of a generation (RSS and tfjs bytes) and, when python3-torch is installed, the
 * ratio against PyTorch CPU evaluating the same number of points with the same architecture.
 *
 *   npm run bench -w @onet/cli [-- --backend wasm|cpu|webgpu|auto] [-- --runs 3]
 */
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { seedInit } from '@onet/nn';
import { ResnetPointnet } from '@onet/encoders';
import { DecoderCBatchNorm, evaluateLogits } from '@onet/decoder-cbn';
import { reconstructFromMesh, type ConditionableModel } from '@onet/model';
import { selectNodeBackend, type NodeBackendName } from '@onet/nn/node';
import { loadModel } from '@onet/model/node';
import { modelDir } from '@onet/models';
import { loadBunny } from '../src/demo.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('runs', '2'));

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
  const times: number[] = [];
  let last;
  for (let i = 0; i <= runs; i++) {
    const r = await reconstructFromMesh(model, bunny, { seed: i, onProgress: sample });
    if (i > 0) times.push(r.stats.timeMs.encode + r.stats.timeMs.mise + r.stats.timeMs.marchingCubes); // run 0 = warm-up
    last = r.stats;
  }
  clearInterval(timer);
  sample();
  const mean = times.reduce((a, b) => a + b, 0) / times.length / 1000;
  const t = last!.timeMs;
  console.log(
    `${label}: ${mean.toFixed(2)} s/reconstruction (encode ${(t.encode / 1000).toFixed(3)} s, MISE ${(t.mise / 1000).toFixed(2)} s, ` +
      `MC ${(t.marchingCubes / 1000).toFixed(2)} s; ${last!.evaluations} evaluations, ${((last!.evaluations / t.network) * 1000).toFixed(0)} points/s; ` +
      `${last!.faces} faces) · peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (+${((peakRss - rssBefore) / 2 ** 20).toFixed(0)} MiB) · peak tfjs ${(peakTf / 2 ** 20).toFixed(1)} MiB`,
  );
  return { seconds: mean, evaluations: last!.evaluations, encode: t.encode / 1000, mc: t.marchingCubes / 1000, pointsPerSecond: (last!.evaluations / t.network) * 1000 };
}

function torchPeer(evaluations: number): number | undefined {
  const script = `
import time, torch, torch.nn as nn
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
d = Dec().eval(); c = torch.randn(1, 512); n = ${evaluations}
with torch.no_grad():
    t = time.time()
    for s in range(0, n, 100000):
        d(torch.rand(1, min(100000, n - s), 3) - 0.5, c)
    print(time.time() - t)
`;
  // The first python3 on PATH may be a private one (pyenv, venv) without the Debian package's torch.
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      return Number(execFileSync(python, ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    } catch {
      // try the next interpreter
    }
  }
  return undefined;
}

const choice = await selectNodeBackend(arg('backend', 'wasm') as NodeBackendName);
console.log(choice.message);

let a: Awaited<ReturnType<typeof measure>> | undefined;
try {
  const shipped = await loadModel(modelDir(), { allowFresh: true });
  console.log(shipped.message);
  a = await measure(`shipped model (${shipped.model.parameterCount()} parameters${shipped.fresh ? ', UNTRAINED' : ''})`, shipped.model);
  shipped.model.dispose();
} catch (e) {
  console.log(`shipped model: not available (${(e as Error).message})`);
}

const ref = referenceSized();
const b = await measure(`reference-sized ONet (${ref.parameters} parameters)`, ref);
ref.dispose();
if (a) {
  // An untrained reference-sized network has no surface, so MISE stops after round 0: project its time to the
  // shipped model's evaluation count instead (same points per second, same marching cubes).
  const projected = b.encode + a.evaluations / b.pointsPerSecond + a.mc;
  console.log(
    `reference-sized, projected to the shipped model's ${a.evaluations} evaluations: ${projected.toFixed(2)} s/reconstruction · ` +
      `ratio reference-sized / shipped ${(projected / a.seconds).toFixed(2)}×`,
  );
}

const torchSeconds = torchPeer(a ? a.evaluations : b.evaluations);
const torchPoints = a ? a.evaluations : b.evaluations;
if (torchSeconds === undefined) console.log('PyTorch CPU (reference decoder, 1 thread): peer not installed (python3-torch)');
else console.log(`PyTorch CPU reference decoder on ${torchPoints} points: ${torchSeconds.toFixed(2)} s (${(torchPoints / torchSeconds).toFixed(0)} points/s) · ours/PyTorch points/s ${(b.pointsPerSecond / (torchPoints / torchSeconds)).toFixed(2)}×`);
