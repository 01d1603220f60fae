/**
 * Which ex-post latent prior should an unconditional (vae) model sample from (issue #21)? Encodes `codes` shapes of
 * the family's train split (posterior means, `encodeShape`), fits candidate densities to them and scores N samples of
 * each against N shapes of a reference split (COV, MMD and 1-NNA with the Chamfer distance, as
 * evaluate-generative.ts), plus the held-out log-likelihood of the val split's codes under each density:
 *
 * - `gaussian`: one full-covariance Gaussian (what `fit-latent-prior.ts` stores today);
 * - `gmm-K`: a K-component full-covariance Gaussian mixture fitted by EM (k-means++ start, seeded; Ghosh et al. 2020
 *   use a 10-component one);
 * - `train codes`: N of the encoded training codes themselves, decoded (the aggregated posterior without smoothing:
 *   what the decoder can show at best from codes of this encoder).
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/study-latent-prior.ts \
 *     <model dir> [N=64] [split=val] [codes=1024] [K list=4,8,16] [family=chair]
 */
import { type GaussianMixtureComponent, fitGaussianMixture, gaussianMixtureLogLikelihood, sampleGaussianMixture } from './gaussianMixture.js';
import { decodeShape, encodeShape, OccupancyNetwork } from '@onet/model';
import { loadModel } from '@onet/model/node';
import { chamferDistanceMatrix, coverage, minimumMatchingDistance, oneNearestNeighborAccuracy } from '@onet/metrics';
import { selectBackend } from '@onet/nn';
import { familyIndices, normalizeMesh, sampleSurface, type ShapeFamilyName, shapeFamily } from '@onet/sampling';

const [dir, nArg = '64', split = 'val', codesArg = '1024', kArg = '4,8,16', family = 'chair'] = process.argv.slice(2);
if (!dir) throw new Error('usage: study-latent-prior.ts <model dir> [N] [split] [codes] [K list] [family]');
const N = Number(nArg);
const fam = family as ShapeFamilyName;
const POINTS = 1024;
await selectBackend('wasm');
const loaded = await loadModel(dir);
const model = loaded.model as OccupancyNetwork;
if (!(model instanceof OccupancyNetwork) || model.config.kind !== 'vae') throw new Error(`${dir} is not a vae model`);
const t0 = performance.now();
const log = (s: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${s}`);

const trainCodes = familyIndices('train', Number(codesArg)).map((i, k) => encodeShape(model, shapeFamily(fam, i).mesh, k));
const valCodes = familyIndices('val', 256).map((i, k) => encodeShape(model, shapeFamily(fam, i).mesh, 50_000 + k));
log(`encoded ${trainCodes.length} train and ${valCodes.length} val codes`);

const cloud = (mesh: Parameters<typeof normalizeMesh>[0], seed: number) => sampleSurface(normalizeMesh(mesh).mesh, POINTS, { seed }).points;
const reference = familyIndices(split as 'val' | 'test')
  .slice(0, N)
  .map((i) => cloud(shapeFamily(fam, i).mesh, 10_000 + i));
const rr = chamferDistanceMatrix(reference);

async function score(name: string, codes: Float32Array[], density?: GaussianMixtureComponent[]) {
  const clouds: Float32Array[] = [];
  for (const [i, z] of codes.entries()) {
    const s = await decodeShape(model, z, { generation: { resolution0: 16, upsamplingSteps: 2 } });
    clouds.push(s.mesh.indices.length ? cloud(s.mesh, 20_000 + i) : new Float32Array(3));
  }
  const gr = chamferDistanceMatrix(clouds, reference);
  const row = { cov: coverage(gr), mmd: minimumMatchingDistance(gr), nna: oneNearestNeighborAccuracy(chamferDistanceMatrix(clouds), gr, rr) };
  const ll = density ? gaussianMixtureLogLikelihood(density, valCodes) : Number.NaN;
  log(
    `${name}: COV ${(100 * row.cov).toFixed(1)} %, MMD ${(1000 * row.mmd).toFixed(2)}e-3, 1-NNA ${(100 * row.nna).toFixed(1)} %, val log-lik ${ll.toFixed(1)}`,
  );
  return { name, ...row, ll };
}

const rows = [];
const gaussian = fitGaussianMixture(trainCodes, 1, { seed: 0 });
rows.push(await score('gaussian', sampleGaussianMixture(gaussian, N, 0), gaussian));
for (const K of kArg.split(',').filter(Boolean).map(Number)) {
  const gmm = fitGaussianMixture(trainCodes, K, { seed: 0 });
  rows.push(await score(`gmm-${K}`, sampleGaussianMixture(gmm, N, 0), gmm));
}
const pick = familyIndices('train', trainCodes.length)
  .map((_, k) => k)
  .filter((k) => k % Math.floor(trainCodes.length / N) === 0)
  .slice(0, N);
rows.push(
  await score(
    'train codes',
    pick.map((k) => trainCodes[k]),
  ),
);
model.dispose();
console.log(`\n${family}: N = ${N} vs the ${split} split; priors fitted on ${trainCodes.length} train codes; log-lik = mean over 256 val codes\n`);
console.log('| prior | COV-CD ↑ | MMD-CD ↓ (×10³) | 1-NNA-CD (50 % ideal) | val log-lik ↑ |');
console.log('|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.name} | ${(100 * r.cov).toFixed(1)} % | ${(1000 * r.mmd).toFixed(2)} | ${(100 * r.nna).toFixed(1)} % | ${Number.isNaN(r.ll) ? '—' : r.ll.toFixed(1)} |`,
  );
