/**
 * Record (or check) the SHA-256 of each shipped model's weights file in its `model.json`
 * (`weightsManifest[0].sha256`), the hash every loader verifies. Re-runnable: run it after a model's weights change
 * (a new training run writes the hash itself through `saveModelFiles`; this is for folders written another way,
 * or saved before hashes were recorded). The weights files are read, never written.
 *
 *   npm run models:hash                       # every model folder under packages/models
 *   npm run models:hash -- packages/models/chair-vae
 *   npm run models:hash -- --check            # write nothing; exit 1 if a hash is missing or wrong
 *
 * Before hashing, the weights are decoded against the manifest (sizes match, every value finite): a corrupt file is
 * reported, never certified. A model.json is rewritten atomically with its own indentation (a one-line file stays
 * one line, in JSON.stringify's spacing); an indented file JSON.stringify does not reproduce gets one space.
 * Ensemble manifests (no weights of their own) are skipped; their members are model folders of their own.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@onet/io/node';
import { addWeightsHash, decodeWeights, weightsFileName, type ModelJson } from '@onet/nn';

const modelsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['node_modules', 'dist', 'src', 'test', 'scripts']);

/** Folders under `root` holding a model.json (depth-first, sorted). */
async function modelFolders(root: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name === 'model.json')) out.push(root);
  for (const e of entries.filter((d) => d.isDirectory() && !SKIP.has(d.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(...(await modelFolders(join(root, e.name))));
  }
  return out;
}

/** What happened to one folder. */
type Outcome = 'written' | 'unchanged' | 'skipped' | 'missing' | 'wrong';

async function hashFolder(dir: string, check: boolean): Promise<Outcome> {
  const jsonPath = join(dir, 'model.json');
  const text = await readFile(jsonPath, 'utf8');
  const modelJson = JSON.parse(text) as ModelJson;
  const name = relative(process.cwd(), dir) || '.';
  if (modelJson.format !== 'onet-model') {
    console.log(`${name}: ${JSON.stringify(modelJson.format)} manifest, no weights of its own (skipped)`);
    return 'skipped';
  }
  const weightsPath = join(dir, weightsFileName(modelJson));
  const weights = new Uint8Array(await readFile(weightsPath));
  decodeWeights(modelJson, weights); // throws on a size mismatch or a non-finite weight
  const hashed = await addWeightsHash(modelJson, weights);
  const now = hashed.weightsManifest[0].sha256![0];
  const before = modelJson.weightsManifest[0].sha256?.[0];
  if (before === now) {
    console.log(`${name}: sha256 ${now} (unchanged)`);
    return 'unchanged';
  }
  if (check) {
    console.log(`${name}: sha256 of ${relative(process.cwd(), weightsPath)} is ${now}, model.json records ${before ?? 'none'}`);
    return before === undefined ? 'missing' : 'wrong';
  }
  const indent = /^\{\n([ \t]+)"/.exec(text)?.[1];
  const newline = text.endsWith('\n') ? '\n' : '';
  const roundTrips = JSON.stringify(modelJson, null, indent) + newline === text;
  // a file JSON.stringify does not reproduce (Python's `{"a": 1}` spacing) keeps its shape: one line stays one line
  const style = roundTrips || indent === undefined ? indent : 1;
  await writeFileAtomic(jsonPath, JSON.stringify(hashed, null, style) + newline);
  console.log(`${name}: sha256 ${now} (written${before ? `, was ${before}` : ''}${roundTrips ? '' : ', reformatted'})`);
  return 'written';
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const dirs = args.filter((a) => a !== '--check');
  const folders = dirs.length > 0 ? dirs.map((d) => resolve(d)) : await modelFolders(modelsRoot);
  const outcomes: Outcome[] = [];
  for (const dir of folders) outcomes.push(await hashFolder(dir, check));
  const bad = outcomes.filter((o) => o === 'missing' || o === 'wrong').length;
  if (check && bad > 0) {
    console.error(`${bad} model folder(s) lack a correct weights hash: run npm run models:hash`);
    process.exitCode = 1;
  }
}

await main();
