// Module hooks for child processes of the tests: resolve `@onet/<pkg>[/<entry>]` to the package's TypeScript
// source, as vitest's aliases do, so spawned workers run the code under test without a build (tsx compiles it).
const root = new URL('../../../../', import.meta.url);

export async function resolve(specifier, context, next) {
  const m = /^@onet\/([^/]+)(?:\/(.+))?$/.exec(specifier);
  if (m) return next(new URL(`packages/${m[1]}/src/${m[2] ?? 'index'}.ts`, root).href, context);
  return next(specifier, context);
}
