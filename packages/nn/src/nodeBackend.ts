import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './backend.js';
import { classifyAdapter } from './adapter.js';
import { NNError } from './errors.js';

/** Backend names accepted by {@link selectNodeBackend} and the CLI's `--backend`. */
export type NodeBackendName = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/** Result of {@link selectNodeBackend}: what runs and why. */
export interface BackendChoice {
  /** What the caller asked for. */
  requested: NodeBackendName;
  /** The tfjs backend actually running (`tf.getBackend()` after the switch). */
  backend: 'webgpu' | 'wasm' | 'cpu';
  /** The WebGPU adapter found, when one was probed (e.g. `"google swiftshader (SwiftShader driver 5.0.0)"`). */
  adapter?: string;
  /** Whether that adapter is a software (CPU) rasteriser. */
  softwareAdapter?: boolean;
  /** One line for the user: which backend runs and why. */
  message: string;
}

/**
 * Install a WebGPU implementation (Dawn, from the `webgpu` npm package) as `navigator.gpu` in Node, so that
 * `selectBackend('webgpu' | 'auto')` can use it. Returns false (and changes nothing) if the package or a
 * Vulkan driver is missing. On Debian without a GPU, SwiftShader works: set
 * `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` (this function does so when that file exists, no ICD
 * is configured by environment and no Vulkan driver is installed, see {@link installedVulkanDrivers}).
 */
export async function initNodeWebGPU(): Promise<boolean> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return true;
  // Without the Vulkan loader Dawn finds no adapter anyway, and prints a native warning to stderr on the way.
  if (!vulkanLoaderFound()) return false;
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  // only where no Vulkan driver is installed: forcing SwiftShader on a machine with a GPU driver would hide the GPU
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(swiftshader) && installedVulkanDrivers().length === 0) {
    process.env.VK_ICD_FILENAMES = swiftshader;
  }
  try {
    const mod = (await import('webgpu')) as { create: (o: string[]) => unknown; globals: object };
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]) as { requestAdapter(): Promise<unknown> };
    const adapter = await gpu.requestAdapter();
    if (!adapter) return false;
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
    (g.navigator as { gpu?: unknown }).gpu = gpu;
    return true;
  } catch {
    return false;
  }
}

/**
 * The Vulkan driver manifests (ICD `.json` files) the Vulkan loader finds by itself on Linux: its standard folders
 * (`/etc/vulkan/icd.d`, `/usr/share/vulkan/icd.d`, …, under `$XDG_CONFIG_DIRS`, `$XDG_DATA_DIRS` and `~/.local/share`).
 * Empty elsewhere and when there are none.
 */
export function installedVulkanDrivers(): string[] {
  if (process.platform !== 'linux') return [];
  const bases = [
    ...(process.env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':'),
    '/etc',
    ...(process.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':'),
    '/usr/local/share',
    '/usr/share',
    ...(process.env.HOME ? [join(process.env.HOME, '.local/share')] : []),
  ];
  const found: string[] = [];
  for (const base of new Set(bases.filter(Boolean))) {
    const dir = join(base, 'vulkan', 'icd.d');
    try {
      for (const f of readdirSync(dir)) if (f.endsWith('.json')) found.push(join(dir, f));
    } catch {
      // no such folder
    }
  }
  return found;
}

