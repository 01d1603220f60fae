#!/usr/bin/env node
/**
 * Put the CGAL meshes that onet trains and tests on into `<repo>/data/meshes` and `<repo>/data/meshes-open`
 * (gitignored), with their NOTICE. Exactly the files listed in `scripts/meshes.sha256` are copied, and each
 * one is checked against its sha256; no other mesh of the CGAL data set is ever copied (the rest are kept for
 * independent evaluation).
 *
 * Sources: the one given (`--source DIR`, `--deb FILE` or `--apt`), else the first that works of
 *   1. `$ONET_DATA`: a folder holding `meshes/` and `meshes-open/` (e.g. a copy made earlier);
 *   2. `../shared/data` beside the repo (the development machines have it);
 *   3. `apt-get download libcgal-demo` (Debian/Ubuntu; no root needed) into a temporary folder.
 * `--deb FILE` takes an already downloaded `libcgal-demo_*.deb` (Debian 12: libcgal-demo_5.5.1-2_all.deb).
 * From a .deb, CGAL's `usr/share/doc/libcgal-dev/data.tar.gz` is extracted and only the listed members of its
 * `data/meshes/` folder are unpacked.
 *
 * Usage: node scripts/fetch-meshes.mjs [--dest DIR] [--source DIR | --deb FILE | --apt] [--if-missing] [--check]
 *   --if-missing  do nothing when DEST already holds every listed file with the right hash
 *   --check       only verify DEST; exit 1 when a file is missing or differs
 * Also: `npm run fetch-meshes`.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestFile = join(repo, 'scripts', 'meshes.sha256');
const noticeFile = join(repo, 'fixtures', 'meshes', 'NOTICE.md');
const TARBALL_MEMBER = './usr/share/doc/libcgal-dev/data.tar.gz';

function parseArgs(argv) {
  const o = { dest: join(repo, 'data'), source: null, deb: null, apt: false, ifMissing: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dest') o.dest = resolve(argv[++i]);
    else if (a === '--source') o.source = resolve(argv[++i]);
    else if (a === '--deb') o.deb = resolve(argv[++i]);
    else if (a === '--apt') o.apt = true;
    else if (a === '--if-missing') o.ifMissing = true;
    else if (a === '--check') o.check = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^[\s\S]*?\/\*\*/, '') + '\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (see --help)`);
  }
  return o;
}

/** `[{ sha, rel }]` from the committed manifest (sha256sum format: `<hex>  meshes/cow.off`). */
function readManifest() {
  return readFileSync(manifestFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(l);
      if (!m || !/^meshes(-open)?\/[\w.-]+\.off$/.test(m[2])) throw new Error(`bad line in ${manifestFile}: ${l}`);
      return { sha: m[1], rel: m[2] };
    });
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Names of the listed files that are missing from `dir` or differ. */
function problems(dir, manifest) {
  return manifest.filter(({ sha, rel }) => !existsSync(join(dir, rel)) || sha256(join(dir, rel)) !== sha).map((e) => e.rel);
}

/** Copy every listed file from `get(rel)` into a fresh staging folder, verifying hashes; return the folder. */
function stage(manifest, get, what) {
  const tmp = mkdtempSync(join(tmpdir(), 'onet-meshes-'));
  for (const { sha, rel } of manifest) {
    const from = get(rel);
    if (!existsSync(from)) throw new Error(`${what} lacks ${rel}`);
    const got = sha256(from);
    if (got !== sha) throw new Error(`${what}: ${rel} has sha256 ${got}, expected ${sha}`);
    mkdirSync(join(tmp, dirname(rel)), { recursive: true });
    copyFileSync(from, join(tmp, rel));
  }
  return tmp;
}

