/**
 * Test helpers of the onet monorepo (private, not published). The light parts are exported here; tfjs-based
 * ones live in sub-entries so that tests of tfjs-free packages do not load tfjs:
 * - `@onet/test-utils/parity`: parity fixtures as tensors, `maxDiff`;
 * - `@onet/test-utils/backends`: `describeEachBackend` (cpu, wasm, webgpu);
 * - `@onet/test-utils/data`: the path resolver alone (no vitest: usable from scripts).
 */
export * from './data.js';
export * from './large.js';
export * from './rng.js';
export * from './analytic.js';
