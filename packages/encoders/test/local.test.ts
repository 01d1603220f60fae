import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { seedInit, registerFastMatMulGradient } from '@onet/nn';
import { LocalPoolPointnet, UNet2d, Conv2d, UNet3d, Conv3d, ConvTranspose3d } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Gradients of `loss` w.r.t. every trainable variable of the encoder `make()` builds, on cpu and then on wasm
 * (same seeds): values agree, gradients agree to 1e-3 relative, every variable has a gradient path (variableGrads
 * silently drops the others) and some gradient is non-zero.
 */
async function expectSameGradientsOnWasm(make: () => LocalPoolPointnet, loss: (enc: LocalPoolPointnet) => tf.Scalar): Promise<void> {
  const run = () => {
    const enc = make();
    const { value, grads } = tf.variableGrads(() => loss(enc), enc.trainableVariables());
    expect(Object.keys(grads).length).toBe(enc.trainableVariables().length);
    const out = { value: value.dataSync()[0], g: Object.values(grads).flatMap((t) => Array.from(t.dataSync())) };
    enc.dispose();
    return out;
  };
  const cpu = run();
  await tf.setBackend('wasm');
  registerFastMatMulGradient();
  try {
    const wasm = run();
    expect(wasm.value).toBeCloseTo(cpu.value, 3);
    let worst = 0;
    for (let i = 0; i < cpu.g.length; i++) worst = Math.max(worst, Math.abs(cpu.g[i] - wasm.g[i]) / (1 + Math.abs(cpu.g[i])));
    expect(worst).toBeLessThan(1e-3);
    expect(cpu.g.some((v) => v !== 0)).toBe(true);
  } finally {
    await tf.setBackend('cpu');
  }
}

