// Source runs only (vitest, tsx): the TypeScript worker via the shared shim. Built packages use dist/foldedWorker.js.
import { runTypeScriptWorker } from '../../nn/src/devWorker.mjs';

await runTypeScriptWorker(new URL('./foldedWorker.ts', import.meta.url));
