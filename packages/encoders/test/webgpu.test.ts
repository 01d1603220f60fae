import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, seedInit, sampleGridTrilinear, normalizeGridCoordinates } from '@onet/nn';
import { hasWebGPU, WEBGPU_SKIP_REASON } from '@onet/test-utils/backends';
import { maxDiff } from '@onet/test-utils/parity';
import { LocalPoolPointnet } from '../src/index.js';

// The reference parity on webgpu runs in parity.test.ts (describeEachBackend); this compares webgpu with wasm.
if (!hasWebGPU) console.warn(`feature grid on webgpu SKIPPED: ${WEBGPU_SKIP_REASON}`);

describe.skipIf(!hasWebGPU)(hasWebGPU ? 'feature grid on webgpu (tfjs-op path) equals wasm (JS kernels)' : `feature grid on webgpu (SKIPPED: ${WEBGPU_SKIP_REASON})`, () => {
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
