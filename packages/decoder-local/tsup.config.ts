import { defineConfig } from 'tsup';
import { tfjsCoreNode } from '../../scripts/tsup-tfjs-core-node.mjs';

export default defineConfig({
  ...tfjsCoreNode(),
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
