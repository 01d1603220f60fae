import * as tf from '@tensorflow/tfjs-core';
import { classifyAdapter, selectBackend } from '@onet/nn';

/** What the user asks for: `webgpu` (any adapter, wasm fallback), `auto` (hardware WebGPU only, else wasm), `wasm`. */
export type BackendPreference = 'webgpu' | 'auto' | 'wasm';

/** The backend that runs, and what to tell the user about it. */
export interface BrowserBackend {
  /** `tf.getBackend()` after the switch: `webgpu`, `wasm` or (last resort) `cpu`. */
  backend: string;
  /** True when WebGPU was wanted but something else runs. */
  fallback: boolean;
  /** The WebGPU adapter, when one was found (e.g. `"google swiftshader (SwiftShader …)"`). */
  adapter?: string;
  /** Whether that adapter is a software rasteriser (~70× slower than wasm for these kernels). */
  softwareAdapter?: boolean;
  /** One line for the status bar. */
  message: string;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: Parameters<typeof classifyAdapter>[0]; isFallbackAdapter?: boolean } | null>;
}

/** URL of the folder holding the tfjs wasm binaries (served by the app itself, never a CDN). */
export function wasmPaths(): string {
  return new URL('tfjs-wasm/', document.baseURI).href;
}

/**
 * Start a tfjs backend in the page. WebGPU first (unless `wasm` is asked for), then wasm from the app's own
 * `tfjs-wasm/` folder, then cpu; the result always says what runs and why.
 */
export async function chooseBackend(preference: BackendPreference): Promise<BrowserBackend> {
  const wasm = async (why: string, adapter?: { label: string; software: boolean }): Promise<BrowserBackend> => {
    let backend: string;
    try {
      backend = await selectBackend('wasm', { wasmPaths: wasmPaths() });
    } catch {
      backend = await selectBackend('cpu');
      why += '; wasm could not start either';
    }
    return {
      backend,
      fallback: preference !== 'wasm',
      ...(adapter ? { adapter: adapter.label, softwareAdapter: adapter.software } : {}),
      message: preference === 'wasm' ? `backend: ${backend} (requested)` : `WebGPU not used: ${why} — running on ${backend} instead`,
    };
  };
  if (preference === 'wasm') return wasm('requested');

  const gpu = (navigator as { gpu?: GpuLike }).gpu;
  if (!gpu) return wasm('this browser does not expose WebGPU (navigator.gpu is missing; Chrome/Edge 113+, or enable it in your browser)');
  let adapter: { label: string; software: boolean } | undefined;
  try {
    const a = await gpu.requestAdapter();
    if (a) adapter = classifyAdapter(a.info, a.isFallbackAdapter === true);
  } catch {
    adapter = undefined;
  }
  if (!adapter) return wasm('no WebGPU adapter is available (GPU blocklisted or disabled)');
  if (preference === 'auto' && adapter.software) {
    return wasm(`the only WebGPU adapter, ${adapter.label}, is a software rasteriser (much slower than wasm); choose "WebGPU" to force it`, adapter);
  }
  try {
    const backend = await selectBackend('webgpu');
    if (backend === 'webgpu' && tf.getBackend() === 'webgpu') {
      return {
        backend,
        fallback: false,
        adapter: adapter.label,
        softwareAdapter: adapter.software,
        message: `backend: webgpu on ${adapter.label}${adapter.software ? ' — a software adapter: expect it to be slow (choose wasm for speed)' : ''}`,
      };
    }
  } catch (e) {
    return wasm(`tfjs could not start WebGPU (${(e as Error).message})`, adapter);
  }
  return wasm('tfjs could not start WebGPU', adapter);
}
