/**
 * The page's reconstruction path (`runReconstruction` of src/run.ts: reconstructFromMesh → MISE → marching
 * cubes → evaluateMeshes) on tfjs **WebGPU in Node** (Dawn from the `webgpu` package on SwiftShader, as in
 * CI), with a tiny seeded `OccupancyNetwork` of the shipped kind (conv-onet: local-pool PointNet, three
 * 8×8 feature planes, a 2-level U-Net, width 8), checked against the same run on wasm; and the same with test-time
 * optimisation of the encoding (the shipped default's setting: its backward pass needs the gradient kernels on
 * WebGPU, from the gradients @onet/model registers). Skipped only when no
 * WebGPU adapter exists (no chromium/libvulkan1, see TOOLCHAIN.md).
 */
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@onet/nn';
import { initNodeWebGPU } from '@onet/nn/node';
import { OccupancyNetwork, evaluateMeshes, type ModelConfig } from '@onet/model';
import { icosphere, torus } from '@onet/sampling';
import { runReconstruction, type RunResult, type RunSettings } from '../src/run.js';

process.env.XDG_RUNTIME_DIR ??= tmpdir(); // silences the Vulkan loader
const hasAdapter = await initNodeWebGPU();
if (!hasAdapter) console.warn('webgpu-node SKIPPED: no WebGPU adapter (install chromium + libvulkan1 for SwiftShader, see TOOLCHAIN.md)');

const TINY: ModelConfig = {
  kind: 'conv-onet',
  inputPoints: 64,
  noiseStd: 0.005,
  padding: 0.1,
  cDim: 8,
  encoderHidden: 8,
  decoderHidden: 8,
  planeResolution: 8,
  planes: ['xz', 'xy', 'yz'],
  unetDepth: 2,
  unetFilters: 8,
};
/** Same seed → same weights on every backend. */
const tinyOnet = (): OccupancyNetwork => OccupancyNetwork.fromConfig(TINY, 7);

const mesh = torus(0.35, 0.15, 24, 12);
const base: Omit<RunSettings, 'threshold'> = { points: 64, seed: 3, fillCavities: false, resolution0: 8, upsamplingSteps: 1, batchSize: 4096, evalPoints: 4000 };

/** τ = σ(median logit on the coarse grid) for the wasm model, so a random tiny network still has a surface. */
async function medianThreshold(model: OccupancyNetwork): Promise<number> {
  const cond = new Float32Array(icosphere(1, 0.5).positions);
  const shape = model.condition(cond);
  const n = 9;
  const grid = new Float32Array(3 * n ** 3);
  let i = 0;
  for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) for (let z = 0; z < n; z++) grid.set([x, y, z].map((v) => -0.55 + (1.1 * v) / (n - 1)), 3 * i++);
  const logits = Array.from(await shape.logits(grid)).sort((a, b) => a - b);
  shape.dispose();
  return 1 / (1 + Math.exp(-logits[logits.length >> 1]));
}

describe.skipIf(!hasAdapter)('page reconstruction path on WebGPU in Node (Dawn + SwiftShader)', () => {
  let threshold = 0.5;
  let wasm: RunResult;
  let wasmTto: RunResult;

  beforeAll(async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    const model = tinyOnet();
    threshold = await medianThreshold(model);
    wasm = await runReconstruction(model, { kind: 'mesh', name: 'torus', mesh }, { ...base, threshold });
    wasmTto = await runReconstruction(model, { kind: 'mesh', name: 'torus', mesh }, { ...base, threshold, testTimeOptimization: true });
    model.dispose();
  });

  it('runs on webgpu, leaks no tensors, and matches the wasm run (same points, same mesh within float noise)', async () => {
    expect(await selectBackend('webgpu')).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const model = tinyOnet();
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const gpu = await runReconstruction(model, { kind: 'mesh', name: 'torus', mesh }, { ...base, threshold }, { onProgress: (p) => progress.push(p.round) });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    expect(tf.getBackend()).toBe('webgpu');

    expect(wasm.stats.faces).toBeGreaterThan(0);
    expect(gpu.points).toEqual(wasm.points); // identical seeded input on both backends
    expect(progress).toContain(0);
    expect(progress).toContain(1);
    expect(gpu.stats.resolution).toBe(16);
    // Same network on two backends: float differences can flip a handful of MISE cells, no more.
    expect(Math.abs(gpu.stats.faces - wasm.stats.faces)).toBeLessThanOrEqual(Math.max(8, 0.02 * wasm.stats.faces));
    expect(Math.abs(gpu.stats.evaluations - wasm.stats.evaluations)).toBeLessThanOrEqual(0.02 * wasm.stats.evaluations);
    const agreement = evaluateMeshes(gpu.mesh, wasm.mesh, { points: 4000, seed: 0 });
    expect(agreement.iou).toBeGreaterThan(0.97);
    // The page's metrics against the ground truth agree across backends.
    expect(gpu.metrics).toBeDefined();
    expect(Math.abs(gpu.metrics!.iou - wasm.metrics!.iou)).toBeLessThanOrEqual(0.02);
  });

  it('test-time optimisation runs on webgpu (every backward kernel there), leaks no tensors, and matches wasm', async () => {
    expect(await selectBackend('webgpu')).toBe('webgpu');
    const model = tinyOnet();
    const before = tf.memory().numTensors;
    const gpu = await runReconstruction(model, { kind: 'mesh', name: 'torus', mesh }, { ...base, threshold, testTimeOptimization: true });
    expect(tf.memory().numTensors).toBe(before); // variables and Adam's state released
    model.dispose();
    const [g, w] = [gpu.testTimeOptimization!, wasmTto.testTimeOptimization!];
    expect(g.steps).toBe(5);
    const agreement = evaluateMeshes(gpu.mesh, wasmTto.mesh, { points: 4000, seed: 0 });
    console.log(`webgpu-node TTO: surface loss wasm ${w.surfaceLossBefore.toFixed(5)} → ${w.surfaceLossAfter.toFixed(5)}, webgpu ${g.surfaceLossBefore.toFixed(5)} → ${g.surfaceLossAfter.toFixed(5)}; total loss wasm ${w.lossFirst.toFixed(5)} → ${w.lossLast.toFixed(5)}, webgpu ${g.lossFirst.toFixed(5)} → ${g.lossLast.toFixed(5)}; faces ${gpu.stats.faces} vs ${wasmTto.stats.faces}; IoU webgpu vs wasm ${agreement.iou.toFixed(4)}`);
    // the same losses at the first step (before any update) and after five Adam steps, within float noise (a random
    // tiny network: the losses need not fall, they must agree)
    expect(g.surfaceLossBefore).toBeCloseTo(w.surfaceLossBefore, 4);
    expect(g.lossFirst).toBeCloseTo(w.lossFirst, 4);
    expect(Math.abs(g.surfaceLossAfter - w.surfaceLossAfter)).toBeLessThanOrEqual(0.02 * w.surfaceLossAfter);
    expect(Math.abs(g.lossLast - w.lossLast)).toBeLessThanOrEqual(0.02 * w.lossLast);
    // the optimisation changed the mesh (else this case would not test it), the same way on both backends
    expect(evaluateMeshes(wasmTto.mesh, wasm.mesh, { points: 4000, seed: 0 }).iou).toBeLessThan(0.995);
    expect(agreement.iou).toBeGreaterThan(0.97);
    expect(Math.abs(gpu.stats.faces - wasmTto.stats.faces)).toBeLessThanOrEqual(Math.max(8, 0.02 * wasmTto.stats.faces));
  });
});
