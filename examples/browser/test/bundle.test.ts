/**
 * Every published package's main entry must bundle for the browser without Node built-ins (issue 7):
 * esbuild, platform 'browser', tfjs left external (the app bundles it itself; also when reached through a package's
 * `#tfjs-*` import map). Any import of a Node
 * built-in (`node:fs`, `path`, …), of the native `webgpu` package (Dawn) or of a package's `/node`
 * subpath is recorded with the file that imports it, and the test fails naming them. One exception:
 * a lazy `import('node:fs')` inside a third-party dependency (@gltf-transform/core's `NodeIO.init()`, never
 * called by @onet/io, which uses its platform-neutral core) is allowed and listed separately.
 */
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = ['io', 'sampling', 'metrics', 'marching-cubes', 'mise', 'nn', 'encoders', 'decoder-cbn', 'decoder-local', 'model', 'train'];
const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));
const isForbidden = (spec: string): boolean =>
  spec.startsWith('node:') || builtins.has(spec.split('/')[0]) || spec === 'webgpu' || /^@onet\/[^/]+\/node$/.test(spec);

/** Bundle `entry` for the browser; return the bundle text and every forbidden import as "spec ← file". */
async function bundle(entry: string): Promise<{ text: string; forbidden: string[]; lazyThirdParty: string[] }> {
  const forbidden: string[] = [];
  const lazyThirdParty: string[] = [];
  const plugin: Plugin = {
    name: 'onet-browser-check',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        // package.json `imports` that stand for tfjs (`#tfjs-core`, `#tfjs-gradients`): tfjs stays external, as above
        if (args.path.startsWith('#tfjs-')) return { path: args.path, external: true };
        if (isForbidden(args.path)) {
          const where = `${args.path} ← ${relative(root, args.importer)}`;
          const thirdParty = args.importer.includes('/node_modules/') && !args.importer.includes('/node_modules/@onet/');
          (thirdParty && args.kind === 'dynamic-import' ? lazyThirdParty : forbidden).push(where);
          return { path: args.path, external: true };
        }
        const m = /^@onet\/([^/]+)(?:\/(.+))?$/.exec(args.path);
        if (m) return { path: `${root}packages/${m[1]}/src/${m[2] ?? 'index'}.ts` };
        return undefined;
      });
    },
  };
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    external: ['@tensorflow/*'],
    logLevel: 'silent',
    plugins: [plugin],
  });
  return { text: result.outputFiles.map((f) => f.text).join('\n'), forbidden, lazyThirdParty };
}

describe('browser bundles of the published packages', () => {
  for (const name of PACKAGES) {
    it(`@onet/${name} (main entry) bundles with platform 'browser' and no Node built-ins`, async () => {
      const { text, forbidden } = await bundle(`${root}packages/${name}/src/index.ts`);
      expect(forbidden, `@onet/${name} imports Node-only modules from its main entry`).toEqual([]);
      expect(text.length).toBeGreaterThan(1000);
      expect(text).not.toMatch(/from\s*["']node:|require\(["']node:/);
    });
  }

  it('the only lazy Node import allowed is @gltf-transform/core NodeIO (reached through @onet/io)', async () => {
    const { lazyThirdParty } = await bundle(`${root}packages/io/src/index.ts`);
    for (const l of lazyThirdParty) expect(l).toMatch(/^node:(fs|path) ← node_modules\/@gltf-transform\/core\//);
  });

  it('the check itself catches a Node-only entry (@onet/nn/node imports node:fs)', async () => {
    const { forbidden } = await bundle(`${root}packages/nn/src/node.ts`);
    expect(forbidden.some((f) => f.startsWith('node:fs'))).toBe(true);
  });
});
