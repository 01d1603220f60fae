/**
 * Milliseconds per training step of image models on wasm, per candidate encoder, to plan a training run
 * (issue 20). Synthetic data: procedural shapes fitted in the radius-½ sphere, rendered from seeded views at the
 * model's image size; steps run as `onet train` runs them (`threads` 1: `trainStep`, 2: main thread + one gradient
 * worker, `trainStepParallel`), and the encoder's own forward + backward on one batch (one thread). Prints warm-step
 * medians; the first steps (JIT, wasm heap growth) are dropped. State the machine's load beside any number quoted.
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/bench-image-step.ts \
 *     [imageSize=64] [batch=16] [points=1024] [threads=2] [steps=4] [encoders=simple-conv,simple-conv-half,resnet18]
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { OccupancyNetwork, type ModelConfig } from '@onet/model';
import { Trainer, sampleShape, proceduralShape, fitInSphere, type ShapeSamples } from '@onet/train';
import { ensureNodeGradients, createGradientWorkers } from '@onet/train/node';
import { renderMesh, randomView } from '@onet/render';

const [sizeArg = '64', batchArg = '16', pointsArg = '1024', threadsArg = '2', stepsArg = '4', encArg = 'simple-conv,simple-conv-half,resnet18'] = process.argv.slice(2);
const S = Number(sizeArg);
const B = Number(batchArg);
const T = Number(pointsArg);
const threads = Number(threadsArg);
const steps = Number(stepsArg);

const ENCODERS: Record<string, Partial<ModelConfig>> = {
  'simple-conv': { imageEncoder: 'simple-conv' },
  'simple-conv-half': { imageEncoder: 'simple-conv', imageEncoderWidths: [16, 32, 64, 128, 256] },
  resnet18: { imageEncoder: 'resnet18' },
};

await selectBackend('wasm');
await ensureNodeGradients();
const shapes: ShapeSamples[] = [];
for (let i = 0; i < 8; i++) {
  const mesh = fitInSphere(proceduralShape(i + 1).mesh);
  const views = 4;
  const images = new Uint8Array(views * S * S * 3);
  const rotations = new Float32Array(views * 9);
  for (let v = 0; v < views; v++) {
    const cam = randomView(100 * i + v, { width: S, height: S, fovDeg: 30 });
    images.set(renderMesh(mesh, cam).rgb, v * S * S * 3);
    rotations.set(cam.rotation, 9 * v);
  }
  shapes.push({ ...sampleShape(`proc${i}`, mesh, { surfacePoints: 100, uniformPoints: 20_000, nearPoints: 5000, seed: i }), views: { size: S, images, rotations } });
}
console.log(`image ${S}², batch ${B}, ${T} points/shape, wasm, ${threads} thread(s), cDim 256, CBN decoder hidden 256`);
for (const name of encArg.split(',')) {
  const config: ModelConfig = { kind: 'onet', input: 'image', imageSize: S, inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 256, encoderHidden: 256, decoderHidden: 256, ...ENCODERS[name] };
  const model = OccupancyNetwork.fromConfig(config, 1);
  const encParams = model.net.encoder!.parameterCount();
  const trainer = new Trainer(model, shapes, { batchSize: B, pointsPerShape: T, lr: 1e-4, seed: 1 });
  // the encoder alone: forward + backward of Σ c² on one batch of images, one thread
  const images = tf.tensor4d(Float32Array.from(shapes[0].views!.images.subarray(0, S * S * 3)).map((v) => v / 255), [1, S, S, 3]);
  const batch = tf.tile(images, [B, 1, 1, 1]);
  const encVars = model.net.encoder!.trainableVariables();
  const encTimes: number[] = [];
  model.net.train();
  for (let k = 0; k < steps + 1; k++) {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.net.encode(batch) as tf.Tensor)) as tf.Scalar, encVars);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
    if (k >= 1) encTimes.push(performance.now() - t0);
  }
  model.net.eval();
  tf.dispose([images, batch]);
  encTimes.sort((a, b) => a - b);
  const pool = threads > 1 ? await createGradientWorkers(config, threads - 1) : null;
  const times: number[] = [];
  for (let k = 0; k < steps + 2; k++) {
    const t0 = performance.now();
    if (pool) await trainer.trainStepParallel(pool);
    else trainer.trainStep();
    if (k >= 2) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(17)} encoder ${(encParams / 1e6).toFixed(2)}M params: ${times[Math.floor(times.length / 2)].toFixed(0)} ms/step (median of ${times.length}; min ${times[0].toFixed(0)}); encoder alone fwd+bwd ${encTimes[Math.floor(encTimes.length / 2)].toFixed(0)} ms (1 thread)`,
  );
  await pool?.close();
  trainer.dispose();
  model.dispose();
  if (tf.memory().numTensors > 50) console.log(`(tensors alive: ${tf.memory().numTensors})`);
}
