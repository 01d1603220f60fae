/**
 * Throughput of the local decoder (ConvONet LocalDecoder: hidden 32, 5 blocks, three 32-channel planes) on the
 * wasm backend against PyTorch CPU on one thread running the same architecture (grid_sample, border padding,
 * random weights), the two run alternately in the same process group by `@onet/test-utils/peers`: minimum CPU
 * and wall time of each, ratio torch / ours by both. torch comes from the Python that imports it
 * ("peer missing: apt-get install python3-torch" otherwise). The cpu backend is timed once for information.
 * Run: `npm run bench -w @onet/decoder-local` (`--quick`: 2k points).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { benchQuick, createBench, pythonPeer } from '@onet/test-utils/peers';
import { LocalDecoder } from '../src/index.js';

const quick = benchQuick();
const T = quick ? 2_000 : 20_000;
const R = 32;

async function setUp(backend: string) {
  await tf.setBackend(backend);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`backend ${backend} unavailable (got ${tf.getBackend()})`);
  const dec = new LocalDecoder();
  const planes = { xz: tf.randomNormal([1, R, R, 32]) as tf.Tensor4D, xy: tf.randomNormal([1, R, R, 32]) as tf.Tensor4D, yz: tf.randomNormal([1, R, R, 32]) as tf.Tensor4D };
  const p = tf.randomUniform([1, T, 3], -0.55, 0.55) as tf.Tensor3D;
  const run = async () => {
    const l = dec.apply(p, planes);
    await l.data();
    l.dispose();
  };
  const dispose = () => {
    tf.dispose([p, planes.xz, planes.xy, planes.yz]);
    dec.dispose();
  };
  return { run, dispose };
}

const TORCH = `
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
T, R, H, C = ${T}, ${R}, 32, 32
planes = [torch.randn(1, C, R, R) for _ in range(3)]
p = torch.rand(1, T, 3) * 1.1 - 0.55
fc_p = nn.Linear(3, H); fc_c = nn.ModuleList([nn.Linear(C, H) for _ in range(5)])
blocks = nn.ModuleList([nn.ModuleList([nn.Linear(H, H), nn.Linear(H, H)]) for _ in range(5)]); fc_out = nn.Linear(H, 1)
def uv(a, b):  # plane coordinates in [-1, 1], as normalize_coordinate + grid_sample
    return (torch.stack([p[..., a], p[..., b]], -1) / (1 + 0.1 + 1e-5)).unsqueeze(1)
def run():
    with torch.no_grad():
        c = sum(F.grid_sample(pl, uv(a, b), padding_mode='border', align_corners=True, mode='bilinear').squeeze(2)
                for pl, (a, b) in zip(planes, [(0, 2), (0, 1), (1, 2)])).transpose(1, 2)
        net = fc_p(p)
        for i in range(5):
            x = net + fc_c[i](c)
            net = x + blocks[i][1](F.relu(blocks[i][0](F.relu(x))))
        return float(fc_out(F.relu(net)).sum())
`;

const bench = createBench('decoder-local');
const cpu = await setUp('cpu');
await cpu.run();
const t0 = performance.now();
await cpu.run();
console.log(`LocalDecoder on the cpu backend (pure JS, for information): ${((T / (performance.now() - t0)) * 1000 / 1000).toFixed(0)}k points/s`);
cpu.dispose();

const wasm = await setUp('wasm');
const row = await bench.compare({
  what: `LocalDecoder H32, 3 planes ${R}², ${T} points`,
  ours: wasm.run,
  oursThreads: '1 (tfjs wasm, single-threaded in Node)',
  peer: await pythonPeer({ name: 'PyTorch CPU, same architecture', modules: ['torch'], code: TORCH }),
});
console.log(`ours: ${Math.round(T / (row.ours.cpuMs / 1000)).toLocaleString('en-US')} points per CPU-second`);
wasm.dispose();
bench.finish();
