/**
 * One training step (forward, backward, Adam) per CPU-second on the wasm backend against PyTorch CPU on one thread
 * (`torch.set_num_threads(1)`) running the same architecture, batch and Adam, alternately in the same process
 * group by `@onet/test-utils/peers` (min CPU and wall time, ratio torch / ours by both; "peer missing:
 * apt-get install python3-torch" when no Python imports torch). Rows: the reference-size ONet (ResNet-PointNet
 * H512 C512 + CBN decoder H256, 300 input points) at 2 × 2048 query points, and the chair-vae layout (latent
 * encoder + 'simple' decoder H128, z 32) at 16 × 512 points. Random weights and batches.
 * Both rows carry issue #24's goal (≥ 1.00× PyTorch per core). A third row (not in quick mode) runs one step of the
 * reference-size ONet at 64 × 2048 points in 16 micro-batches (`train.microBatches`), the goal being that it runs
 * (it used to crash with a wasm "memory access out of bounds"), and reports its CPU time and peak RSS.
 * Run: `npm run bench -w @onet/train` (`--quick`: 1 × 256 and 4 × 128 points, no 64 × 2048 row).
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { OccupancyNetwork, ONET_REFERENCE_CONFIG, type ModelConfig } from '@onet/model';
import { benchQuick, createBench, pythonPeer } from '@onet/test-utils/peers';
import { ensureNodeGradients } from '../src/node.js';
import { Trainer, batchGradients, batchLoss, type Batch } from '../src/train.js';

const quick = benchQuick();
await selectBackend('wasm');
await ensureNodeGradients();
const bench = createBench('train');

const VAE: ModelConfig = { kind: 'vae', inputPoints: 512, noiseStd: 0, padding: 0.1, cDim: 0, encoderHidden: 128, decoderHidden: 128, zDim: 32, klWeight: 0.25 };

function randomBatch(B: number, T: number, N: number): Batch {
  let s = 1;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  return {
    inputs: Float32Array.from({ length: B * N * 3 }, () => rnd() - 0.5),
    queries: Float32Array.from({ length: B * T * 3 }, () => rnd() * 1.1 - 0.55),
    occupancy: Float32Array.from({ length: B * T }, () => (rnd() < 0.3 ? 1 : 0)),
    batchSize: B,
    inputPoints: N,
    pointsPerShape: T,
    seed: 3,
  };
}

const TORCH = `
import sys, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
kind = sys.argv[1]; B = int(sys.argv[2]); T = int(sys.argv[3])
class RB(nn.Module):
    def __init__(s, i, o=None, h=None):
        super().__init__(); o = o or i; h = h or min(i, o)
        s.fc_0 = nn.Linear(i, h); s.fc_1 = nn.Linear(h, o); s.sc = nn.Linear(i, o, bias=False) if i != o else None
    def forward(s, x):
        n = s.fc_0(F.relu(x)); d = s.fc_1(F.relu(n)); return (s.sc(x) if s.sc is not None else x) + d
class RPN(nn.Module):
    def __init__(s, c=512, h=512):
        super().__init__(); s.fc_pos = nn.Linear(3, 2*h); s.b = nn.ModuleList([RB(2*h, h, h) for _ in range(5)]); s.fc_c = nn.Linear(h, c)
    def forward(s, p):
        n = s.b[0](s.fc_pos(p))
        for b in s.b[1:]:
            pooled = n.max(1, keepdim=True)[0].expand(n.size()); n = b(torch.cat([n, pooled], 2))
        return s.fc_c(F.relu(n.max(1)[0]))
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
class Simple(nn.Module):  # 'simple' decoder with z
    def __init__(s, z=32, h=128):
        super().__init__(); s.fc_p = nn.Linear(3, h); s.fc_z = nn.Linear(z, h); s.b = nn.ModuleList([RB(h) for _ in range(5)]); s.fc_out = nn.Linear(h, 1)
    def forward(s, p, z):
        n = s.fc_p(p) + s.fc_z(z).unsqueeze(1)
        for b in s.b: n = b(n)
        return s.fc_out(F.relu(n)).squeeze(-1)
class Latent(nn.Module):
    def __init__(s, z=32):
        super().__init__(); s.fc_pos = nn.Linear(3, 128); s.fc_0 = nn.Linear(1, 128); s.fc_1 = nn.Linear(128, 128); s.fc_2 = nn.Linear(256, 128); s.fc_3 = nn.Linear(256, 128); s.fc_mean = nn.Linear(128, z); s.fc_logstd = nn.Linear(128, z)
    def forward(s, p, x):
        n = s.fc_0(x.unsqueeze(-1)) + s.fc_pos(p); n = s.fc_1(F.relu(n))
        pooled = n.max(1, keepdim=True)[0].expand_as(n); n = s.fc_2(F.relu(torch.cat([n, pooled], 2)))
        pooled = n.max(1, keepdim=True)[0].expand_as(n); n = s.fc_3(F.relu(torch.cat([n, pooled], 2)))
        n = n.max(1)[0]; return s.fc_mean(n), s.fc_logstd(n)
torch.manual_seed(0)
p = torch.rand(B, T, 3) * 1.1 - 0.55; occ = (torch.rand(B, T) < 0.3).float()
if kind == 'onet':
    enc, dec = RPN(), Dec(); inp = torch.rand(B, 300, 3) - 0.5
    params = list(enc.parameters()) + list(dec.parameters())
    def loss_fn():
        return F.binary_cross_entropy_with_logits(dec(p, enc(inp)), occ, reduction='none').sum(-1).mean()
else:
    enc, dec = Latent(), Simple()
    params = list(enc.parameters()) + list(dec.parameters())
    def loss_fn():
        m, ls = enc(p, occ); z = m + torch.randn_like(m) * torch.exp(ls)
        rec = F.binary_cross_entropy_with_logits(dec(p, z), occ, reduction='none').sum(-1).mean()
        kl = (-ls + 0.5 * (torch.exp(2 * ls) + m ** 2) - 0.5).sum(-1).mean()
        return rec + 0.25 * kl
opt = torch.optim.Adam(params, lr=1e-4)
def run():
    opt.zero_grad(); l = loss_fn(); l.backward(); opt.step(); return l.item()
`;

// what closed part of the gap, and what is left (BENCHMARKS.md, 2026-12-03 network rows)
const TRIED =
  'fused linear and batch-norm ops, transposed-operand matMul gradients as transpose + matMul, JS kernels for ' +
  'reductions/transposes/gathers, gradients only for inputs that need one; left: the GEMMs run at wasm SIMD128 speed ' +
  '(XNNPACK, no FMA: 26–36 GFLOP/s against oneDNN AVX2+FMA 85–99 GFLOP/s on one core)';

for (const [label, kind, config, B, T, N] of [
  ['reference-size ONet', 'onet', ONET_REFERENCE_CONFIG, quick ? 1 : 2, quick ? 256 : 2048, 300],
  ['chair-vae layout (simple decoder h128, z 32)', 'vae', VAE, quick ? 4 : 16, quick ? 128 : 512, 0],
] as const) {
  const model = OccupancyNetwork.fromConfig(config, 1);
  const batch = randomBatch(B, T, N);
  // the Trainer installs what a step uses on wasm (fast gradients and kernels); its own batches are not used
  const trainer = new Trainer(model, [{ name: 'x', surface: new Float32Array(3), uniform: new Float32Array(3), uniformOcc: new Uint8Array(1), near: new Float32Array(0), nearOcc: new Uint8Array(0) }], { batchSize: B, pointsPerShape: T });
  const vars = model.net.trainableVariables();
  const step = () => {
    model.net.train();
    const { f, tensors } = batchLoss(model.net, batch);
    const loss = trainer.optimizer.minimize(f, true, vars)!;
    const value = loss.dataSync()[0];
    tf.dispose([...tensors, loss]);
    model.net.eval();
    return value;
  };
  const row = await bench.compare({
    what: `training step, ${label}, ${B} × ${T} points (${model.parameterCount()} parameters)`,
    ours: async () => step(),
    oursThreads: '1 (tfjs wasm, single-threaded in Node)',
    peer: await pythonPeer({ name: 'PyTorch CPU, same architecture + Adam', modules: ['torch'], code: TORCH, args: [kind, String(B), String(T)] }),
    runs: quick ? 2 : 5, // as decoder-cbn: the peer needs enough alternations to find its quiet minimum
    goal: { minRatioCpu: 1, tried: TRIED },
  });
  const rate = (t: { cpuMs: number } | undefined) => (t ? `${Math.round((B * T) / (t.cpuMs / 1000)).toLocaleString('en-US')}` : '—');
  console.log(`  ${label}: points per CPU-second ours ${rate(row.ours)}, torch ${rate(row.peerTimes)}`);
  trainer.dispose();
  model.dispose();
}
// 64 × 2048 points, reference-size ONet: one step in 16 micro-batches (the wasm heap stops at 4 GiB; one pass of
// 64 × 2048 would need ~30 GiB of activations). One cold run (JIT and heap growth included). A crash is recorded as
// the goal's gap, and the rows above are written whatever happens here.
if (!quick) {
  const B = 64;
  const T = 2048;
  const what = `training step, reference-size ONet, ${B} × ${T} points in 16 micro-batches`;
  const rssBefore = process.resourceUsage().maxRSS;
  let model: OccupancyNetwork | undefined;
  let trainer: Trainer | undefined;
  try {
    model = OccupancyNetwork.fromConfig(ONET_REFERENCE_CONFIG, 1);
    const m = model;
    const batch = randomBatch(B, T, 300);
    trainer = new Trainer(m, [{ name: 'x', surface: new Float32Array(3), uniform: new Float32Array(3), uniformOcc: new Uint8Array(1), near: new Float32Array(0), nearOcc: new Uint8Array(0) }], { batchSize: B, pointsPerShape: T, microBatches: 16 });
    const t = trainer;
    const vars = m.net.trainableVariables();
    const row = await bench.compare({
      what,
      ours: () => {
        const { loss, grads } = batchGradients(m.net, vars, batch, 16);
        t.optimizer.applyGradients(grads as unknown as Parameters<typeof t.optimizer.applyGradients>[0]);
        tf.dispose(Object.values(grads));
        return loss;
      },
      oursThreads: '1 (tfjs wasm, single-threaded in Node)',
      peer: null,
      runs: 1,
      warmup: 0,
      goal: { completes: true },
    });
    if (row.runs > 0) {
      // the process's peak so far (the rows above ran first); a step that raised it shows as a higher peak
      const peak = process.resourceUsage().maxRSS;
      row.note = `one cold run; process peak RSS ${(peak / 1024).toFixed(0)} MiB (${(rssBefore / 1024).toFixed(0)} MiB before this row); ${Math.round((B * T) / (row.ours.cpuMs / 1000)).toLocaleString('en-US')} points per CPU-second`;
      console.log(`  ${row.note}`);
    }
  } catch (e) {
    bench.unmeasured({ what, reason: `crashed: ${String(e instanceof Error ? e.message : e).slice(0, 120)}`, goal: 'runs without crashing', failed: true, oursThreads: '1 (tfjs wasm)' });
  } finally {
    // after a wasm trap these may throw too: the results above still get written
    try {
      trainer?.dispose();
      model?.dispose();
    } catch {
      // the backend is unusable after a trap; nothing left to free
    }
  }
}
bench.finish();
