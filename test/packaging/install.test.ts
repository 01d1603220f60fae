// The packed tarballs, installed into an empty folder as a user would (`npm i` of the tarballs, third-party
// dependencies from the registry or npm's cache), run each package's README snippet there, as ESM (.mjs) and as
// CommonJS (.cjs, `require`). Guards what the monorepo cannot see: sibling ranges, `files`, `exports`
// conditions, dependencies declared where they are used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { buildSync } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'onet-install-'));
const sh = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, env: { ...process.env, FORCE_COLOR: '0' } });

const MISE = ['marching-cubes', 'mise'];
const MODEL = ['io', 'sampling', 'metrics', 'nn', 'encoders', 'decoder-cbn', 'decoder-local', ...MISE, 'model', 'models'];
let tarballs = new Map<string, string>();

beforeAll(() => {
  // dist must be current: turbo rebuilds what changed (a cache hit otherwise)
  sh('npx', ['turbo', 'run', 'build', '--output-logs=errors-only', ...MODEL.map((p) => `--filter=@onet/${p}`)], root);
  const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work, ...MODEL.flatMap((p) => ['--workspace', `packages/${p}`])], root));
  tarballs = new Map(packed.map((t: { name: string; filename: string }) => [t.name.replace('@onet/', ''), join(work, t.filename)]));
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An empty folder with the given tarballs (and registry packages) installed. */
function install(name: string, packages: string[], extra: string[] = []): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `try-${name}`, private: true }));
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', ...packages.map((p) => tarballs.get(p)!), ...extra], dir);
  return dir;
}

/** The `n`-th ```ts fence of a package's README, with its types stripped (plain ESM JavaScript). */
function snippet(pkg: string, n = 0): string {
  const readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
  const fences = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  expect(fences.length, `${pkg} README has ${fences.length} ts snippets`).toBeGreaterThan(n);
  return ts.transpileModule(fences[n], { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** The same code as CommonJS: imports → require, the rest in an async function (no top-level await in CJS). */
function toCommonJs(esm: string): string {
  const head: string[] = [];
  const body: string[] = [];
  for (const line of esm.split('\n')) {
    const named = line.match(/^import \{([^}]*)\} from '([^']+)';/);
    const star = line.match(/^import \* as (\w+) from '([^']+)';/);
    if (named) head.push(`const {${named[1].replace(/\bas\b/g, ':')}} = require('${named[2]}');`);
    else if (star) head.push(`const ${star[1]} = require('${star[2]}');`);
    else if (/^import /.test(line)) throw new Error(`cannot convert: ${line}`);
    else body.push(line.replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href"));
  }
  return `'use strict';\n${head.join('\n')}\n(async () => {\n${body.join('\n')}\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
}

/** Runs a README snippet in `dir` as ESM and as CommonJS; returns both outputs (which must agree). */
function runBoth(dir: string, pkg: string, n = 0): string {
  const esm = snippet(pkg, n);
  const base = `${pkg}-${n}`;
  writeFileSync(join(dir, `${base}.mjs`), esm);
  writeFileSync(join(dir, `${base}.cjs`), toCommonJs(esm));
  const run = (file: string) => {
    try {
      return sh(process.execPath, [file], dir);
    } catch (e) {
      const err = e as { stdout: string; stderr: string };
      throw new Error(`${pkg} README snippet ${n} failed as ${file}:\n${err.stdout}\n${err.stderr}`);
    }
  };
  const out = run(`${base}.mjs`);
  expect(run(`${base}.cjs`)).toBe(out);
  return out;
}

describe('packed tarballs in an empty folder', () => {
  it('@onet/mise + @onet/marching-cubes: README snippets run (ESM and CJS), and no tfjs is installed', () => {
    const dir = install('mise', MISE);
    const ls = sh('npm', ['ls', '--all', '--parseable'], dir);
    expect(ls).toContain('@onet/mise');
    expect(ls).not.toMatch(/tfjs|tensorflow/);
    const mc = runBoth(dir, 'marching-cubes').trim().split('\n')[0].split(' ');
    expect(mc[1]).toBe('triangles');
    expect(Number(mc[2])).toBeCloseTo(4 * Math.PI * 0.4 ** 2, 1);
    expect(Number(mc[3])).toBeCloseTo((4 / 3) * Math.PI * 0.4 ** 3, 2);
    expect(mc[4]).toBe('true');
    const mise = runBoth(dir, 'mise');
    expect(mise).toBe('81704 faces from 163261 of 2146689 points\n'); // deterministic: the same as in the repo
    expect(readFileSync(join(dir, 'sphere.obj'), 'utf8')).toMatch(/^v /);
  }, 600_000);

  it('@onet/model and its siblings: README snippets run (ESM and CJS)', () => {
    const dir = install('model', MODEL, ['bunny@^1.0.1', 'three@^0.187.0']);
    expect(sh('npm', ['ls', '--all', '--parseable'], dir)).not.toMatch(/node_modules\/webgpu$/m); // Dawn is opt-in
    expect(runBoth(dir, 'io')).toContain('INDEX_OUT_OF_RANGE line 6');
    expect(runBoth(dir, 'io', 1)).toMatch(/^24 36 true\n/); // @onet/io/three
    expect(Number(runBoth(dir, 'sampling').trim())).toBeCloseTo(Math.PI / 6 / 1.1 ** 3, 1);
    expect(Number(runBoth(dir, 'metrics').split(' ')[0])).toBeCloseTo((0.4 / 0.42) ** 3, 1); // IoU of nested spheres
    expect(runBoth(dir, 'nn')).toMatch(/^backend: \w+\nTensor\n\s+\[\[1, 2\],\]\n$/); // tfjs' print of [[1, 2]]
    runBoth(dir, 'encoders');
    runBoth(dir, 'decoder-cbn');
    expect(runBoth(dir, 'decoder-local')).toContain('[ 1, 2048 ]');
    expect(runBoth(dir, 'models')).toMatch(/ensemble of 2/);
    const model = runBoth(dir, 'model');
    expect(model).toMatch(/\d+ faces at τ/);
    expect(readFileSync(join(dir, 'bunny.ply')).subarray(0, 3).toString()).toBe('ply');
    // an app bundled for Node (esbuild --platform=node, CommonJS and ESM): `#tfjs-core` and `#tfjs-gradients` resolve
    // through the `node` condition; tfjs-core must be one instance, with the gradients registered
    const entry = join(dir, 'app.mjs');
    writeFileSync(entry, "import { OccupancyNetwork } from '@onet/model';\nimport * as tf from '@tensorflow/tfjs-core';\nconsole.log(typeof OccupancyNetwork, Boolean(tf.getGradient('RealDiv')));\n");
    for (const format of ['cjs', 'esm'] as const) {
      const outfile = join(dir, `app.bundle.${format === 'cjs' ? 'cjs' : 'mjs'}`);
      // ESM output: tfjs-core's Node build is CommonJS and require()s Node built-ins, which an ESM bundle can only do
      // with a require of its own (esbuild's usual banner; needed for tfjs-core alone as well)
      const banner = format === 'esm' ? { js: "import { createRequire as bannerRequire } from 'node:module'; const require = bannerRequire(import.meta.url);" } : undefined;
      buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format, outfile, banner, logLevel: 'error', external: ['@tensorflow/tfjs-backend-wasm', 'webgpu'] });
      expect(sh('node', [outfile], dir).trim(), `esbuild ${format} bundle`).toBe('function true');
    }
  }, 1_200_000);
});
