#!/usr/bin/env node
// npm run release:check — is every public package publishable as it stands?
//   1. build (turbo: a cache hit when dist is current; --no-build skips it)
//   2. `changeset status`: every changed package has a changeset (or, in a version commit, a new version and
//      a CHANGELOG entry)
//   3. `npm pack` of each public package (the tarball npm publish would upload; its file list is what
//      `npm pack --dry-run` prints), checked: LICENSE, README, dist; no sources, scripts or retired models;
//      metadata (repository.directory, homepage, bugs, keywords, engines); sibling ranges that match the
//      workspace versions
//   4. arethetypeswrong on each tarball: no problems (ESM-only packages with the esm-only profile)
// Prints one line per package with its packed and unpacked size. Exit 1 on any problem.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const problems = [];
const t0 = Date.now();
const step = (s) => console.log(`\n== ${s} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
const run = (cmd, argv, opts = {}) => execFileSync(cmd, argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...opts });

const pkgs = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);
const versions = new Map(
  readdirSync(join(root, 'packages')).map((d) => {
    const j = JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8'));
    return [j.name, j.version];
  }),
);

if (!args.has('--no-build')) {
  step('build');
  run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { stdio: 'inherit' });
}

step('changeset status');
try {
  console.log(run('npx', ['changeset', 'status']).trim().split('\n').slice(-3).join('\n'));
} catch (e) {
  // A version commit (`changeset version`) consumes the changesets, so status fails until it is merged into the base
  // branch. That is fine when every package changed since the base has a new version and a CHANGELOG entry.
  const base = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8')).baseBranch ?? 'main';
  const unreleased = [];
  let changed = [];
  try {
    changed = [...new Set(run('git', ['diff', '--name-only', `${base}...HEAD`, '--', 'packages']).split('\n').filter(Boolean).map((f) => f.split('/')[1]))];
    for (const dir of changed) {
      const now = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
      let before;
      try {
        before = JSON.parse(run('git', ['show', `${base}:packages/${dir}/package.json`])).version;
      } catch {
        before = undefined; // a new package
      }
      const log = run('git', ['diff', '--name-only', `${base}...HEAD`, '--', `packages/${dir}/CHANGELOG.md`]).trim();
      if (now.version === before || !log) unreleased.push(now.name);
    }
  } catch (g) {
    unreleased.push(`(git: ${g.message.split('\n')[0]})`);
  }
  if (unreleased.length || !changed.length) problems.push(`changeset status failed:\n${e.stdout}${e.stderr}${unreleased.length ? `changed without a changeset or a version bump: ${unreleased.join(', ')}` : ''}`);
  else console.log(`no pending changesets: a version commit (${changed.length} packages changed since ${base}, each with a new version and CHANGELOG entry)`);
}

step('metadata');
const repoUrl = pkgs[0].json.repository?.url;
for (const { dir, json } of pkgs) {
  const p = (m) => problems.push(`${json.name}: ${m}`);
  if (json.repository?.url !== repoUrl || json.repository?.directory !== `packages/${dir}`) p('repository { url, directory } missing or inconsistent');
  for (const f of ['homepage', 'bugs', 'keywords', 'engines', 'license', 'description']) if (!json[f]) p(`no "${f}"`);
  if (json.engines?.node !== '>=20') p(`engines.node is ${json.engines?.node}, expected >=20`);
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(json[field] ?? {})) {
      if (!versions.has(name)) continue;
      if (range !== `^${versions.get(name)}`) p(`${field}.${name} is "${range}", expected "^${versions.get(name)}"`);
    }
  }
  for (const [sub, cond] of Object.entries(json.exports ?? {})) {
    if (typeof cond === 'string') continue;
    const ok = cond.import ? cond.import.types && cond.import.default && cond.require?.types?.endsWith('.d.cts') && cond.require?.default?.endsWith('.cjs') : cond.types && cond.default;
    if (!ok) p(`exports["${sub}"] must be { import: { types, default }, require: { types: .d.cts, default: .cjs } } or { types, default } (ESM-only)`);
  }
}
console.log(`${pkgs.length} public packages`);

step('npm pack');
const dest = mkdtempSync(join(tmpdir(), 'onet-release-'));
try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dest, ...pkgs.flatMap((p) => ['--workspace', `packages/${p.dir}`])]));
  const kb = (n) => `${(n / 1024).toFixed(0)} kB`.padStart(9);
  for (const t of packed) {
    const files = t.files.map((f) => f.path);
    const p = (m) => problems.push(`${t.name} tarball: ${m}`);
    for (const need of ['LICENSE', 'README.md', 'package.json']) if (!files.includes(need)) p(`no ${need}`);
    if (!files.some((f) => f.startsWith('dist/'))) p('no dist/ (not built?)');
    const bad = files.filter((f) => /^(src|test|bench|scripts)\//.test(f) || (/\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f)) || /(^|\/)tsconfig|tsup\.config/.test(f));
    // @onet/models ships its SHIPPED_MODELS folders (the `files` entries besides dist) and nothing retired
    if (t.name === '@onet/models') {
      const shipped = new Set(JSON.parse(readFileSync(join(root, 'packages/models/package.json'), 'utf8')).files.filter((f) => !['dist', 'README.md', 'LICENSE'].includes(f)));
      bad.push(...files.filter((f) => !(f.startsWith('dist/') || shipped.has(f.split('/')[0])) && !['LICENSE', 'README.md', 'package.json'].includes(f)));
      for (const retired of ['grid-v1', 'planes-v1', 'onet', 'voxels-onet', 'scripts']) if (shipped.has(retired)) bad.push(`${retired}/ (retired or repository-only)`);
    }
    if (bad.length) p(`ships ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}`);
    console.log(`${t.name.padEnd(22)} ${kb(t.size)} packed ${kb(t.unpackedSize)} unpacked, ${t.entryCount} files`);
  }

  step('arethetypeswrong');
  // @arethetypeswrong/core in this process (what the attw CLI runs, without 13 node start-ups); for a package
  // with problems the CLI prints its table. ESM-only packages get the CLI's esm-only profile (no CJS columns).
  const attw = await import('@arethetypeswrong/core');
  for (const t of packed) {
    const json = pkgs.find((p) => p.json.name === t.name).json;
    const esmOnly = Object.values(json.exports).every((c) => typeof c === 'string' || !c.require);
    const ignore = esmOnly ? ['node10', 'node16-cjs'] : [];
    const analysis = await attw.checkPackage(attw.createPackageFromTarballData(new Uint8Array(readFileSync(join(dest, t.filename)))));
    const found = analysis.types ? analysis.problems.filter((x) => !ignore.includes(x.resolutionKind)) : [{ kind: 'no types' }];
    console.log(`${t.name.padEnd(22)} ${found.length ? `${found.length} PROBLEM(S)` : 'no problems'}${esmOnly ? ' (ESM-only profile)' : ''}`);
    if (found.length) {
      const cli = ['attw', join(dest, t.filename), '--format', 'table-flipped', ...(esmOnly ? ['--profile', 'esm-only'] : [])];
      let table = '';
      try {
        table = run('npx', cli);
      } catch (e) {
        table = `${e.stdout}${e.stderr}`;
      }
      problems.push(`${t.name}: arethetypeswrong: ${found.map((x) => `${x.kind}${x.resolutionKind ? ` (${x.resolutionKind})` : ''}`).join(', ')}\n${table}`);
    }
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}

step('done');
if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('release check: no problems');
