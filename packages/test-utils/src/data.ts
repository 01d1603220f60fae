/**
 * Where the repo's test fixtures and meshes are, for tests and for scripts (Node built-ins only: no vitest,
 * no tfjs, so `tsx` scripts and the CLI's configs can use it too).
 *
 * - Fixtures (`fixturePath`): `<repo>/fixtures/` (committed, small), then `$ONET_FIXTURES/`, then
 *   `<repo>/../shared/fixtures/` (the full-size parity files live only in the last two).
 * - Meshes (`dataPath`, `dataDir`): `<repo>/data/` (made by `npm run fetch-meshes`), then `$ONET_DATA/`, then
 *   `<repo>/../shared/data/`; `dataPath` also finds the few meshes committed under `<repo>/fixtures/`.
 *
 * @example
 * ```ts
 * import { dataDir, dataPath } from '@onet/test-utils/data';
 * const meshes = dataDir('meshes');          // a folder holding all 35 closed meshes, or throws saying how to get them
 * const cow = dataPath('meshes/cow.off');    // one file
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding `packages/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The mesh folders that `scripts/fetch-meshes.mjs` fills. */
export type MeshFolder = 'meshes' | 'meshes-open';

/** Error of the resolver: `code` says what is missing; the message says how to get it. */
export class FixtureMissingError extends Error {
  constructor(
    readonly code: 'FIXTURE_MISSING' | 'DATA_MISSING',
    message: string,
  ) {
    super(message);
    this.name = 'FixtureMissingError';
  }
}

/** Candidate roots for fixtures, in search order (existing folders only). */
export function fixtureRoots(): string[] {
  const env = process.env.ONET_FIXTURES;
  return [join(REPO_ROOT, 'fixtures'), env ? resolve(env) : '', join(REPO_ROOT, '..', 'shared', 'fixtures')].filter(
    (d) => d && existsSync(d),
  );
}

/** Candidate roots for the mesh data, in search order (existing folders only). */
export function dataRoots(): string[] {
  const env = process.env.ONET_DATA;
  return [join(REPO_ROOT, 'data'), env ? resolve(env) : '', join(REPO_ROOT, '..', 'shared', 'data')].filter(
    (d) => d && existsSync(d),
  );
}

/** The path of fixture `rel` (e.g. `parity/decoder_cbn_c32_h16.npz`), or null when no root has it. */
export function findFixture(rel: string): string | null {
  for (const root of fixtureRoots()) if (existsSync(join(root, rel))) return join(root, rel);
  return null;
}

/**
 * The path of fixture `rel` (relative to a fixtures root: `parity/…`, `metrics/…`, `mise/…`, `meshes/…`).
 * @throws {@link FixtureMissingError} `FIXTURE_MISSING` naming the folders searched.
 */
export function fixturePath(rel: string): string {
  const p = findFixture(rel);
  if (p) return p;
  throw new FixtureMissingError(
    'FIXTURE_MISSING',
    `fixture ${rel} not found in ${[join(REPO_ROOT, 'fixtures'), '$ONET_FIXTURES', join(REPO_ROOT, '..', 'shared', 'fixtures')].join(', ')}; ` +
      'the full-size parity files come with ../shared beside the repo or ONET_FIXTURES=<folder with parity/>',
  );
}

/** The committed list of meshes (`scripts/meshes.sha256`): `{ sha256, rel }` with rel like `meshes/cow.off`. */
export function meshManifest(): { sha256: string; rel: string }[] {
  return readFileSync(join(REPO_ROOT, 'scripts', 'meshes.sha256'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [sha256, rel] = l.split(/ [ *]/);
      return { sha256, rel };
    });
}

/**
 * A folder holding every mesh of `folder` listed in `scripts/meshes.sha256` (35 closed, 10 open), or null.
 * Files are checked for presence, not hashed (`npm run fetch-meshes -- --check` hashes them).
 */
export function findDataDir(folder: MeshFolder): string | null {
  const names = meshManifest().filter((e) => e.rel.startsWith(`${folder}/`)).map((e) => e.rel);
  for (const root of dataRoots()) if (names.every((rel) => existsSync(join(root, rel)))) return join(root, folder);
  return null;
}

/**
 * {@link findDataDir} or throw.
 * @throws {@link FixtureMissingError} `DATA_MISSING` saying to run `npm run fetch-meshes`.
 */
export function dataDir(folder: MeshFolder): string {
  const d = findDataDir(folder);
  if (d) return d;
  throw new FixtureMissingError(
    'DATA_MISSING',
    `no complete ${folder}/ folder in ${join(REPO_ROOT, 'data')}, $ONET_DATA or ${join(REPO_ROOT, '..', 'shared', 'data')}: ` +
      'run `npm run fetch-meshes` (copies the CGAL meshes from Debian\'s libcgal-demo into data/)',
  );
}

/**
 * The path of mesh `rel` (e.g. `meshes/cow.off`) from the data roots, else from the meshes committed under
 * `fixtures/`.
 * @throws {@link FixtureMissingError} `DATA_MISSING` saying to run `npm run fetch-meshes`.
 */
export function dataPath(rel: string): string {
  for (const root of [...dataRoots(), join(REPO_ROOT, 'fixtures')]) if (existsSync(join(root, rel))) return join(root, rel);
  throw new FixtureMissingError(
    'DATA_MISSING',
    `${rel} not found in ${join(REPO_ROOT, 'data')}, $ONET_DATA or ${join(REPO_ROOT, '..', 'shared', 'data')}: run \`npm run fetch-meshes\``,
  );
}

/** The full-size parity fixtures, too large to commit (107 MB together). */
export const LARGE_PARITY_FIXTURES = ['decoder_cbn_c512_h256', 'resnetpointnet_c512_h512', 'voxelencoder_c32', 'resnet18_c256'] as const;
