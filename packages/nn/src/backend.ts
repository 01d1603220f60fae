import * as tf from '@tensorflow/tfjs-core';
import { NNError } from './errors.js';
import { registerFastWasmKernels } from './fastWasmKernels.js';

/** Backends onet can run on. `auto` = webgpu when an adapter exists, else wasm, else cpu. */
export type BackendName = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Where the wasm backend fetches its `.wasm` files in a browser (tfjs `setWasmPaths`); unused in Node. */
  wasmPaths?: string;
}

/**
 * Register and activate a tfjs backend, falling back `webgpu → wasm → cpu` for `auto`. Returns the backend
 * that actually runs (always check it: tfjs silently stays on the previous backend when one fails).
 * In Node, call `initNodeWebGPU()` from `@onet/nn/node` first for WebGPU. Selecting wasm also installs
 * {@link registerFastWasmKernels} (same results, fewer copies and transposes).
 * @throws {@link NNError} `BACKEND_UNAVAILABLE` when an explicitly requested backend cannot start.
 */
export async function selectBackend(name: BackendName = 'auto', options: SelectBackendOptions = {}): Promise<string> {
  const order: Exclude<BackendName, 'auto'>[] = name === 'auto' ? ['webgpu', 'wasm', 'cpu'] : [name];
  for (const b of order) {
    try {
      if (b === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
      if (b === 'wasm') {
        // Registered already when `selectNodeBackend` loaded it with require() (no second load here).
        if (options.wasmPaths || !tf.findBackendFactory('wasm')) {
          const w = await import('@tensorflow/tfjs-backend-wasm');
          if (options.wasmPaths) w.setWasmPaths(options.wasmPaths);
        }
        registerFastWasmKernels();
      }
      if (b === 'webgpu') {
        if (typeof navigator === 'undefined' || !(navigator as { gpu?: unknown }).gpu) continue;
        await import('@tensorflow/tfjs-backend-webgpu');
      }
      if (!tf.findBackendFactory(b)) continue;
      const ok = await tf.setBackend(b);
      if (ok && tf.getBackend() === b) {
        await tf.ready();
        quietNodeBanner();
        return b;
      }
    } catch {
      // try the next one
    }
  }
  if (name !== 'auto') throw new NNError('BACKEND_UNAVAILABLE', `tfjs backend "${name}" could not start here; try "wasm" or "cpu"`);
  throw new NNError('BACKEND_UNAVAILABLE', 'no tfjs backend could start');
}

/**
 * The cpu backend prints a banner in Node on first use advising tfjs-node, which onet does not use (its install
 * downloads libtensorflow): mark the cpu backend as used so users never see it. Other warnings are untouched.
 */
function quietNodeBanner(): void {
  const registry = (tf.engine() as unknown as { registry: Record<string, { firstUse?: boolean } | undefined> }).registry;
  const cpu = registry.cpu;
  if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}
