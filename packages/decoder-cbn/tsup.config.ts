import { defineConfig } from 'tsup';
import { tfjsCoreNode } from '../../scripts/tsup-tfjs-core-node.mjs';

export default defineConfig({
  ...tfjsCoreNode(),
  // node.ts (worker pool) and foldedWorker.ts (its thread body) are Node-only; dist/node.* finds dist/foldedWorker.js
  entry: ['src/index.ts', 'src/node.ts', 'src/foldedWorker.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  shims: true,
});
