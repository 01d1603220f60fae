import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend, seedInit, BatchNorm, Linear } from '@onet/nn';
import { Resnet18Encoder } from '../src/index.js';
import { conv2dValid } from '../src/conv2dGrad.js';

/** max |a − b| and max |b| over two equal-length arrays. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { diff, scale };
}

describe('conv2dValid: conv2d value and gradients that are right on wasm', () => {
  // [H, W, Cin, Cout, stride, k]: the encoders' shapes in miniature (ResNet 7×7/2, 3×3/1, 3×3/2, 1×1/2; the
  // simple conv encoder's 3×3/2 without padding), plus odd sizes, stride 3 and a non-square image
  const configs: [number, number, number, number, number, number][] = [
    [8, 8, 3, 4, 1, 3],
    [9, 9, 5, 6, 2, 3],
    [10, 10, 6, 5, 2, 3],
    [13, 13, 3, 8, 2, 7],
    [10, 10, 8, 8, 2, 1],
    [7, 7, 16, 24, 1, 3],
    [11, 11, 2, 3, 3, 5],
    [9, 12, 4, 4, 2, 3],
  ];
  const inputs = (c: number) => {
    const [h, w, cin, cout, , k] = configs[c];
    return [tf.randomUniform([2, h, w, cin], -1, 1, 'float32', 10 + c) as tf.Tensor4D, tf.randomUniform([k, k, cin, cout], -1, 1, 'float32', 20 + c) as tf.Tensor4D];
  };
  // loss Σ sin(y): a non-constant dy, so every tap's gradient differs
  const run = async (conv: (x: tf.Tensor4D, w: tf.Tensor4D, s: number) => tf.Tensor4D, c: number) => {
    const [x, w] = inputs(c);
    const s = configs[c][4];
    const y = conv(x, w, s);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.sin(conv(a as tf.Tensor4D, b as tf.Tensor4D, s))))([x, w]);
    const out = [(await y.data()) as Float32Array, (await g[0].data()) as Float32Array, (await g[1].data()) as Float32Array];
    tf.dispose([x, w, y, ...g]);
    return out;
  };

  it('value, input and filter gradients equal the cpu backend built-in conv2d, on cpu and wasm', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    const truth: Float32Array[][] = [];
    for (let c = 0; c < configs.length; c++) truth.push(await run((x, w, s) => tf.conv2d(x, w, s, 'valid'), c));
    const worst: Record<string, number> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      expect(await selectBackend(backend)).toBe(backend);
      const before = tf.memory().numTensors;
      for (let c = 0; c < configs.length; c++) {
        const got = await run(conv2dValid, c);
        ['value', 'input', 'filter'].forEach((name, q) => {
          const { diff, scale } = maxDiff(got[q], truth[c][q]);
          expect(scale).toBeGreaterThan(0.1);
          expect(diff, `${backend} ${configs[c]} ${name}`).toBeLessThanOrEqual(2e-5 * scale);
          worst[`${backend} ${name}`] = Math.max(worst[`${backend} ${name}`] ?? 0, diff / scale);
        });
      }
      expect(tf.memory().numTensors).toBe(before);
    }
    console.log('conv2dValid max relative error vs cpu built-in:', worst);
  });
});

/**
 * d(Σ output²)/dθ of a Resnet18Encoder on a 32² batch, by parameter name, on one backend. Eval mode: at 32² the
 * last stage is 1×1, so training-mode BN there normalises 2 values per channel, and its gradient amplifies
 * float rounding by orders of magnitude on any backend; the batch-statistics path is checked on its own below.
 */
async function resnetGrads(backend: 'cpu' | 'wasm') {
  expect(await selectBackend(backend)).toBe(backend);
  seedInit(5);
  const m = new Resnet18Encoder({ cDim: 8 });
  // non-trivial running statistics, so eval-mode BN is not the identity
  tf.tidy(() => {
    for (const [name, b] of m.namedBuffers()) b.assign(name.endsWith('running_mean') ? tf.randomUniform(b.shape, -0.2, 0.2, 'float32', 3) : tf.randomUniform(b.shape, 0.5, 2, 'float32', 4));
  });
  const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 9);
  const params = m.namedParameters();
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.apply(x))) as tf.Scalar, [...params.values()]);
  const res = new Map<string, Float32Array>();
  for (const [name, v] of params) res.set(name, (await grads[v.name].data()) as Float32Array);
  const loss = (await value.data())[0];
  tf.dispose([x, value, ...Object.values(grads)]);
  m.dispose();
  return { res, loss };
}

