import { defineConfig } from 'tsup';
import { tfjsCoreNode } from '../../scripts/tsup-tfjs-core-node.mjs';

export default defineConfig({
  ...tfjsCoreNode(),
  // gradientWorker: the thread body of createGradientWorkers (data-parallel training); dist/node.js finds it beside itself
  entry: { index: 'src/index.ts', node: 'src/node.ts', gradientWorker: 'src/node/gradientWorker.ts' },
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/node.ts'] },
  clean: false,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
});
