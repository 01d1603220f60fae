/** What a WebGPU adapter reports about itself (the fields of `GPUAdapterInfo` we read; all optional). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** Chrome/Dawn set this on `adapter.info` (and older builds on the adapter) for CPU/software adapters. */
  isFallbackAdapter?: boolean;
}

/** Result of {@link classifyAdapter}. */
export interface AdapterClass {
  /** True for a software rasteriser (SwiftShader, llvmpipe/lavapipe, WARP, any "fallback" adapter). */
  software: boolean;
  /** Human-readable one-liner, e.g. `"google swiftshader (SwiftShader driver 5.0.0)"`. */
  label: string;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render|\bcpu\b/i;

/**
 * Tell a hardware GPU from a software WebGPU adapter. Software adapters (SwiftShader in Chromium and in
 * Dawn without a GPU) run the tfjs WebGPU kernels about 70× slower than the wasm backend, so `auto`
 * backend choice skips them.
 *
 * @example
 * ```ts
 * const adapter = await navigator.gpu.requestAdapter();
 * if (adapter && !classifyAdapter(adapter.info).software) await selectBackend('webgpu');
 * ```
 * @category Backend
 */
export function classifyAdapter(info: AdapterInfoLike | undefined, isFallbackAdapter = false): AdapterClass {
  const vendor = info?.vendor ?? '';
  const arch = info?.architecture ?? '';
  const desc = info?.description ?? info?.device ?? '';
  const label = [vendor, arch].filter(Boolean).join(' ') + (desc ? ` (${desc})` : '') || 'unknown adapter';
  const software = isFallbackAdapter || info?.isFallbackAdapter === true || SOFTWARE.test(`${vendor} ${arch} ${desc}`);
  return { software, label };
}