describe('image encoders train on wasm', () => {
  it('Resnet18Encoder: every parameter gradient on wasm equals the cpu backend (max-pool, relu, mean, BN affine)', async () => {
    const cpu = await resnetGrads('cpu');
    const wasm = await resnetGrads('wasm');
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThanOrEqual(1e-4 * cpu.loss);
    let worst = 0;
    for (const [k, a] of cpu.res) {
      const { diff, scale } = maxDiff(wasm.res.get(k)!, a);
      // BN weights of a final block can be exactly 0-gradient at init in principle; everything else must move
      expect(scale, k).toBeGreaterThan(0);
      expect(diff, k).toBeLessThanOrEqual(1e-4 * scale);
      worst = Math.max(worst, diff / scale);
    }
    console.log('Resnet18Encoder wasm vs cpu gradients, max relative error:', worst.toExponential(2));
  });

  it('training-mode BatchNorm + ReLU + padded max-pool + mean (the ResNet stem): wasm gradients equal cpu', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      expect(await selectBackend(backend)).toBe(backend);
      seedInit(6);
      const bn = new BatchNorm(6);
      bn.train();
      const x = tf.randomNormal([3, 9, 9, 6], 0, 1, 'float32', 12);
      const loss = (a: tf.Tensor) => {
        const h = tf.relu(bn.apply(a)) as tf.Tensor4D;
        const p = tf.maxPool(tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, 'valid');
        return tf.sum(tf.sin(tf.mul(tf.mean(p, [1, 2]), 3))) as tf.Scalar;
      };
      const { grads } = tf.variableGrads(() => loss(x), [bn.weight!, bn.bias!]);
      const dx = tf.grad(loss)(x);
      const out = [(await dx.data()) as Float32Array, (await grads[bn.weight!.name].data()) as Float32Array, (await grads[bn.bias!.name].data()) as Float32Array];
      tf.dispose([x, dx, ...Object.values(grads)]);
      bn.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    ['input', 'bn weight', 'bn bias'].forEach((name, q) => {
      const { diff, scale } = maxDiff(wasm[q], cpu[q]);
      expect(scale, name).toBeGreaterThan(0.01);
      expect(diff, name).toBeLessThanOrEqual(1e-5 * scale);
    });
  });

  it('a few Adam steps of Resnet18Encoder + a small occupancy decoder on wasm lower the loss', async () => {
    // disc images of four radii; points in the image plane are occupied inside the disc
    expect(await selectBackend('wasm')).toBe('wasm');
    seedInit(7);
    const enc = new Resnet18Encoder({ cDim: 16 });
    const fc0 = new Linear(2 + 16, 32);
    const fc1 = new Linear(32, 1);
    enc.train();
    const radii = [0.25, 0.45, 0.65, 0.85];
    const { images, points, occ } = tf.tidy(() => {
      const lin = tf.linspace(-1, 1, 32);
      const r2 = tf.add(tf.square(tf.reshape(lin, [32, 1])), tf.square(tf.reshape(lin, [1, 32])));
      const imgs = tf.stack(radii.map((r) => tf.tile(tf.expandDims(tf.cast(tf.less(r2, r * r), 'float32'), 2), [1, 1, 3])));
      const pts = tf.randomUniform([4, 64, 2], -1, 1, 'float32', 13);
      const o = tf.cast(tf.less(tf.sum(tf.square(pts), 2), tf.reshape(tf.square(tf.tensor1d(radii)), [4, 1])), 'float32');
      return { images: imgs, points: pts, occ: o };
    });
    const params = [...enc.namedParameters().values(), ...fc0.namedParameters().values(), ...fc1.namedParameters().values()];
    const lossFn = () =>
      tf.tidy(() => {
        const c = enc.apply(images); // [4, 16]
        const h = tf.concat([points, tf.tile(tf.expandDims(c, 1), [1, 64, 1])], 2);
        const logits = tf.squeeze(fc1.apply(tf.relu(fc0.apply(h))), [2]);
        return tf.losses.sigmoidCrossEntropy(occ, logits) as tf.Scalar;
      });
    const opt = tf.train.adam(1e-3);
    const losses: number[] = [];
    for (let step = 0; step < 12; step++) {
      const l = opt.minimize(lossFn, true, params)!;
      losses.push((await l.data())[0]);
      l.dispose();
    }
    console.log('Resnet18Encoder + decoder on wasm, Adam losses:', losses.map((v) => v.toFixed(4)).join(' '));
    for (const v of losses) expect(Number.isFinite(v)).toBe(true);
    // the decoder alone could reach the prior's entropy; the codes must carry the radius to go well below it
    expect(losses[losses.length - 1]).toBeLessThan(0.6 * losses[0]);
    opt.dispose();
    tf.dispose([images, points, occ]);
    enc.dispose();
    fc0.dispose();
    fc1.dispose();
  });
});
