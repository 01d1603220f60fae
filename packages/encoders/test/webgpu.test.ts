import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, seedInit, sampleGridTrilinear, normalizeGridCoordinates } from '@onet/nn';
import { initNodeWebGPU } from '@onet/nn/node';
import { ResnetPointnet, SimplePointnet, LatentEncoder, LocalPoolPointnet } from '../src/index.js';
import { fixture, tensorOf, maxDiff } from './parityHelpers.js';

// Dawn + SwiftShader (Chromium's Vulkan ICD) in Node: installed here and in CI. Skip only without an adapter.
const hasAdapter = await initNodeWebGPU();
if (!hasAdapter) console.warn('webgpu parity SKIPPED: no WebGPU adapter (install chromium + libvulkan1 for SwiftShader, see TOOLCHAIN.md)');

describe.skipIf(!hasAdapter)('encoder parity (webgpu, small fixtures)', () => {
  beforeAll(async () => {
    expect(await selectBackend('webgpu')).toBe('webgpu');
  });

  it('resnetpointnet_c32_h16 and simplepointnet_c32_h16', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    for (const [name, enc] of [['resnetpointnet_c32_h16', new ResnetPointnet({ cDim: 32, hidden: 16 })], ['simplepointnet_c32_h16', new SimplePointnet({ cDim: 32, hidden: 16 })]] as const) {
      const fx = fixture(name);
      enc.loadStateDict(fx, { prefix: 'param/' });
      const x = tensorOf(fx, 'input/points');
      const c = enc.apply(x);
      const d = maxDiff(await c.data(), fx.get('output/c')!.data);
      expect(d.scale).toBeGreaterThan(1e-3);
      expect(d.abs, name).toBeLessThanOrEqual(1e-4);
      tf.dispose([x, c]);
      enc.dispose();
    }
  });

  it('encoder_latent_z8', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const fx = fixture('encoder_latent_z8');
    const enc = new LatentEncoder({ zDim: 8, cDim: 0 });
    enc.loadStateDict(fx, { prefix: 'param/' });
    const p = tensorOf(fx, 'input/p');
    const occ = tensorOf(fx, 'input/occ');
    const { mean, logstd } = enc.apply(p, occ, null);
    expect(maxDiff(await mean.data(), fx.get('output/mean')!.data).abs).toBeLessThanOrEqual(1e-4);
    expect(maxDiff(await logstd.data(), fx.get('output/logstd')!.data).abs).toBeLessThanOrEqual(1e-4);
    tf.dispose([p, occ, mean, logstd]);
    enc.dispose();
  });
});

describe.skipIf(!hasAdapter)('feature grid on webgpu (tfjs-op path) equals wasm (JS kernels)', () => {
  it('grid encoder with a 3D U-Net, then trilinear sampling: same features as on wasm', async () => {
    const run = async () => {
      seedInit(21);
      const enc = new LocalPoolPointnet({ cDim: 4, hidden: 8, planes: [], gridResolution: 8, unet3d: { levels: 2, startFilters: 4 } });
      const pts = tf.randomUniform([2, 64, 3], -0.5, 0.5, 'float32', 22) as tf.Tensor3D;
      const q = tf.randomUniform([2, 50, 3], -0.6, 0.6, 'float32', 23) as tf.Tensor3D;
      const { grid } = enc.apply(pts);
      const xyz = normalizeGridCoordinates(q, 0.1) as tf.Tensor3D;
      const s = sampleGridTrilinear(grid!, xyz);
      const out = { grid: await grid!.data(), s: await s.data() };
      tf.dispose([pts, q, xyz, grid!, s]);
      enc.dispose();
      return out;
    };
    expect(await selectBackend('wasm')).toBe('wasm');
    const wasm = await run();
    expect(await selectBackend('webgpu')).toBe('webgpu');
    const n0 = tf.memory().numTensors;
    const gpu = await run();
    expect(tf.memory().numTensors).toBe(n0);
    expect(maxDiff(gpu.grid, wasm.grid).abs).toBeLessThanOrEqual(1e-4);
    const d = maxDiff(gpu.s, wasm.s);
    expect(d.scale).toBeGreaterThan(1e-3);
    expect(d.abs).toBeLessThanOrEqual(1e-4);
  });
});