describe('Conv2d', () => {
  it('imports a PyTorch [out, in, 3, 3] weight and matches tf.conv2d with the HWIO kernel', () => {
    const conv = new Conv2d(2, 3, 3);
    const ref = new Float32Array(3 * 2 * 9).map((_, i) => Math.sin(i));
    conv.loadStateDict(new Map([['weight', { data: ref, shape: [3, 2, 3, 3] }], ['bias', { data: new Float32Array([0.1, 0.2, 0.3]), shape: [3] }]]));
    // HWIO[ky,kx,ci,co] = ref[co,ci,ky,kx]
    const hwio = new Float32Array(9 * 2 * 3);
    for (let co = 0; co < 3; co++) for (let ci = 0; ci < 2; ci++) for (let k = 0; k < 9; k++) hwio[(k * 2 + ci) * 3 + co] = ref[(co * 2 + ci) * 9 + k];
    const x = tf.randomNormal([1, 4, 5, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    const want = tf.add(tf.conv2d(x, tf.tensor4d(hwio, [3, 3, 2, 3]), 1, 'same'), tf.tensor1d([0.1, 0.2, 0.3])).dataSync();
    const got = conv.apply(x).dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
    // and round-trips to the reference layout
    const back = conv.stateDict().get('weight')!;
    expect(back.shape).toEqual([3, 2, 3, 3]);
    expect(Array.from(back.data).every((v, i) => Math.abs(v - ref[i]) < 1e-6)).toBe(true);
  });
});

describe('UNet2d', () => {
  it('has the reference key names and keeps [B, H, W, C]', () => {
    const u = new UNet2d(8, { depth: 3, startFilters: 4 });
    const keys = [...u.stateDict().keys()];
    expect(keys).toContain('down_convs.0.conv1.weight');
    expect(keys).toContain('down_convs.2.conv2.bias');
    expect(keys).toContain('up_convs.1.upconv.weight');
    expect(keys).toContain('conv_final.weight');
    expect(u.stateDict().get('up_convs.0.upconv.weight')!.shape).toEqual([16, 8, 2, 2]);
    expect(u.stateDict().get('up_convs.0.conv1.weight')!.shape).toEqual([8, 16, 3, 3]);
    expect(u.stateDict().get('conv_final.weight')!.shape).toEqual([8, 4, 1, 1]);
    const y = u.apply(tf.randomNormal([2, 8, 8, 8]) as tf.Tensor4D);
    expect(y.shape).toEqual([2, 8, 8, 8]);
  });
});

describe('LocalPoolPointnet', () => {
  it('maps [B, N, 3] to three [B, R, R, C] planes, empty cells are zero without a U-Net, no leaks', () => {
    seedInit(3);
    const enc = new LocalPoolPointnet({ cDim: 4, hidden: 8, planeResolution: 8, unet: false });
    // one point at the centre: only cell (4, 4) of every plane is non-zero
    const f = enc.apply(tf.tensor3d([0, 0, 0], [1, 1, 3]));
    for (const plane of ['xz', 'xy', 'yz'] as const) {
      const t = f[plane]!;
      expect(t.shape).toEqual([1, 8, 8, 4]);
      const d = t.dataSync();
      for (let cell = 0; cell < 64; cell++) {
        const nonzero = [0, 1, 2, 3].some((c) => d[cell * 4 + c] !== 0);
        if (cell !== 4 * 8 + 4) expect(nonzero).toBe(false);
      }
      t.dispose();
    }
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const g = enc.apply(tf.tidy(() => tf.randomUniform([2, 50, 3], -0.5, 0.5)) as tf.Tensor3D);
      for (const t of Object.values(g)) t!.dispose();
    }
    expect(tf.memory().numTensors).toBeLessThanOrEqual(n0 + 3); // only the three random inputs remain
  });

  it('is permutation invariant and its keys follow CON (fc_pos, blocks.i, fc_c, unet.*)', () => {
    seedInit(4);
    const enc = new LocalPoolPointnet({ cDim: 4, hidden: 8, planeResolution: 8, unet: { depth: 2, startFilters: 4 } });
    const keys = [...enc.stateDict().keys()];
    expect(keys.slice(0, 2)).toEqual(['fc_pos.weight', 'fc_pos.bias']);
    expect(keys).toContain('blocks.4.shortcut.weight');
    expect(keys).toContain('fc_c.weight');
    expect(keys).toContain('unet.down_convs.1.conv2.weight');
    const pts = [0.1, 0.2, -0.3, -0.4, 0.0, 0.25, 0.3, -0.1, 0.05];
    const perm = [0.3, -0.1, 0.05, 0.1, 0.2, -0.3, -0.4, 0.0, 0.25];
    const a = enc.apply(tf.tensor3d(pts, [1, 3, 3])).xy!.dataSync();
    const b = enc.apply(tf.tensor3d(perm, [1, 3, 3])).xy!.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });

  it('gradients agree between wasm and cpu', async () => {
    const x = tf.randomUniform([2, 20, 3], -0.5, 0.5, 'float32', 11) as tf.Tensor3D;
    const w = tf.randomNormal([2, 4, 4, 4], 0, 1, 'float32', 12);
    await expectSameGradientsOnWasm(
      () => {
        seedInit(9);
        return new LocalPoolPointnet({ cDim: 4, hidden: 8, planeResolution: 4, unet: { depth: 2, startFilters: 4 } });
      },
      (enc) => tf.sum(tf.mul(enc.apply(x).xz!, w)) as tf.Scalar,
    );
  });
});

describe('Conv3d / UNet3d', () => {
  it('Conv3d imports a PyTorch [out, in, 3, 3, 3] weight, matches tf.conv3d and round-trips', () => {
    const conv = new Conv3d(2, 3, 3);
    const ref = new Float32Array(3 * 2 * 27).map((_, i) => Math.cos(i));
    conv.loadStateDict(new Map([['weight', { data: ref, shape: [3, 2, 3, 3, 3] }], ['bias', { data: new Float32Array([0.1, -0.2, 0.3]), shape: [3] }]]));
    // DHWIO[kz,ky,kx,ci,co] = ref[co,ci,kz,ky,kx]
    const dhwio = new Float32Array(27 * 2 * 3);
    for (let co = 0; co < 3; co++) for (let ci = 0; ci < 2; ci++) for (let k = 0; k < 27; k++) dhwio[(k * 2 + ci) * 3 + co] = ref[(co * 2 + ci) * 27 + k];
    const x = tf.randomNormal([1, 3, 4, 5, 2], 0, 1, 'float32', 3) as tf.Tensor5D;
    const want = tf.add(tf.conv3d(x, tf.tensor5d(dhwio, [3, 3, 3, 2, 3]), 1, 'same'), tf.tensor1d([0.1, -0.2, 0.3])).dataSync();
    const got = conv.apply(x).dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
    const back = conv.stateDict().get('weight')!;
    expect(back.shape).toEqual([3, 2, 3, 3, 3]);
    expect(Array.from(back.data).every((v, i) => Math.abs(v - ref[i]) < 1e-6)).toBe(true);
  });

  it('ConvTranspose3d imports a PyTorch [in, out, 2, 2, 2] weight: tap (a, b, c) lands at voxel (2z+a, 2y+b, 2x+c)', () => {
    const up = new ConvTranspose3d(1, 2);
    const ref = new Float32Array(16).map((_, i) => i + 1); // [in 1, out 2, a, b, c]
    up.loadStateDict(new Map([['weight', { data: ref, shape: [1, 2, 2, 2, 2] }], ['bias', { data: new Float32Array([0, 100]), shape: [2] }]]));
    const y = up.apply(tf.ones([1, 1, 1, 1, 1]) as tf.Tensor5D).dataSync(); // [1, 2, 2, 2, 2]
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 2; c++) for (let o = 0; o < 2; o++) {
      expect(y[((a * 2 + b) * 2 + c) * 2 + o]).toBe(ref[o * 8 + a * 4 + b * 2 + c] + 100 * o);
    }
    const back = up.stateDict().get('weight')!;
    expect(back.shape).toEqual([1, 2, 2, 2, 2]);
    expect(Array.from(back.data)).toEqual(Array.from(ref));
  });

  it('UNet2d rejects a side not divisible by 2^(depth−1) instead of flooring it in the max-pool', () => {
    expect(() => new UNet2d(4, { depth: 3, startFilters: 2 }).apply(tf.zeros([1, 6, 6, 4]) as tf.Tensor4D)).toThrow(/divisible/);
  });

  it('UNet3d keeps [B, R, R, R, C], names its layers like UNet2d, rejects a side not divisible by 2^(levels−1)', () => {
    const u = new UNet3d(4, { levels: 2, startFilters: 2 });
    const sd = u.stateDict();
    expect(sd.get('down_convs.0.conv1.weight')!.shape).toEqual([2, 4, 3, 3, 3]);
    expect(sd.get('up_convs.0.upconv.weight')!.shape).toEqual([4, 2, 2, 2, 2]);
    expect(sd.get('up_convs.0.conv1.weight')!.shape).toEqual([2, 4, 3, 3, 3]);
    expect(sd.get('conv_final.weight')!.shape).toEqual([4, 2, 1, 1, 1]);
    expect(u.apply(tf.randomNormal([2, 4, 4, 4, 4]) as tf.Tensor5D).shape).toEqual([2, 4, 4, 4, 4]);
    expect(() => u.apply(tf.zeros([1, 3, 3, 3, 4]) as tf.Tensor5D)).toThrow(RangeError);
  });
});