/** Unpack only the listed meshes from a libcgal-demo .deb; return a function mapping rel → extracted file. */
function fromDeb(deb, manifest, work) {
  if (spawnSync('dpkg-deb', ['--version'], { stdio: 'ignore' }).status === 0) {
    execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "$3"', 'sh', deb, work, TARBALL_MEMBER]);
  } else {
    // no dpkg-deb (not Debian): a .deb is an ar archive holding data.tar.xz (or .zst/.gz)
    const member = execFileSync('ar', ['t', deb], { encoding: 'utf8' }).split('\n').find((m) => m.startsWith('data.tar'));
    if (!member) throw new Error(`${deb}: no data.tar member`);
    execFileSync('ar', ['x', deb, member], { cwd: work });
    execFileSync('tar', ['-xaf', join(work, member), '-C', work, TARBALL_MEMBER]);
  }
  // CGAL keeps closed and open meshes together in data/meshes/: extract only the listed names
  const names = [...new Set(manifest.map(({ rel }) => `data/meshes/${rel.split('/')[1]}`))];
  execFileSync('tar', ['-xzf', join(work, TARBALL_MEMBER), '-C', work, ...names]);
  return (rel) => join(work, 'data', 'meshes', rel.split('/')[1]);
}

function install(staged, dest) {
  mkdirSync(dest, { recursive: true });
  for (const sub of ['meshes', 'meshes-open']) {
    rmSync(join(dest, sub), { recursive: true, force: true });
    mkdirSync(join(dest, sub));
  }
  for (const sub of ['meshes', 'meshes-open']) {
    for (const f of readdirSync(join(staged, sub))) {
      copyFileSync(join(staged, sub, f), join(dest, sub, f));
    }
  }
  copyFileSync(noticeFile, join(dest, 'NOTICE.md'));
  rmSync(staged, { recursive: true, force: true });
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const manifest = readManifest();
  const bad = problems(o.dest, manifest);
  if (o.check) {
    if (bad.length) {
      console.error(`${o.dest}: ${bad.length} of ${manifest.length} meshes missing or different (${bad.slice(0, 5).join(', ')}…); run npm run fetch-meshes`);
      process.exit(1);
    }
    console.log(`${o.dest}: all ${manifest.length} meshes present, sha256 verified`);
    return;
  }
  if (o.ifMissing && bad.length === 0) {
    console.log(`meshes: ${o.dest} already holds all ${manifest.length} (sha256 verified)`);
    return;
  }
  const shared = resolve(repo, '..', 'shared', 'data');
  // an explicit --source, --deb or --apt is the only source tried; otherwise ONET_DATA, ../shared/data, apt
  const explicit = o.source || o.deb || o.apt;
  const dirs = o.source
    ? [['--source', o.source]]
    : explicit
      ? []
      : [process.env.ONET_DATA && ['ONET_DATA', resolve(process.env.ONET_DATA)], existsSync(shared) && ['../shared/data', shared]].filter(Boolean);
  const errors = [];
  for (const [what, dir] of dirs) {
    try {
      install(stage(manifest, (rel) => join(dir, rel), `${what} (${dir})`), o.dest);
      console.log(`meshes: copied ${manifest.length} files from ${dir} into ${o.dest} (sha256 verified)`);
      return;
    } catch (e) {
      errors.push(e.message);
    }
  }
  if (o.source) {
    console.error(`meshes: ${errors.join('; ')}`);
    process.exitCode = 1;
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'onet-cgal-'));
  try {
    let deb = o.deb;
    if (!deb) {
      console.log('meshes: apt-get download libcgal-demo (Debian\'s CGAL 5.5 data, ~24 MB) …');
      execFileSync('apt-get', ['download', 'libcgal-demo'], { cwd: work, stdio: ['ignore', 'inherit', 'inherit'] });
      const found = readdirSync(work).find((f) => f.endsWith('.deb'));
      if (!found) throw new Error('apt-get download produced no .deb');
      deb = join(work, found);
    }
    const get = fromDeb(deb, manifest, work);
    install(stage(manifest, get, deb), o.dest);
    console.log(`meshes: extracted ${manifest.length} files from ${deb} into ${o.dest} (sha256 verified)`);
  } catch (e) {
    errors.push(e.message);
    console.error(`meshes: no source worked:\n  ${errors.join('\n  ')}\n` +
      'Give one with --source DIR / ONET_DATA=DIR (a folder with meshes/ and meshes-open/), or --deb FILE ' +
      '(Debian\'s libcgal-demo_5.5.1-2_all.deb), or run on Debian/Ubuntu where `apt-get download libcgal-demo` works.');
    process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
