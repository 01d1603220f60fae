// Source runs only (vitest, tsx): the TypeScript gradient worker via the shared shim. Built packages use dist/gradientWorker.js.
import { runTypeScriptWorker } from '../../../nn/src/devWorker.mjs';

await runTypeScriptWorker(new URL('./gradientWorker.ts', import.meta.url));
