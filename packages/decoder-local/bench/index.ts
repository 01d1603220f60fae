/**
 * Throughput of the local decoder on the tfjs backends installed here. Peers: the cpu backend measured in the same run (ratio wasm / cpu); PyTorch's
 * grid_sample decoder when python3-torch imports ("peer not installed" otherwise).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { execFileSync } from 'node:child_process';
import { LocalDecoder } from '../src/index.js';

const T = 20_000;
const R = 32;

async function decoderPointsPerSecond(backend: string): Promise<number> {
  await tf.setBackend(backend);
  await tf.ready();
  const dec = new LocalDecoder();
  const planes = { xz: tf.randomNormal([1, R, R, 32]) as tf.Tensor4D, xy: tf.randomNormal([1, R, R, 32]) as tf.Tensor4D, yz: tf.randomNormal([1, R, R, 32]) as tf.Tensor4D };
  const p = tf.randomUniform([1, T, 3], -0.55, 0.55) as tf.Tensor3D;
  dec.apply(p, planes).dispose();
  const reps = backend === 'cpu' ? 1 : 3;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const l = dec.apply(p, planes);
    await l.data();
    l.dispose();
  }
  const s = (performance.now() - t0) / 1000 / reps;
  tf.dispose([p, planes.xz, planes.xy, planes.yz]);
  dec.dispose();
  return T / s;
}

function torchPeer(): number | undefined {
  const py = `
import time, torch, torch.nn.functional as F
torch.set_num_threads(1)
c = torch.randn(1, 32, ${R}, ${R}); p = torch.rand(1, ${T}, 1, 2) * 2 - 1
fc = [torch.nn.Linear(32, 32) for _ in range(15)]
F.grid_sample(c, p, padding_mode='border', align_corners=True)
t = time.time()
for _ in range(3):
    s = sum(F.grid_sample(c, p, padding_mode='border', align_corners=True) for _ in range(3)).squeeze(-1).transpose(1, 2)
    n = s
    for i in range(5): n = n + fc[i](s); n = n + fc[5 + 2 * i + 1](torch.relu(fc[5 + 2 * i](torch.relu(n)))) if 5 + 2 * i + 1 < 15 else n
print(${T} * 3 / (time.time() - t))
`;
  try {
    return Number(execFileSync('python3', ['-c', py], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

const wasm = await decoderPointsPerSecond('wasm');
const cpu = await decoderPointsPerSecond('cpu');
console.log(`LocalDecoder (hidden 32, 3 planes ${R}², ${T} points): wasm ${(wasm / 1000).toFixed(0)}k points/s, cpu ${(cpu / 1000).toFixed(0)}k points/s, wasm/cpu ${(wasm / cpu).toFixed(1)}×`);
const torch = torchPeer();
console.log(torch === undefined ? 'PyTorch peer: peer not installed' : `PyTorch CPU (1 thread) approx. peer: ${(torch / 1000).toFixed(0)}k points/s, wasm/torch ${(wasm / torch).toFixed(2)}×`);
