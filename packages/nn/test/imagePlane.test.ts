import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { projectToImagePlane, NNError } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cam = { fovDeg: 30, distance: 2.2 };
const F = 0.5 / Math.tan((15 * Math.PI) / 180);

function project(points: number[][], R: number, camera = cam): number[][] {
  const t = tf.tensor3d([points]);
  const uv = projectToImagePlane(t, camera, R);
  const out = uv.arraySync()[0];
  t.dispose();
  uv.dispose();
  return out;
}

describe('projectToImagePlane', () => {
  it('the view axis hits the image centre; points land on the cell whose pixels they cover', () => {
    const R = 8;
    const [c, onRight, onTop, nearer, sameXFarther] = project(
      [
        [0, 0, 0],
        // u_pix = centre of the last column (pixel R − ½ of an R-pixel image): x = (d − z)·(R/2 − ½)/(F·R)
        [(2.2 * 3.5) / (F * 8), 0, 0],
        [0, (2.2 * 3.5) / (F * 8), 0],
        // one x at half the depth (z = 1.1) and at z = 0: twice as far from the centre nearer the camera
        [(1.1 * 1.75) / (F * 8), 0, 1.1],
        [(1.1 * 1.75) / (F * 8), 0, 0],
      ],
      R,
    );
    expect(c[0]).toBeCloseTo(0.5, 6);
    expect(c[1]).toBeCloseTo(0.5, 6);
    expect(onRight[0]).toBeCloseTo(1, 5); // last column
    expect(onRight[1]).toBeCloseTo(0.5, 6);
    expect(onTop[1]).toBeCloseTo(0, 5); // view-frame y up = image row 0
    expect(onTop[0]).toBeCloseTo(0.5, 6);
    expect(nearer[0]).toBeCloseTo((3.5 + 1.75) / 7, 5);
    expect(sameXFarther[0]).toBeCloseTo((3.5 + 0.875) / 7, 5);
  });

  it('points outside the frustum clamp to the border; bad shapes and cameras are typed errors', () => {
    const [far] = project([[5, -5, 0]], 4);
    expect(far).toEqual([1, 1]);
    const bad = (f: () => unknown, code: string) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(NNError);
        expect((e as NNError).code).toBe(code);
        return;
      }
      throw new Error('no error');
    };
    const p = tf.zeros([1, 2, 3]) as tf.Tensor3D;
    bad(() => projectToImagePlane(tf.zeros([1, 2, 2]) as tf.Tensor3D, cam, 4), 'SHAPE_MISMATCH');
    bad(() => projectToImagePlane(p, cam, 1), 'SHAPE_MISMATCH');
    bad(() => projectToImagePlane(p, { fovDeg: 0, distance: 2 }, 4), 'INVALID_OPTION');
    bad(() => projectToImagePlane(p, { fovDeg: 30, distance: Number.NaN }, 4), 'INVALID_OPTION');
    p.dispose();
  });
});
