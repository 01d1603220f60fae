import * as tf from '@tensorflow/tfjs-core';
import {
  Module,
  Linear,
  reluSavingOutput,
  residualAdd,
  ResnetBlockFC,
  normalizePlaneCoordinates,
  samplePlaneBilinear,
  samplePlanesSum,
  normalizeGridCoordinates,
  sampleGridTrilinear,
  projectToImagePlane,
  checkImagePlaneCamera,
  type ImagePlaneCamera,
  type LocalFeatures,
  type PlaneName,
} from '@onet/nn';
import { DecoderLocalError } from './errors.js';

/** Options of {@link LocalDecoder}. */
export interface LocalDecoderOptions {
  /** Feature channels of the planes, c_dim (CON default 32). */
  cDim?: number;
  /** Hidden width (CON default 32). */
  hidden?: number;
  /** Number of ResnetBlockFC blocks; plane features are added before each (CON default 5). */
  nBlocks?: number;
  /** Padding of the unit cube used to normalise coordinates onto the planes (default 0.1). */
  padding?: number;
  /**
   * The camera of pixel-aligned `image` features (single-view models): query points are in its view frame and are
   * projected through it onto the feature map (`projectToImagePlane`). Needed only when the features hold `image`.
   */
  imageCamera?: ImagePlaneCamera;
}

/** Defaults of {@link LocalDecoderOptions}: CON configs/pointcloud/shapenet_3plane.yaml `decoder_kwargs`. */
export const LOCAL_DECODER_DEFAULTS: Required<Omit<LocalDecoderOptions, 'imageCamera'>> = { cDim: 32, hidden: 32, nBlocks: 5, padding: 0.1 };

/** Local features (planes and/or grid) as produced by `LocalPoolPointnet`; the same type as `LocalFeatures` of `@onet/nn`. */
export type PlaneFeatureMap = LocalFeatures;

/**
 * Local decoder of Convolutional Occupancy Networks (Peng et al. 2020, §3.2; CON: src/conv_onet/models/decoder.py
 * `LocalDecoder`): the feature at each query point is the sum over the planes of a bilinear, corner-aligned,
 * border-padded sample of that plane at `p[axes] / (1 + padding + 1e-5) + 0.5` (plus, with a grid, a trilinear
 * sample of the grid at `p / (1 + padding + 1e-3) + 0.5`); then `net = fc_p(p)` and for each
 * block `net = blocks.i(net + fc_c.i(c))`, `logits = fc_out(ReLU(net))`. With pixel-aligned `image` features
 * (single-view models, PIFu-style; not in CON) the point is projected through `imageCamera` instead
 * (`projectToImagePlane`). Keys as the reference: `fc_p`,
 * `fc_c.{i}`, `blocks.{i}.fc_0/fc_1`, `fc_out`.
 */
export class LocalDecoder extends Module {
  readonly options: Required<Omit<LocalDecoderOptions, 'imageCamera'>> & Pick<LocalDecoderOptions, 'imageCamera'>;
  readonly fcP: Linear;
  readonly fcC: Linear[] = [];
  readonly blocks: ResnetBlockFC[] = [];
  readonly fcOut: Linear;
  constructor(options: LocalDecoderOptions = {}) {
    super();
    const o = { ...LOCAL_DECODER_DEFAULTS, ...options };
    if (o.imageCamera) checkImagePlaneCamera(o.imageCamera);
    this.options = o;
    this.fcP = this.module('fc_p', new Linear(3, o.hidden));
    for (let i = 0; i < o.nBlocks; i++) this.fcC.push(this.module(`fc_c.${i}`, new Linear(o.cDim, o.hidden)));
    for (let i = 0; i < o.nBlocks; i++) this.blocks.push(this.module(`blocks.${i}`, new ResnetBlockFC(o.hidden)));
    this.fcOut = this.module('fc_out', new Linear(o.hidden, 1));
  }

