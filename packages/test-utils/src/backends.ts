import { beforeAll, describe, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { initNodeWebGPU } from '@onet/nn/node';

/** The tfjs backends a suite can run on in Node. */
export type TestBackend = 'cpu' | 'wasm' | 'webgpu';

/** Every backend, in the order suites run on them. */
export const ALL_BACKENDS: readonly TestBackend[] = ['cpu', 'wasm', 'webgpu'];

/** Whether Dawn found a WebGPU adapter here (SwiftShader via Chromium's Vulkan ICD on machines without a GPU). */
export const hasWebGPU: boolean = await initNodeWebGPU();

/** Why webgpu suites are skipped here ('' when they run). */
export const WEBGPU_SKIP_REASON = hasWebGPU
  ? ''
  : 'no WebGPU adapter (install chromium + libvulkan1 for SwiftShader, see TOOLCHAIN.md)';

/**
 * Run the same suite on each backend of `backends` (default all three): `describe('<name> (<backend>)')`
 * whose `beforeAll` selects the backend and checks that it really runs. Without a WebGPU adapter the webgpu
 * suite is skipped with the reason in its name (and one warning line). Use `await t.data()` rather than
 * `dataSync()` in the body so that it runs on webgpu too; `body` gets the backend to leave out cases (e.g.
 * slow ones on cpu).
 *
 * @example
 * ```ts
 * describeEachBackend('decoder parity', (backend) => {
 *   it('logits', async () => { expect(tf.getBackend()).toBe(backend); ... });
 * });
 * ```
 */
export function describeEachBackend(
  name: string,
  body: (backend: TestBackend) => void,
  backends: readonly TestBackend[] = ALL_BACKENDS,
): void {
  for (const backend of backends) {
    const skip = backend === 'webgpu' && !hasWebGPU;
    if (skip) console.warn(`${name} (webgpu) SKIPPED: ${WEBGPU_SKIP_REASON}`);
    describe.skipIf(skip)(skip ? `${name} (webgpu; SKIPPED: ${WEBGPU_SKIP_REASON})` : `${name} (${backend})`, () => {
      beforeAll(async () => {
        expect(await selectBackend(backend)).toBe(backend);
        expect(tf.getBackend()).toBe(backend);
      });
      body(backend);
    });
  }
}
