import * as tf from '@tensorflow/tfjs-core';
import { NNError } from './errors.js';

/**
 * The pinhole camera of a viewer-centred image model (`@onet/render`'s `Camera` reduced to what projection needs):
 * the camera on the view frame's +z axis at `distance` looking at the origin, square image, vertical field of view
 * `fovDeg`. Image x grows to the right, rows downwards; view-frame y is up.
 */
export interface ImagePlaneCamera {
  /** Vertical (= horizontal: square images) field of view, degrees, in (0, 170). */
  fovDeg: number;
  /** Distance from the camera centre to the origin, view-frame units (> 0). */
  distance: number;
}

/** @throws {@link NNError} `INVALID_OPTION` for a camera outside its ranges. */
export function checkImagePlaneCamera(camera: ImagePlaneCamera): void {
  const { fovDeg, distance } = camera ?? ({} as ImagePlaneCamera);
  if (!Number.isFinite(fovDeg) || fovDeg <= 0 || fovDeg >= 170 || !Number.isFinite(distance) || distance <= 0) {
    throw new NNError('INVALID_OPTION', `an image-plane camera needs fovDeg in (0, 170) and distance > 0, got ${JSON.stringify(camera)}`);
  }
}

/**
 * Pixel-aligned feature coordinates (PIFu, Saito et al. ICCV 2019): project view-frame points `p [B, T, 3]` through
 * `camera` onto an `R × R` feature map that tiles the image (cell k covering pixels [k·S/R, (k+1)·S/R) of an
 * S-pixel side) and return its corner-aligned coordinates `[B, T, 2]` in [0, 1] for `samplePlaneBilinear`
 * (u → columns, v → rows; 0 and 1 are the centres of the first and last cells):
 * `u = (R/2 − ½ + F·R·x/(d − z)) / (R − 1)`, `v = (R/2 − ½ − F·R·y/(d − z)) / (R − 1)` with `F = ½ / tan(fov/2)` and
 * `d − z` clamped to ≥ 1e-3. Points outside the image clamp to its border. Not differentiable in `p` (the decoder
 * sees `p` directly).
 * @throws {@link NNError} `SHAPE_MISMATCH` when `p` is not `[B, T, 3]` or `R < 2`; `INVALID_OPTION` for a camera out of range.
 */
export function projectToImagePlane(p: tf.Tensor3D, camera: ImagePlaneCamera, R: number): tf.Tensor3D {
  if (p.rank !== 3 || p.shape[2] !== 3) throw new NNError('SHAPE_MISMATCH', `points must be [B, T, 3], got [${p.shape}]`);
  if (!Number.isInteger(R) || R < 2) throw new NNError('SHAPE_MISMATCH', `an image feature map needs a side of at least 2 cells, got ${R}`);
  checkImagePlaneCamera(camera);
  const F = 0.5 / Math.tan((camera.fovDeg * Math.PI) / 360);
  const [B, T] = p.shape;
  return tf.tidy(() => {
    const x = tf.slice(p, [0, 0, 0], [B, T, 1]);
    const y = tf.slice(p, [0, 0, 1], [B, T, 1]);
    const z = tf.slice(p, [0, 0, 2], [B, T, 1]);
    const k = tf.div(F * R, tf.maximum(tf.sub(camera.distance, z), 1e-3));
    const c = R / 2 - 0.5;
    const u = tf.add(c, tf.mul(k, x));
    const v = tf.sub(c, tf.mul(k, y));
    return tf.clipByValue(tf.div(tf.concat([u, v], 2), R - 1), 0, 1) as tf.Tensor3D;
  });
}
