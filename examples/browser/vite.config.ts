import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { onetAssets } from './onetAssets.js';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

// The workspace packages are used from source (as in the root vitest config), so neither `npm run dev`
// nor the end-to-end test needs a package build first.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^@onet\/([^/]+)\/(.+)$/, replacement: `${packages}$1/src/$2.ts` },
      { find: /^@onet\/([^/]+)$/, replacement: `${packages}$1/src/index.ts` },
    ],
  },
  plugins: [onetAssets()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