/** Folders the dynamic linker searches on Linux (LD_LIBRARY_PATH, the usual ones, /etc/ld.so.conf.d). */
function linkerFolders(): string[] {
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  for (const d of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib', '/usr/local/lib']) dirs.push(d);
  try {
    for (const f of readdirSync('/etc/ld.so.conf.d')) {
      if (!f.endsWith('.conf')) continue;
      for (const line of readFileSync(join('/etc/ld.so.conf.d', f), 'utf8').split('\n')) if (line.startsWith('/')) dirs.push(line.trim());
    }
  } catch {
    // no ld.so.conf.d: the usual folders only
  }
  return dirs;
}

/** True unless this is Linux and no folder of the dynamic linker holds `libvulkan.so.1` (Debian's libvulkan1). */
export function vulkanLoaderFound(): boolean {
  if (process.platform !== 'linux') return true;
  return linkerFolders().some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/**
 * The WebGPU adapter Node would get (Dawn, via {@link initNodeWebGPU}), classified ({@link classifyAdapter}): its label
 * and whether it is a software rasteriser; undefined when there is none. What `selectNodeBackend` probes.
 * @throws whatever Dawn throws while creating the adapter (`selectNodeBackend` treats that as no adapter).
 */
export async function probeNodeWebGPUAdapter(): Promise<{ label: string; software: boolean } | undefined> {
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = tmpdir(); // silences the Vulkan loader
  if (!(await initNodeWebGPU())) return undefined;
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  const adapter = (await gpu?.requestAdapter()) as
    | { info?: Parameters<typeof classifyAdapter>[0]; isFallbackAdapter?: boolean }
    | null
    | undefined;
  if (!adapter) return undefined;
  return classifyAdapter(adapter.info, adapter.isFallbackAdapter === true);
}

/**
 * Load tfjs-backend-wasm (it registers itself) with require(): its bundle is CommonJS, and `import()` of it from
 * ES modules makes Node parse its 450 kB twice more (module-format detection and the named-export scan), ~70 ms of
 * CPU. Both ways give the same module instance. A failure is left to `selectBackend`, which reports it.
 */
function requireWasmBackend(): void {
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm');
  } catch {
    // selectBackend imports it again and reports the failure
  }
}

/**
 * Choose and start a tfjs backend in Node.
 * - `auto`: WebGPU (Dawn, from the `webgpu` package) when a **hardware** adapter exists; a software
 *   adapter (SwiftShader, lavapipe) is skipped because it is ~70× slower than wasm here; then wasm, then cpu.
 * - `webgpu`: WebGPU on whatever adapter exists (software included); throws when none.
 * - `wasm` / `cpu`: that backend.
 *
 * Always read `choice.backend` / print `choice.message`: it is the backend that actually runs.
 *
 * @example
 * ```ts
 * const choice = await selectNodeBackend('auto');
 * console.log(choice.message); // "backend: wasm (WebGPU adapter google swiftshader is software — …)"
 * ```
 * @throws {@link NNError} `BACKEND_UNAVAILABLE` when an explicitly requested backend cannot start.
 * @category Backend
 */
export async function selectNodeBackend(requested: NodeBackendName = 'auto'): Promise<BackendChoice> {
  if (!['auto', 'webgpu', 'wasm', 'cpu'].includes(requested)) {
    throw new NNError('INVALID_OPTION', `unknown backend "${requested}"; use auto, webgpu, wasm or cpu`);
  }
  let adapter: { label: string; software: boolean } | undefined;
  let why = '';
  if (requested === 'auto' || requested === 'webgpu') {
    try {
      adapter = await probeNodeWebGPUAdapter();
    } catch {
      adapter = undefined;
    }
  }
  let target: 'webgpu' | 'wasm' | 'cpu';
  if (requested === 'auto') {
    if (adapter && !adapter.software) {
      target = 'webgpu';
      why = `GPU adapter ${adapter.label}`;
    } else {
      target = 'wasm';
      why = adapter
        ? `the only WebGPU adapter, ${adapter.label}, is a software rasteriser (~70× slower than wasm); use --backend webgpu to force it`
        : vulkanLoaderFound()
          ? 'no WebGPU adapter found'
          : 'no WebGPU adapter found: no Vulkan loader (install libvulkan1)';
    }
  } else if (requested === 'webgpu') {
    if (!adapter) {
      throw new NNError('BACKEND_UNAVAILABLE', 'no WebGPU adapter found (install libvulkan1 and a Vulkan driver, or use --backend wasm)');
    }
    target = 'webgpu';
    why = `adapter ${adapter.label}${adapter.software ? ', software — expect it to be slow' : ''}`;
  } else {
    target = requested;
    why = 'requested';
  }
  let backend: string;
  try {
    if (target === 'wasm') requireWasmBackend();
    backend = await selectBackend(target);
  } catch (e) {
    if (requested !== 'auto') {
      throw new NNError('BACKEND_UNAVAILABLE', `tfjs backend "${target}" could not start here; try --backend wasm or cpu`, { cause: e });
    }
    backend = await selectBackend('cpu');
    why = `${target} failed to start`;
  }
  if (backend !== tf.getBackend()) backend = tf.getBackend();
  if (requested === 'auto' && backend !== target) why = `${target} failed to start`;
  return {
    requested,
    backend: backend as BackendChoice['backend'],
    ...(adapter ? { adapter: adapter.label, softwareAdapter: adapter.software } : {}),
    message: `backend: ${backend} (${why})`,
  };
}
