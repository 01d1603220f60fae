// Monorepo/source runs only (vitest, tsx): register tsx in this worker thread, then run the TypeScript worker.
// Built packages use dist/foldedWorker.js instead.
import { register } from 'tsx/esm/api';
register();
await import('./foldedWorker.ts');
