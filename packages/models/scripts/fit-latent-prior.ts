/**
 * Fit the ex-post Gaussian latent prior of an unconditional (vae) model (`ModelConfig.latentPrior`; Ghosh et al.
 * 2020): encode `count` shapes of the family's **train** split with q(z | p, o) (posterior means, `encodeShape`, seeded),
 * take their mean and covariance, and store the mean and the covariance's Cholesky factor in `model.json` (written to
 * a temporary file and renamed). `onet sample` and the page's sample task then draw z = mean + L·ε. Rerun after every
 * retraining; `--remove` deletes the field (back to z ~ N(0, I)).
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/fit-latent-prior.ts \
 *     <model dir> [family=chair] [count=512] [backend=wasm]
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeShape, OccupancyNetwork } from '@onet/model';
import { loadModel } from '@onet/model/node';
import { type BackendName, selectBackend } from '@onet/nn';
import { familyIndices, type ShapeFamilyName, shapeFamily } from '@onet/sampling';

const args = process.argv.slice(2);
const remove = args.includes('--remove');
const [dir, family = 'chair', countArg = '512', backend = 'wasm'] = args.filter((a) => a !== '--remove');
if (!dir) throw new Error('usage: fit-latent-prior.ts <model dir> [family] [count] [backend] [--remove]');
const file = join(dir, 'model.json');
const json = JSON.parse(await readFile(file, 'utf8'));

async function save(): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(json, null, 2)}\n`);
  await rename(tmp, file);
}

if (remove) {
  delete json.modelConfig.latentPrior;
  await save();
  console.log(`${file}: latentPrior removed`);
  process.exit(0);
}

await selectBackend(backend as BackendName);
delete json.modelConfig.latentPrior; // fit with the network alone
const { model } = await loadModel(dir);
if (!(model instanceof OccupancyNetwork) || model.config.kind !== 'vae') throw new Error(`${dir}: not a vae model`);
const d = model.zDim;
const indices = familyIndices('train', Number(countArg));
const mean = new Float64Array(d);
const codes = indices.map((i, k) => {
  const z = encodeShape(model, shapeFamily(family as ShapeFamilyName, i).mesh, k);
  for (let j = 0; j < d; j++) mean[j] += z[j] / indices.length;
  return z;
});
const cov = Array.from({ length: d }, () => new Float64Array(d));
for (const z of codes) for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) cov[i][j] += ((z[i] - mean[i]) * (z[j] - mean[j])) / (codes.length - 1);
let trace = 0;
for (let i = 0; i < d; i++) trace += cov[i][i];
const jitter = (1e-6 * trace) / d; // keeps the factorisation defined when codes span fewer than zDim directions
const L = Array.from({ length: d }, () => new Array<number>(d).fill(0));
for (let i = 0; i < d; i++) {
  for (let j = 0; j <= i; j++) {
    let s = cov[i][j] + (i === j ? jitter : 0);
    for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
    L[i][j] = i === j ? Math.sqrt(Math.max(s, 0)) : s / L[j][j];
  }
}
json.modelConfig.latentPrior = { mean: Array.from(mean), scale: L };
await save();
const sd = Array.from({ length: d }, (_, i) => Math.sqrt(cov[i][i]));
console.log(`${file}: latentPrior from ${codes.length} ${family} train shapes; |mean| ${Math.hypot(...mean).toFixed(3)}, per-dim sd ${Math.min(...sd).toFixed(3)}–${Math.max(...sd).toFixed(3)}`);
