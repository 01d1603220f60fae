import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { initNodeWebGPU } from '@onet/nn/node';
import { ResnetPointnet, SimplePointnet, LatentEncoder } from '../src/index.js';
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
