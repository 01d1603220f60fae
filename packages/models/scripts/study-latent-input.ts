/**
 * Which labelled points should q(z | p, o) see at inference? Training feeds it the batch's query points
 * (`pointsPerShape`, `nearFraction` of them near the surface); encodeShape feeds `inputPoints` uniform points.
 * Scores the val reconstruction IoU (posterior mean, τ 0.5, on 8000 uniform points) of four choices on the first
 * `count` val chairs. Its result (chair-vae, 24 chairs: uniform 2048 0.416, uniform 512 0.289, half near 512 0.452,
 * half near 2048 0.445) made `encodeShape` feed half near-surface points.
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/study-latent-input.ts <model dir> [count=24]
 */
import type { TriangleMesh } from '@onet/io';
import { OccupancyNetwork } from '@onet/model';
import { loadModel } from '@onet/model/node';
import { selectBackend } from '@onet/nn';
import { contains, familyIndices, normalizeMesh, sampleNearSurface, sampleUniformPoints, shapeFamily } from '@onet/sampling';

const [dir, nArg = '24'] = process.argv.slice(2);
await selectBackend('wasm');
const model = (await loadModel(dir)).model as OccupancyNetwork;
const variants: Record<string, (mesh: TriangleMesh, seed: number) => Float32Array> = {
  'uniform 2048': (_m, seed) => sampleUniformPoints(2048, { seed, padding: 0.1 }),
  'uniform 512': (_m, seed) => sampleUniformPoints(512, { seed, padding: 0.1 }),
  'half near 512': (m, seed) => {
    const a = new Float32Array(1536);
    a.set(sampleNearSurface(m, 256, { seed, sigma: 0.01 }));
    a.set(sampleUniformPoints(256, { seed: seed + 1, padding: 0.1 }), 768);
    return a;
  },
  'half near 2048': (m, seed) => {
    const a = new Float32Array(6144);
    a.set(sampleNearSurface(m, 1024, { seed, sigma: 0.01 }));
    a.set(sampleUniformPoints(1024, { seed: seed + 1, padding: 0.1 }), 3072);
    return a;
  },
};
const iou: Record<string, number[]> = {};
for (const i of familyIndices('val', Number(nArg))) {
  const mesh = normalizeMesh(shapeFamily('chair', i).mesh).mesh;
  const q = sampleUniformPoints(8000, { seed: 30_000 + i, padding: 0.1 });
  const gt = contains(mesh, q);
  for (const [name, f] of Object.entries(variants)) {
    const p = f(mesh, 40_000 + i);
    const shape = model.decodeLatent(model.encodeLatent(p, contains(mesh, p)));
    const logits = await shape.logits(q);
    shape.dispose();
    let inter = 0,
      union = 0;
    for (let k = 0; k < 8000; k++) {
      const a = logits[k] >= 0,
        b = gt[k] === 1;
      if (a && b) inter++;
      if (a || b) union++;
    }
    (iou[name] ??= []).push(inter / union);
  }
}
for (const [k, v] of Object.entries(iou)) console.log(`${k}: mean val reconstruction IoU ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(4)}`);