  /** Summed plane (and grid) features at the query points: `p [B, T, 3]` → `[B, T, cDim]`. */
  sampleFeatures(p: tf.Tensor3D, planes: PlaneFeatureMap): tf.Tensor3D {
    const names = Object.keys(planes) as (keyof PlaneFeatureMap)[];
    if (names.length > 0 && names.every((n) => n === 'xz' || n === 'xy' || n === 'yz')) {
      // planes only: one pass over the points (same values as the loop below)
      const list = names.map((n) => [n, planes[n]!] as [PlaneName, tf.Tensor4D]);
      return samplePlanesSum(p, list, this.options.padding);
    }
    return tf.tidy(() => {
      let c: tf.Tensor3D | undefined;
      for (const name of Object.keys(planes) as (keyof PlaneFeatureMap)[]) {
        let s: tf.Tensor3D;
        if (name === 'image') {
          const f = planes.image!;
          s = samplePlaneBilinear(f, projectToImagePlane(p, this.options.imageCamera!, f.shape[1]));
        } else if (name === 'grid') {
          s = sampleGridTrilinear(planes.grid!, normalizeGridCoordinates(p, this.options.padding) as tf.Tensor3D);
        } else {
          const uv = normalizePlaneCoordinates(p, name, this.options.padding) as tf.Tensor3D;
          s = samplePlaneBilinear(planes[name]!, uv);
        }
        c = c ? (tf.add(c, s) as tf.Tensor3D) : s;
      }
      return c!;
    });
  }

  /**
   * Occupancy logits (not probabilities) at query points `p [B, T, 3]` (unit-cube frame; the camera's view frame for
   * `image` features) given plane features `[B, R, R, cDim]` → `[B, T]`.
   * @throws {@link DecoderLocalError} `BAD_SHAPE` on mismatched batch or channels, no features at all, a non-square
   * plane or a non-cubic grid, `image` features without an `imageCamera` or with a side below 2.
   */
  apply(p: tf.Tensor3D, planes: PlaneFeatureMap): tf.Tensor2D {
    const names = Object.keys(planes) as (keyof PlaneFeatureMap)[];
    if (p.rank !== 3 || p.shape[2] !== 3) throw new DecoderLocalError('BAD_SHAPE', `query points must be [B, T, 3], got [${p.shape}]`);
    if (names.length === 0) throw new DecoderLocalError('BAD_SHAPE', 'no plane features given: pass at least one of xz, xy, yz, grid, image');
    if (planes.image) {
      if (!this.options.imageCamera) throw new DecoderLocalError('BAD_SHAPE', 'image features need a decoder built with imageCamera (the view the image was taken from)');
      if (planes.image.shape[1] < 2) throw new DecoderLocalError('BAD_SHAPE', `image features must be at least 2×2, got [${planes.image.shape}]`);
    }
    for (const n of names) {
      if (n === 'grid') {
        const g = planes.grid!;
        const [b, r1, r2, r3, ch] = g.shape;
        if (g.rank !== 5 || b !== p.shape[0] || ch !== this.options.cDim || r1 !== r2 || r1 !== r3) {
          throw new DecoderLocalError('BAD_SHAPE', `grid must be [${p.shape[0]}, G, G, G, ${this.options.cDim}], got [${g.shape}]`);
        }
        continue;
      }
      const f = planes[n]!;
      if (f.rank !== 4 || f.shape[0] !== p.shape[0] || f.shape[3] !== this.options.cDim || f.shape[1] !== f.shape[2]) {
        throw new DecoderLocalError('BAD_SHAPE', `plane ${n} must be [${p.shape[0]}, R, R, ${this.options.cDim}], got [${f.shape}]`);
      }
    }
    return tf.tidy(() => {
      const c = this.sampleFeatures(p, planes);
      let net = this.fcP.apply(p);
      for (let i = 0; i < this.blocks.length; i++) {
        // free each block's input as soon as the block is done: a chunk's intermediates ([B, T, hidden] each,
        // 6.4 MB at 50k points) would otherwise all live until the outer tidy ends, and the wasm heap (which never
        // shrinks) would grow to hold them all, on fresh pages
        const cc = this.fcC[i].apply(c);
        const x = residualAdd(net, cc);
        tf.dispose([cc, net]);
        net = this.blocks[i].apply(x);
        x.dispose();
      }
      const out = this.fcOut.apply(reluSavingOutput(net));
      return tf.reshape(out, [p.shape[0], p.shape[1]]) as tf.Tensor2D;
    });
  }
}
