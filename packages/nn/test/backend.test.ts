import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { classifyAdapter } from '../src/adapter.js';
import { installedVulkanDrivers, selectNodeBackend } from '../src/nodeBackend.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('classifyAdapter', () => {
  it('flags software adapters (SwiftShader as Dawn reports it here, lavapipe, fallback) and keeps GPUs', () => {
    expect(classifyAdapter({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0' }).software).toBe(true);
    expect(classifyAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }).software).toBe(true);
    expect(classifyAdapter({ vendor: 'x', isFallbackAdapter: true }).software).toBe(true);
    expect(classifyAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }).software).toBe(false);
    expect(classifyAdapter({ vendor: 'apple', architecture: 'common-3' }, true).software).toBe(true);
    expect(classifyAdapter({ vendor: 'amd', architecture: 'rdna-3' }).label).toBe('amd rdna-3');
  });
});

describe('installedVulkanDrivers (SwiftShader is forced only where there is none, so it never hides a GPU)', () => {
  it.runIf(process.platform === 'linux')('finds driver manifests under $XDG_DATA_DIRS/vulkan/icd.d, and only .json files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'icd-'));
    const before = process.env.XDG_DATA_DIRS;
    try {
      mkdirSync(join(dir, 'vulkan', 'icd.d'), { recursive: true });
      writeFileSync(join(dir, 'vulkan', 'icd.d', 'README'), '');
      process.env.XDG_DATA_DIRS = dir;
      const without = installedVulkanDrivers().filter((f) => f.startsWith(dir));
      writeFileSync(join(dir, 'vulkan', 'icd.d', 'nvidia_icd.json'), '{}');
      const withOne = installedVulkanDrivers().filter((f) => f.startsWith(dir));
      expect(without).toEqual([]);
      expect(withOne).toEqual([join(dir, 'vulkan', 'icd.d', 'nvidia_icd.json')]);
    } finally {
      if (before === undefined) delete process.env.XDG_DATA_DIRS;
      else process.env.XDG_DATA_DIRS = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('selectNodeBackend', () => {
  it('runs what it says and says what runs', async () => {
    const c = await selectNodeBackend('cpu');
    expect(c.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(c.message).toMatch(/^backend: cpu/);
  });

  it('auto never picks a software WebGPU adapter, and explains its choice', async () => {
    const c = await selectNodeBackend('auto');
    expect(tf.getBackend()).toBe(c.backend);
    if (c.softwareAdapter) expect(c.backend).not.toBe('webgpu');
    if (c.adapter && c.softwareAdapter) expect(c.message).toMatch(/software/);
    if (!c.adapter) expect(c.message).toMatch(/no WebGPU adapter/);
    expect(['webgpu', 'wasm']).toContain(c.backend);
  });

  it('wasm: loads the backend once (require, then no second import) and computes with it', async () => {
    const c = await selectNodeBackend('wasm');
    expect(c.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const required = createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm') as { BackendWasm: unknown };
    expect((tf.backend() as object).constructor).toBe(required.BackendWasm);
    const y = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3]), tf.scalar(0.5)).dataSync());
    expect(Array.from(y)).toEqual([1.5, 2.5, 3.5]);
  });

  it('rejects unknown names with a typed error', async () => {
    await expect(selectNodeBackend('tpu' as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
