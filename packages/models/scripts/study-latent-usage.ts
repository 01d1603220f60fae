/**
 * Does the decoder of a vae model use its code? (issue #21.) For the first `count` training shapes of a family:
 * 1. the posterior q(z | p, o) per latent dimension: the spread of the means across shapes against the mean posterior
 *    σ (a ratio ≫ 1: the code carries the shape; ≈ 1: posterior collapse), from `encodeShape`'s points (half near);
 * 2. the spread of the decoded shapes: mean pairwise Chamfer distance (`chamferDistanceMatrix`, 1024 surface points,
 *    each mesh normalised) among the reconstructions (posterior mean, MISE 32 + 2 steps, the model's τ) against the
 *    same among the true shapes. A ratio ≪ 1: the decoder draws one chair for every code.
 * With an output folder, writes `gI.ply` (true) and `rI.ply` (reconstruction) for `render-grid.ts`.
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/study-latent-usage.ts \
 *     <model dir> [family=chair] [count=32] [out dir]
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir } from 'node:fs/promises';
import { writeMesh } from '@onet/io/node';
import { chamferDistanceMatrix, type DistanceMatrix } from '@onet/metrics';
import { OccupancyNetwork, decodeShape, encodeShape, ENCODE_SHAPE_DEFAULTS } from '@onet/model';
import { loadModel } from '@onet/model/node';
import { selectBackend } from '@onet/nn';
import { contains, familyIndices, normalizeMesh, sampleNearSurface, sampleSurface, sampleUniformPoints, shapeFamily, type ShapeFamilyName } from '@onet/sampling';

const [dir, family = 'chair', nArg = '32', outDir] = process.argv.slice(2);
if (!dir) throw new Error('usage: study-latent-usage.ts <model dir> [family] [count] [out dir]');
await selectBackend('wasm');
const model = (await loadModel(dir)).model as OccupancyNetwork;
const enc = model.net.encoderLatent;
if (!(model instanceof OccupancyNetwork) || !enc) throw new Error(`${dir} is not a vae model`);
if (outDir) await mkdir(outDir, { recursive: true });

const meanSpread = (m: DistanceMatrix) => {
  let s = 0;
  for (let i = 0; i < m.rows; i++) for (let j = i + 1; j < m.cols; j++) s += m.data[i * m.cols + j];
  return s / ((m.rows * (m.rows - 1)) / 2);
};

const means: Float32Array[] = [];
const sigmas: Float32Array[] = [];
const truth: Float32Array[] = [];
const recon: Float32Array[] = [];
for (const i of familyIndices('train', Number(nArg))) {
  const unit = normalizeMesh(shapeFamily(family as ShapeFamilyName, i).mesh).mesh;
  // encodeShape's points (same seeds): the posterior's σ needs the encoder itself
  const n = model.config.inputPoints;
  const near = Math.round(n * ENCODE_SHAPE_DEFAULTS.nearFraction);
  const pts = new Float32Array(3 * n);
  pts.set(sampleUniformPoints(n - near, { seed: 0, padding: model.config.padding }));
  pts.set(sampleNearSurface(unit, near, { seed: 1, sigma: ENCODE_SHAPE_DEFAULTS.nearSigma }), 3 * (n - near));
  const occ = contains(unit, pts);
  const q = tf.tidy(() => {
    const { mean, logstd } = enc.apply(tf.tensor3d(pts, [1, n, 3]), tf.tensor2d(Float32Array.from(occ), [1, n]));
    return [mean.dataSync() as Float32Array, tf.exp(logstd).dataSync() as Float32Array];
  });
  means.push(q[0]);
  sigmas.push(q[1]);
  const z = encodeShape(model, unit, 0);
  const { mesh } = await decodeShape(model, z, { generation: { resolution0: 32, upsamplingSteps: 2 } });
  truth.push(sampleSurface(unit, 1024, { seed: 10_000 + i }).points);
  recon.push(mesh.indices.length ? sampleSurface(normalizeMesh(mesh).mesh, 1024, { seed: 20_000 + i }).points : new Float32Array(3));
  if (outDir) {
    await writeMesh(`${outDir}/g${i}.ply`, unit);
    await writeMesh(`${outDir}/r${i}.ply`, mesh);
  }
}
const D = means[0].length;
const rows: { d: number; sd: number; sigma: number }[] = [];
for (let d = 0; d < D; d++) {
  const m = means.map((r) => r[d]);
  const mu = m.reduce((a, b) => a + b, 0) / m.length;
  const sd = Math.sqrt(m.reduce((a, b) => a + (b - mu) ** 2, 0) / m.length);
  rows.push({ d, sd, sigma: sigmas.reduce((a, r) => a + r[d], 0) / sigmas.length });
}
rows.sort((a, b) => b.sd / b.sigma - a.sd / a.sigma);
const ratios = rows.map((r) => r.sd / r.sigma);
console.log(`${dir}: ${means.length} training ${family}s, zDim ${D}`);
console.log(`posterior: sd of means / mean σ per dimension: max ${ratios[0].toFixed(1)}, median ${ratios[D >> 1].toFixed(1)}, min ${ratios[D - 1].toFixed(2)}; dimensions with ratio > 3: ${ratios.filter((r) => r > 3).length}`);
for (const r of rows.slice(0, 8)) console.log(`  dim ${r.d}: sd of means ${r.sd.toFixed(3)}, mean σ ${r.sigma.toFixed(4)}`);
const st = meanSpread(chamferDistanceMatrix(truth));
const sr = meanSpread(chamferDistanceMatrix(recon));
console.log(`mean pairwise Chamfer (×10³): true shapes ${(1000 * st).toFixed(2)}, reconstructions ${(1000 * sr).toFixed(2)} (ratio ${(sr / st).toFixed(2)})`);
