import { defineConfig } from 'tsup';
import { tfjsCoreNode } from '../../scripts/tsup-tfjs-core-node.mjs';

export default defineConfig([
  {
    ...tfjsCoreNode(),
    entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
    format: ['esm'],
    dts: { entry: ['src/index.ts'] },
    clean: false, // the build script empties dist/ first (two configs run in parallel)
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
  },
  {
    // The page viewer: three.js + OrbitControls + app.ts in one script, inlined into result pages.
    entry: { viewer: 'src/viewer/app.ts' },
    format: ['iife'],
    platform: 'browser',
    noExternal: [/^three/],
    minify: true,
    sourcemap: false,
    clean: false,
    target: 'es2020',
  },
]);
