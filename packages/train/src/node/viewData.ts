import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TriangleMesh } from '@onet/io';
import { renderMesh, type Camera } from '@onet/render';
import { isImageModel, DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_CAMERA, type ModelConfig } from '@onet/model';
import type { ShapeViews } from '../trainingData.js';
import { imageViewCamera } from '../imageView.js';

/** Bump when renders change (shading, defaults): cached renders of another version are not reused. */
const RENDER_VERSION = 2;

/** Seed of view `v` of the shape `key` (FNV-1a of the key, then the view index): the same views every run. */
export function viewSeed(key: string, v: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h * 64 + v;
}

/**
 * The camera of view `v` of shape `key` at `size`² pixels: {@link imageViewCamera} (the model's camera, default
 * `DEFAULT_IMAGE_CAMERA`: distance 2.2 and a 30° field of view, so a shape fitted in the radius-½ sphere always fits;
 * elevations −20°…50°) at seed {@link viewSeed}(key, v).
 */
export function shapeViewCamera(key: string, v: number, size: number, camera?: ModelConfig['imageCamera']): Camera {
  return imageViewCamera({ imageCamera: camera, imageSize: size }, viewSeed(key, v));
}

/**
 * The image inputs of an image model's training shapes (`model.input === 'image'`), else undefined: a function that
 * renders `views` seeded views ({@link shapeViewCamera}) of a shape's normalised, augmented mesh at `imageSize`²,
 * cached under `<cacheDir>/views/` by shape key, source hash, size, view count and render version (the mesh is only
 * built on a cache miss; rotations are recomputed from the seeds). The cache file is written atomically.
 * @internal
 */
export function viewInputs(model: ModelConfig, cacheDir: string, views: number): ((key: string, mesh: () => TriangleMesh, source?: string) => Promise<ShapeViews>) | undefined {
  if (!isImageModel(model)) return undefined;
  const S = model.imageSize ?? DEFAULT_IMAGE_SIZE;
  const px = S * S * 3;
  const cam = model.imageCamera;
  const camTag = cam && (cam.fovDeg !== DEFAULT_IMAGE_CAMERA.fovDeg || cam.distance !== DEFAULT_IMAGE_CAMERA.distance) ? `-f${cam.fovDeg}-d${cam.distance}` : '';
  return async (key, mesh, source) => {
    const rotations = new Float32Array(9 * views);
    for (let v = 0; v < views; v++) rotations.set(shapeViewCamera(key, v, S, cam).rotation, 9 * v);
    const path = join(cacheDir, 'views', `${key.replace(/[^A-Za-z0-9_.#-]/g, '_')}-${source ?? 'gen'}-s${S}-v${views}${camTag}-r${RENDER_VERSION}.bin`);
    if (existsSync(path)) {
      const b = await readFile(path);
      if (b.length === views * px) return { size: S, images: new Uint8Array(b.buffer, b.byteOffset, b.byteLength), rotations };
    }
    const m = mesh();
    const images = new Uint8Array(views * px);
    for (let v = 0; v < views; v++) images.set(renderMesh(m, shapeViewCamera(key, v, S, cam)).rgb, v * px);
    await mkdir(join(cacheDir, 'views'), { recursive: true });
    const tmp = `${path}.tmp${process.pid}`;
    await writeFile(tmp, images);
    await rename(tmp, path);
    return { size: S, images, rotations };
  };
}
