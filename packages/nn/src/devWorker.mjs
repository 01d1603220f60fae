// Monorepo/source runs only (vitest, tsx): run a TypeScript worker-thread body. Registers tsx in this worker
// thread and maps the workspace packages (`@onet/<name>[/<sub>]`) to their TypeScript sources (their dist/ may not
// be built, as in a fresh clone). Built packages start their dist/*.js workers directly and never load this.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

/** Import the TypeScript module at `entry` (a file URL) inside this worker thread, with `@onet/*` mapped to sources. */
export async function runTypeScriptWorker(entry) {
  register();
  // Hooks run last-registered first: this alias resolves before tsx's own resolver sees the TypeScript path.
  const packagesDir = new URL('../../', import.meta.url).href;
  const aliasHooks = `
export async function resolve(specifier, context, next) {
  const m = /^@onet\\/([^/]+)(?:\\/(.+))?$/.exec(specifier);
  if (m) return next(${JSON.stringify(packagesDir)} + m[1] + '/src/' + (m[2] ?? 'index') + '.ts', context);
  return next(specifier, context);
}`;
  registerHooks('data:text/javascript,' + encodeURIComponent(aliasHooks));
  await import(entry.href);
}
