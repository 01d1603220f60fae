// Monorepo/source runs only (vitest, tsx): register tsx in this worker thread, map the workspace packages
// (`@onet/<name>`) to their TypeScript sources (their dist/ may not be built, as in a fresh clone), then run the
// TypeScript worker. Built packages use dist/gradientWorker.js instead.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
// Hooks run last-registered first: this alias resolves before tsx's own resolver sees the TypeScript path.
const packagesDir = new URL('../../../', import.meta.url).href;
const aliasHooks = `
export async function resolve(specifier, context, next) {
  const m = /^@onet\\/([^/]+)(?:\\/(.+))?$/.exec(specifier);
  if (m) return next(${JSON.stringify(packagesDir)} + m[1] + '/src/' + (m[2] ?? 'index') + '.ts', context);
  return next(specifier, context);
}`;
registerHooks('data:text/javascript,' + encodeURIComponent(aliasHooks));
await import('./gradientWorker.ts');
