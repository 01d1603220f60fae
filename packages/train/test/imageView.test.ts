import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { box, contains, createRng, icosphere, normalizeMesh, sampleUniformPoints, transformMesh } from '@onet/sampling';
import { renderMesh } from '@onet/render';
import { OccupancyNetwork, PipelineError, evaluateMeshes, type ImageConditionableModel, type ModelConfig } from '@onet/model';
import { fitInSphere } from '../src/trainingData.js';
import { imageViewCamera, renderImageView, toImageViewFrame, silhouetteBaseline, reconstructImageView } from '../src/imageView.js';
import { shapeViewCamera, viewSeed } from '../src/node/viewData.js';
import { validationMeshIndices } from '../src/node/train.js';

/** A tiny pixel-aligned image model on 16² pictures (untrained). */
const TINY: ModelConfig = { kind: 'conv-onet', input: 'image', imageSize: 16, imageFeatureDownsample: 2, unetDepth: 2, unetFilters: 4, inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 4, encoderHidden: 4, decoderHidden: 8 };
const CFG = { imageSize: 32, imageCamera: { fovDeg: 30, distance: 2.2 } };
/** An elongated box far from the origin, 3× too big: normalisation and fitting matter, rotations show. */
const slab = transformMesh(box([0.9, 0.2, 0.4]), [3, 0, 0, 5, 0, 3, 0, -2, 0, 0, 3, 1]);
const GEN = { resolution0: 16, upsamplingSteps: 1 };

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** A model that answers the inside test of a fixed view-frame mesh, whatever the picture (an oracle for one view). */
function oracle(gtView: ReturnType<typeof box>): ImageConditionableModel {
  return {
    config: { input: 'image', imageSize: CFG.imageSize, padding: 0.1 },
    condition: () => ({ logits: async (p: Float32Array) => Float32Array.from(contains(gtView, p), (o) => (o ? 10 : -10)), dispose() {} }),
  };
}

describe('image views for evaluation', () => {
  it('the camera of a seed is training\'s: view v of a shape is imageViewCamera at viewSeed(key, v)', () => {
    const a = imageViewCamera(CFG, viewSeed('cow.off#3', 5));
    const b = shapeViewCamera('cow.off#3', 5, 32, CFG.imageCamera);
    expect(a).toEqual(b);
    expect(a.width).toBe(32);
    expect((a.elevation * 180) / Math.PI).toBeGreaterThanOrEqual(-20);
    expect((a.elevation * 180) / Math.PI).toBeLessThanOrEqual(50);
  });

  it('renders the mesh normalised as training does and maps other meshes of its frame into the view frame', () => {
    const view = renderImageView(slab, CFG, 7);
    const fitted = fitInSphere(normalizeMesh(slab).mesh);
    expect(Buffer.from(view.image).equals(Buffer.from(renderMesh(fitted, view.camera).rgb))).toBe(true);
    // fitted in the radius-½ sphere (corners of a box touch it)
    let r = 0;
    for (let i = 0; i < view.mesh.positions.length; i += 3) r = Math.max(r, Math.hypot(view.mesh.positions[i], view.mesh.positions[i + 1], view.mesh.positions[i + 2]));
    expect(r).toBeCloseTo(0.5, 5);
    // the input itself, mapped by loc/scale and the camera, is view.mesh
    const again = toImageViewFrame(slab, view);
    for (let i = 0; i < again.positions.length; i++) expect(again.positions[i]).toBeCloseTo(view.mesh.positions[i], 5);
  });

  it('the silhouette baseline of a sphere is its extruded disc: it holds the sphere, IoU ≈ 2/3', async () => {
    const sphere = icosphere(3, 0.5);
    const view = renderImageView(sphere, { ...CFG, imageSize: 64 }, 3);
    const b = await silhouetteBaseline(view, view.mesh, GEN);
    const m = evaluateMeshes(b.mesh, view.mesh, { frame: 'as-is', points: 20_000, seed: 1 });
    expect(m.iou).toBeGreaterThan(0.55);
    expect(m.iou).toBeLessThan(0.75);
    // as deep as the sphere: its near and far caps touch the sphere's, so completeness is small
    expect(m.completeness).toBeLessThan(0.08);
  });

  it('scores in the view frame: an oracle of view 4 matches at seed 4 and not at another seed', async () => {
    const truth = renderImageView(slab, CFG, 4).mesh;
    const o = { ...GEN, evalPoints: 20_000, baseline: true };
    const same = await reconstructImageView(oracle(truth), slab, { ...o, viewSeed: 4 });
    expect(same.gt).toBe(same.view.mesh);
    expect(same.metrics!.iou).toBeGreaterThan(0.9);
    // F@0.01 is limited by the 32³ grid (cells 0.034 wide, binary logits: surfaces up to half a cell off)
    expect(same.metrics!.fscore).toBeGreaterThan(0.6);
    // the oracle beats the silhouette baseline, which is at most as good as the truth
    expect(same.baseline!.metrics!.iou).toBeLessThan(same.metrics!.iou);
    // the extruded silhouette holds the truth (up to the grid's half cell at the boundary)
    const pts = sampleUniformPoints(20_000, { rng: createRng(9), padding: 0.1 });
    const inT = contains(truth, pts);
    const inB = contains(same.baseline!.mesh, pts);
    let held = 0;
    let total = 0;
    for (let i = 0; i < inT.length; i++) {
      if (!inT[i]) continue;
      total++;
      if (inB[i]) held++;
    }
    expect(held / total).toBeGreaterThan(0.9);
    const other = await reconstructImageView(oracle(truth), slab, { ...o, viewSeed: 5 });
    expect(other.metrics!.iou).toBeLessThan(0.8);
    expect(other.metrics!.fscore).toBeLessThan(same.metrics!.fscore - 0.2);
    // a ground truth given in the input's frame is mapped into the view frame: the input itself scores the same
    const given = await reconstructImageView(oracle(truth), slab, { ...o, viewSeed: 4, baseline: false, gt: transformMesh(slab, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]) });
    expect(given.metrics!.iou).toBeCloseTo(same.metrics!.iou, 2);
  });

  it('an untrained pixel-aligned model: a result and metrics, no tensors left; a point model is refused', async () => {
    const model = OccupancyNetwork.fromConfig(TINY, 1);
    const before = tf.memory().numTensors;
    const r = await reconstructImageView(model, slab, { ...GEN, viewSeed: 2, evalPoints: 2000, threshold: 0.5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.view.image.length).toBe(16 * 16 * 3);
    expect(r.metrics!.iou).toBeGreaterThanOrEqual(0);
    expect(r.metrics!.iou).toBeLessThanOrEqual(1);
    expect(Number.isFinite(r.metrics!.chamferL1)).toBe(true);
    model.dispose();
    const points = { config: { input: 'points', padding: 0.1 }, condition: () => ({ logits: async (p: Float32Array) => new Float32Array(p.length / 3), dispose() {} }) };
    await expect(reconstructImageView(points, slab)).rejects.toThrow(PipelineError);
    await expect(reconstructImageView(points, slab)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('validationMeshIndices', () => {
  it('every ⌈n / valMeshes⌉-th mesh from the first, at most valMeshes', () => {
    expect(validationMeshIndices(30, 6)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(validationMeshIndices(30, 4)).toEqual([0, 8, 16, 24]);
    expect(validationMeshIndices(3, 6)).toEqual([0, 1, 2]);
    expect(validationMeshIndices(30, 0)).toEqual([]);
    expect(validationMeshIndices(0, 6)).toEqual([]);
  });
});
