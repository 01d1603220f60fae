import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '@onet/nn';
import { initNodeWebGPU } from '@onet/nn/node';
import { DecoderCBatchNorm, bceWithLogitsLoss, foldForInference } from '../src/index.js';
import { fixture, tensorOf, maxDiff, DECODER_EVAL_CASES, loadEvalCase } from './helpers.js';

// Dawn + SwiftShader (Chromium's Vulkan ICD) in Node: installed here and in CI. Skip only without an adapter.
const hasAdapter = await initNodeWebGPU();
if (!hasAdapter) console.warn('webgpu parity SKIPPED: no WebGPU adapter (install chromium + libvulkan1 for SwiftShader, see TOOLCHAIN.md)');

describe.skipIf(!hasAdapter)('decoder parity (webgpu, small fixtures)', () => {
  beforeAll(async () => {
    expect(await selectBackend('webgpu')).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
  });

  const cases = DECODER_EVAL_CASES.filter((cs) => cs.name !== 'decoder_cbn_c512_h256'); // small fixtures only
  for (const cs of cases) {
    it(`${cs.name}: eval-mode logits within 1e-4, folded too`, async () => {
      expect(tf.getBackend()).toBe('webgpu');
      const { fx, dec, p, z, c } = loadEvalCase(cs);
      const logits = dec.apply(p, z, c);
      const want = fx.get('output/logits')!.data;
      expect(maxDiff(await logits.data(), want).abs).toBeLessThanOrEqual(1e-4);
      // fold the first shape of the batch and compare on its points
      const c0 = c ? tf.slice(c, [0, 0], [1, -1]) : null;
      const z0 = z ? tf.slice(z, [0, 0], [1, -1]) : null;
      const folded = await foldForInference(dec as DecoderCBatchNorm, c0, z0);
      const p0 = tf.slice(p, [0, 0, 0], [1, -1, -1]);
      const f = folded.apply(p0);
      const t = p.shape[1];
      expect(maxDiff(await f.data(), Array.from(want).slice(0, t)).abs).toBeLessThanOrEqual(1e-4);
      tf.dispose([logits, p, z, c, c0, z0, p0, f].filter(Boolean) as tf.Tensor[]);
      folded.dispose();
      dec.dispose();
    });
  }

  it('decoder_cbn_c32_h16_train: loss, gradients and running stats to 1e-4 relative', async () => {
    const fx = fixture('decoder_cbn_c32_h16_train');
    const dec = new DecoderCBatchNorm({ cDim: 32, hidden: 16 });
    dec.loadStateDict(fx, { prefix: 'param/' });
    dec.train();
    const p = tensorOf(fx, 'input/p');
    const c = tensorOf(fx, 'input/c');
    const occ = tensorOf(fx, 'input/occ');
    const params = dec.namedParameters();
    const { value, grads } = tf.variableGrads(() => bceWithLogitsLoss(dec.apply(p, null, c), occ), [...params.values()]);
    const rel = (got: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
      const d = maxDiff(got, want);
      expect(d.abs, what).toBeLessThanOrEqual(1e-4 * Math.max(d.scale, 1e-3));
    };
    rel(await value.data(), fx.get('output/loss')!.data, 'loss');
    for (const [name, v] of params) {
      if (/^(fc_p|block\d\.fc_[01])\.bias$/.test(name)) continue; // analytically zero (see parity.test.ts)
      const g = grads[v.name];
      const ours = g.rank === 2 ? tf.transpose(g) : tf.clone(g);
      rel(await ours.data(), fx.get(`grad/${name}`)!.data, `grad ${name}`);
      ours.dispose();
    }
    for (const [name, v] of dec.namedBuffers()) rel(await v.data(), fx.get(`after/${name}`)!.data, `after ${name}`);
    tf.dispose([value, p, c, occ, ...Object.values(grads)]);
    dec.dispose();
  });
});
