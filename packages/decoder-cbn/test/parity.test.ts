import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describeEachBackend } from '@onet/test-utils/backends';
import { DecoderCBatchNorm, bceWithLogitsLoss } from '../src/index.js';
import { fixture, tensorOf, maxDiff, DECODER_EVAL_CASES, checkEvalCase } from './helpers.js';

describeEachBackend('decoder parity', (backend) => {
  for (const cs of DECODER_EVAL_CASES) {
    it(`${cs.name}: eval-mode logits within 1e-4 of the reference, folded too`, async () => {
      expect(tf.getBackend()).toBe(backend);
      await checkEvalCase(cs);
    });
  }

  it('decoder_cbn_c32_h16_train: train-mode logits, loss, every gradient and running stats to 1e-4 relative', async () => {
    expect(tf.getBackend()).toBe(backend);
    const fx = fixture('decoder_cbn_c32_h16_train');
    const dec = new DecoderCBatchNorm({ cDim: 32, hidden: 16 });
    dec.loadStateDict(fx, { prefix: 'param/', strict: true });
    dec.train();
    const p = tensorOf(fx, 'input/p');
    const c = tensorOf(fx, 'input/c');
    const occ = tensorOf(fx, 'input/occ');
    const params = dec.namedParameters();
    let logitsOut: tf.Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const logits = dec.apply(p, null, c);
      logitsOut = tf.keep(tf.clone(logits));
      return bceWithLogitsLoss(logits, occ);
    }, [...params.values()]);
    const rel = (got: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
      const d = maxDiff(got, want);
      expect(d.abs, what).toBeLessThanOrEqual(1e-4 * Math.max(d.scale, 1e-3));
    };
    rel(await logitsOut!.data(), fx.get('output/logits')!.data, 'logits');
    rel(await value.data(), fx.get('output/loss')!.data, 'loss');
    let checked = 0;
    for (const [name, v] of params) {
      const ref = fx.get(`grad/${name}`);
      expect(ref, `grad/${name}`).toBeDefined();
      const g = grads[v.name];
      expect(g, name).toBeDefined();
      // our kernels are [in, out]; the reference stores [out, in] or [out, in, 1]
      const ours = g.rank === 2 ? tf.transpose(g) : tf.clone(g);
      expect(ours.size).toBe(ref!.data.length);
      if (/^(fc_p|block\d\.fc_[01])\.bias$/.test(name)) {
        // A bias feeding only train-mode BNs (directly or via the residual stream) has an analytically zero
        // gradient: the reference's values are float32 rounding noise (≤ 1.2e-6), so compare absolutely.
        expect(maxDiff(await ours.data(), new Float32Array(ours.size)).abs, `grad ${name}`).toBeLessThanOrEqual(1e-5);
        expect(maxDiff(ref!.data, new Float32Array(ours.size)).abs).toBeLessThanOrEqual(1e-5);
      } else {
        rel(await ours.data(), ref!.data, `grad ${name}`);
      }
      ours.dispose();
      checked++;
    }
    expect(checked).toBe(11 * 4 + 10 * 2 + 2 + 2); // 11 CBNs, 10 block linears, fc_p, fc_out
    for (const [name, v] of dec.namedBuffers()) rel(await v.data(), fx.get(`after/${name}`)!.data, `after ${name}`);
    tf.dispose([value, p, c, occ, logitsOut!, ...Object.values(grads)]);
    dec.dispose();
  });
});