describe('LocalPoolPointnet with a feature grid', () => {
  it('scatters into cell x + G·(y + G·z) of a [B, G, G, G, C] grid, no planes when none asked, no leaks', () => {
    seedInit(13);
    const enc = new LocalPoolPointnet({ cDim: 3, hidden: 8, planes: [], gridResolution: 4, unet3d: false });
    expect([...enc.stateDict().keys()].some((k) => k.startsWith('unet'))).toBe(false);
    // p = (0.3, −0.3, 0): normalised (0.772, 0.228, 0.5) → cell (3, 0, 2)
    const f = enc.apply(tf.tensor3d([0.3, -0.3, 0], [1, 1, 3]));
    expect(Object.keys(f)).toEqual(['grid']);
    expect(f.grid!.shape).toEqual([1, 4, 4, 4, 3]);
    const d = f.grid!.dataSync();
    const hit = 3 + 4 * (0 + 4 * 2);
    for (let cell = 0; cell < 64; cell++) {
      const nonzero = [0, 1, 2].some((c) => d[cell * 3 + c] !== 0);
      expect(nonzero).toBe(cell === hit);
    }
    f.grid!.dispose();
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const g = enc.apply(tf.tidy(() => tf.randomUniform([2, 30, 3], -0.5, 0.5)) as tf.Tensor3D);
      for (const t of Object.values(g)) t!.dispose();
    }
    expect(tf.memory().numTensors).toBeLessThanOrEqual(n0 + 3);
    expect(() => new LocalPoolPointnet({ planes: [], gridResolution: 0 })).toThrow(RangeError);
    expect(() => new LocalPoolPointnet({ planes: [], gridResolution: 6, unet3d: { levels: 3 } })).toThrow(/divisible/);
  });

  it('grid + U-Net gradients agree between wasm and cpu', async () => {
    const x = tf.randomUniform([2, 20, 3], -0.5, 0.5, 'float32', 11) as tf.Tensor3D;
    const w = tf.randomNormal([2, 4, 4, 4, 4], 0, 1, 'float32', 12);
    await expectSameGradientsOnWasm(
      () => {
        seedInit(10);
        return new LocalPoolPointnet({ cDim: 4, hidden: 8, planes: ['xy'], planeResolution: 4, unet: false, gridResolution: 4, unet3d: { levels: 2, startFilters: 2 } });
      },
      (enc) => {
        const f = enc.apply(x);
        return tf.add(tf.sum(tf.mul(f.grid!, w)), tf.sum(f.xy!)) as tf.Scalar;
      },
    );
  });
});
