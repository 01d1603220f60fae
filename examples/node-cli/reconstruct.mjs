// Reconstruct a watertight mesh from a point cloud (or from noisy points drawn on a mesh) with the
// shipped Occupancy Network, then score it. Copy this file next to your data and adapt.
//
//   npm run build            # once, at the repository root (builds dist/ of every package)
//   node reconstruct.mjs [input.ply|.xyz|.npz|.off|.obj] [out.ply]
//
// Without arguments it uses the Stanford bunny from the npm package `bunny`.
import { createRequire } from 'node:module';
import { selectNodeBackend } from '@onet/nn/node'; // picks webgpu (real GPU) → wasm → cpu and says which one runs
import {
  loadModel, // reads a model folder: model.json + weights.bin, or an ensemble of member folders
  readInput, // a point cloud or a mesh, by extension
  writeMeshFile, // .ply / .obj / .off / .glb by extension
} from '@onet/model/node';
import { reconstruct, reconstructFromMesh, evaluateMeshes } from '@onet/model';
import { modelDir } from '@onet/models'; // the shipped models' folders

/** The Stanford bunny of the npm package `bunny` as a TriangleMesh. */
function loadBunny() {
  const bunny = createRequire(import.meta.url)('bunny');
  return { positions: new Float32Array(bunny.positions.flat()), indices: new Uint32Array(bunny.cells.flat()) };
}

const [inputPath, outPath = 'reconstruction.ply'] = process.argv.slice(2);

// 1. Backend: always print what actually runs (a software WebGPU adapter is skipped: wasm is faster).
const backend = await selectNodeBackend('auto');
console.log(backend.message);

// 2. Model: the shipped default. `allowFresh` falls back to an untrained model if weights are missing.
const { model, message } = await loadModel(modelDir('default'), { allowFresh: true });
console.log(message);

// 3. Input: a point cloud is normalised into the model's unit cube and mapped back afterwards; from a
//    mesh, noisy surface points are drawn as the paper's experiments do (as many as the model was trained
//    with, `model.config.inputPoints`, with σ = `model.config.noiseStd`).
const data = inputPath ? await readInput(inputPath) : { kind: 'mesh', mesh: loadBunny() };
const result =
  data.kind === 'mesh'
    ? await reconstructFromMesh(model, data.mesh, { seed: 0 })
    : await reconstruct(model, data.cloud.points, { resolution0: 32, upsamplingSteps: 2 }); // τ: the model's own
const { stats } = result;
console.log(`${stats.vertices} vertices, ${stats.faces} faces at τ ${stats.threshold}; ${stats.evaluations} network evaluations in ${(stats.timeMs.total / 1000).toFixed(1)} s`);

// 4. Metrics against the mesh the points came from (IoU, Chamfer-L1, normal consistency, F-score@0.01).
if (data.kind === 'mesh') {
  const m = evaluateMeshes(result.mesh, data.mesh, { points: 20_000 });
  console.log(`IoU ${m.iou.toFixed(3)}, Chamfer-L1 ${m.chamferL1.toFixed(4)}, normal consistency ${m.normalConsistency.toFixed(3)}, F-score@0.01 ${m.fscore.toFixed(3)}`);
}

// 5. Write the mesh and free the network's tensors.
await writeMeshFile(outPath, result.mesh);
console.log(`wrote ${outPath}`);
model.dispose();
