import * as tf from '@tensorflow/tfjs-core';
import { NNError, type Linear } from '@onet/nn';
import { DecoderCBatchNorm } from './DecoderCBatchNorm.js';
import { DecoderCBatchNorm2 } from './DecoderCBatchNorm2.js';
import { Decoder } from './Decoder.js';
import type { CBatchNorm1d } from './CBatchNorm1d.js';
import type { CResnetBlockConv1d } from './CResnetBlockConv1d.js';
import { checkCode } from './validate.js';
import { FoldedDecoder, type FoldedBlockArrays, type FoldedDecoderArrays } from './FoldedDecoder.js';


/**
 * Fold a decoder for one shape (inference only, REFERENCE §1.2): with the code fixed, every eval-mode CBN is
 * the per-channel affine map `x·γ(c)/√(σ²+ε) + (β(c) − γ(c)μ/√(σ²+ε))`; the CBN inside each block folds into
 * `fc_0`, `fc_z(z)`/`fc_c(c)` fold into the input bias, and what stays is a plain residual MLP of matmuls plus
 * two per-channel affine+ReLU passes per block. Uses the running statistics whatever the mode.
 *
 * @param decoder a {@link DecoderCBatchNorm} (also legacy), {@link DecoderCBatchNorm2} or {@link Decoder}.
 * @param c `[1, cDim]` condition code (null when cDim = 0).
 * @param z `[1, zDim]` latent code (null when zDim = 0).
 * @returns a promise of a {@link FoldedDecoder} (caller disposes); its logits equal `decoder.eval().apply(p, z, c)`.
 * @throws {@link NNError} `SHAPE_MISMATCH` for codes that are not `[1, ·]` of the right size, or an
 *   unsupported decoder (e.g. blocks with a shortcut projection).
 */
export async function foldForInference(decoder: DecoderCBatchNorm | DecoderCBatchNorm2 | Decoder, c: tf.Tensor | null, z: tf.Tensor | null = null): Promise<FoldedDecoder> {
  checkCode('foldForInference', 'c', c, 1, decoder.cDim);
  checkCode('foldForInference', 'z', z, 1, decoder.zDim);
  // Arrays are allocated now and filled after an async download (webgpu cannot read synchronously in Node).
  const downloads: { target: Float32Array; tensor: tf.Tensor }[] = [];
  const f32 = (t: tf.Tensor): Float32Array => {
    const target = new Float32Array(t.size);
    downloads.push({ target, tensor: tf.keep(tf.clone(t)) });
    return target;
  };
  let arrays: FoldedDecoderArrays | undefined;
  try {
    tf.tidy(() => {
      arrays = build();
    });
    const data = await Promise.all(downloads.map((d) => d.tensor.data()));
    downloads.forEach((d, i) => d.target.set(data[i] as Float32Array));
  } finally {
    tf.dispose(downloads.map((d) => d.tensor));
  }
  return new FoldedDecoder(arrays!);

  function build(): FoldedDecoderArrays {
    const cbnBlock = (b: CResnetBlockConv1d, code: tf.Tensor): FoldedBlockArrays => {
      if (b.shortcut) throw new NNError('SHAPE_MISMATCH', 'foldForInference: blocks with a shortcut projection are not supported');
      const a0 = b.bn0.evalAffine(code);
      const a1 = b.bn1.evalAffine(code);
      return {
        scale0: f32(a0.scale),
        shift0: f32(a0.shift),
        w0: f32(tf.mul(b.fc0.weight, a1.scale)),
        b0: f32(tf.add(tf.mul(b.fc0.bias!, a1.scale), a1.shift)),
        w1: f32(b.fc1.weight),
        b1: f32(b.fc1.bias!),
      };
    };
    const tail = (bn: CBatchNorm1d, out: Linear, code: tf.Tensor) => {
      const a = bn.evalAffine(code);
      return { outScale: f32(a.scale), outShift: f32(a.shift), outW: f32(out.weight), outB: f32(out.bias!) };
    };
    const codeAt = (lin: Linear, code: tf.Tensor) => tf.reshape(lin.apply(code), [-1]);
    if (decoder instanceof DecoderCBatchNorm) {
      let inB: tf.Tensor = decoder.fcP.bias!;
      if (decoder.fcZ && z) inB = tf.add(inB, codeAt(decoder.fcZ, z));
      return {
        dim: decoder.dim,
        hidden: decoder.hidden,
        inW: f32(decoder.fcP.weight),
        inB: f32(inB),
        blocks: decoder.blocks.map((b) => cbnBlock(b, c!)),
        ...tail(decoder.bn, decoder.fcOut, c!),
        outActivation: 'relu' as const,
      };
    }
    if (decoder instanceof DecoderCBatchNorm2) {
      const code = decoder.effectiveCode(z, c!);
      return {
        dim: decoder.dim,
        hidden: decoder.hidden,
        inW: f32(decoder.convP.weight),
        inB: f32(decoder.convP.bias!),
        blocks: decoder.blocks.map((b) => cbnBlock(b, code)),
        ...tail(decoder.bn, decoder.convOut, code),
        outActivation: 'relu' as const,
      };
    }
    if (decoder instanceof Decoder) {
      if (decoder.fourierFeatures > 0) throw new NNError('SHAPE_MISMATCH', 'foldForInference: a Decoder with fourierFeatures is not supported (the folded decoder takes p itself); evaluate it unfolded');
      let inB: tf.Tensor = decoder.fcP.bias!;
      if (decoder.fcZ && z) inB = tf.add(inB, codeAt(decoder.fcZ, z));
      if (decoder.fcC && c) inB = tf.add(inB, codeAt(decoder.fcC, c));
      const h = decoder.hidden;
      const ones = new Float32Array(h).fill(1);
      return {
        dim: decoder.dim,
        hidden: h,
        inW: f32(decoder.fcP.weight),
        inB: f32(inB),
        blocks: decoder.blocks.map((b) => {
          if (b.shortcut) throw new NNError('SHAPE_MISMATCH', 'foldForInference: blocks with a shortcut projection are not supported');
          return { scale0: ones, shift0: new Float32Array(h), w0: f32(b.fc0.weight), b0: f32(b.fc0.bias!), w1: f32(b.fc1.weight), b1: f32(b.fc1.bias!) };
        }),
        outScale: ones,
        outShift: new Float32Array(h),
        outW: f32(decoder.fcOut.weight),
        outB: f32(decoder.fcOut.bias!),
        outActivation: decoder.leaky ? ('leaky' as const) : ('relu' as const),
      };
    }
    throw new NNError('SHAPE_MISMATCH', 'foldForInference: expects a DecoderCBatchNorm, DecoderCBatchNorm2 or Decoder');
  }
}
