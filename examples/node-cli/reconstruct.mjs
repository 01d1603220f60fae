// Reconstruct a watertight mesh from a point cloud (or from noisy points drawn on a mesh) with the
// shipped Occupancy Network, then score it. Copy this file next to your data and adapt.
//
//   npm run build            # once, at the repository root (builds dist/ of every package)
//   node reconstruct.mjs [input.ply|.xyz|.npz|.off|.obj] [out.ply]
//
// Without arguments it uses the Stanford bunny from the npm package `bunny`.
import {
  selectNodeBackend, // picks webgpu (real GPU) → wasm → cpu and says which one runs
  loadModel, // reads model.json + weights.bin (default: packages/pipeline/models/default)
  readInput, // a point cloud or a mesh, by extension
  writeMeshFile, // .ply / .obj / .off / .glb by extension
  loadBunny,
  formatStats,
  formatMetrics,
} from '@onet/pipeline/node';
import { reconstruct, reconstructFromMesh, evaluateMeshes } from '@onet/pipeline';

const [inputPath, outPath = 'reconstruction.ply'] = process.argv.slice(2);

// 1. Backend: always print what actually runs (a software WebGPU adapter is skipped: wasm is faster).
const backend = await selectNodeBackend('auto');
console.log(backend.message);

// 2. Model: the shipped default. `allowFresh` falls back to an untrained model if weights are missing.
const { model, message } = await loadModel(undefined, { allowFresh: true });
console.log(message);

// 3. Input: a point cloud is normalised into the model's unit cube and mapped back afterwards; from a
//    mesh, noisy surface points are drawn as the paper's experiments do (as many as the model was trained
//    with, `model.config.inputPoints`, with σ = `model.config.noiseStd`).
const data = inputPath ? await readInput(inputPath) : { kind: 'mesh', mesh: loadBunny() };
const result =
  data.kind === 'mesh'
    ? await reconstructFromMesh(model, data.mesh, { seed: 0 })
    : await reconstruct(model, data.cloud.points, { resolution0: 32, upsamplingSteps: 2 }); // τ: the model's own
console.log(formatStats(result.stats));

// 4. Metrics against the mesh the points came from (IoU, Chamfer-L1, normal consistency, F-score@0.01).
if (data.kind === 'mesh') console.log(formatMetrics(evaluateMeshes(result.mesh, data.mesh, { points: 20_000 })));

// 5. Write the mesh and free the network's tensors.
await writeMeshFile(outPath, result.mesh);
console.log(`wrote ${outPath}`);
model.dispose();
