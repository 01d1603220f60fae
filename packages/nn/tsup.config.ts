import { defineConfig } from 'tsup';
import { tfjsCoreNode } from '../../scripts/tsup-tfjs-core-node.mjs';

export default defineConfig({
  ...tfjsCoreNode(),
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // import.meta.url in the CommonJS build (nodeBackend's createRequire)
  shims: true,
  // Keep the native Dawn binding (optional dependency) external so it finds its dawn.node.
  external: ['webgpu'],
});
