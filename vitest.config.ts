import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import workspace packages from source, so `npm test` needs no build step.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@onet\/([^/]+)\/(.+)$/, replacement: `${root}packages/$1/src/$2.ts` },
      { find: /^@onet\/([^/]+)$/, replacement: `${root}packages/$1/src/index.ts` },
      // @onet/model's subpath import (package.json `imports`): in Node it names a file of its build, from source tfjs-core's own
      { find: /^#tfjs-gradients$/, replacement: '@tensorflow/tfjs-core/dist/register_all_gradients' },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
