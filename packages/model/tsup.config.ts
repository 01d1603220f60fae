import { defineConfig } from 'tsup';
import { tfjsCoreNode } from '../../scripts/tsup-tfjs-core-node.mjs';

export default defineConfig([
  {
    ...tfjsCoreNode(),
    entry: ['src/index.ts', 'src/node.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: false, // the build script empties dist/ first (two configs run in parallel)
    sourcemap: true,
    target: 'es2022',
    // resolved at run time through package.json `imports` (Node: the copy below; bundlers: tfjs-core's)
    external: ['#tfjs-gradients'],
    // import.meta.url in the CommonJS build (readImage's createRequire)
    shims: true,
  },
  {
    // tfjs's gradients for Node (see src/gradients/tfjsGradients.ts): tfjs-core's ESM register_all_gradients in one file
    entry: { 'tfjs-gradients': 'src/gradients/tfjsGradients.ts' },
    format: ['cjs'],
    platform: 'node',
    noExternal: ['@tensorflow/tfjs-core/dist/register_all_gradients'],
    minify: true,
    sourcemap: false,
    clean: false,
    target: 'es2022',
  },
]);
