import { PipelineError } from './errors.js';
import type { GenerateMeshOptions } from './generate.js';
import { checkImageInput, DEFAULT_IMAGE_SIZE } from './imageModel.js';
import { conditionAndGenerate, type ConditionableModel, type ReconstructionResult } from './reconstruct.js';

/** A model that takes images (`config.input === 'image'`). */
export type ImageConditionableModel = ConditionableModel & { readonly config: ConditionableModel['config'] & { input?: string; imageSize?: number } };

/**
 * Single-view reconstruction (ONet §4.2): one RGB image in, a watertight mesh out. Conditions an image model on
 * `image` `[S·S·3]` (S = the model's `imageSize`, row-major from the top-left pixel, Float32 in [0, 1] or bytes; see
 * `readImage` of `@onet/model/node` for files) and runs {@link generateMesh} (MISE + marching cubes) over the padded
 * box. The mesh is in the image's **view frame** (`@onet/render`: x right, y up, the camera on +z, the object's
 * centre at the origin, the training shapes' size: within the radius-½ sphere). τ: `options.threshold`, else the
 * model's `config.threshold`, else 0.2. Tensors are released before returning.
 * @throws {@link PipelineError} `INVALID_OPTION` (not an image model), `BAD_IMAGE` (wrong size or values),
 *   `BAD_NETWORK_OUTPUT`.
 * @category Generation
 */
export async function reconstructImage(model: ImageConditionableModel, image: Float32Array | Uint8Array, options: GenerateMeshOptions = {}): Promise<ReconstructionResult> {
  if (model.config.input !== 'image') throw new PipelineError('INVALID_OPTION', 'this model does not take images; load an image model (model.json with "input": "image")');
  const floats = checkImageInput(image, model.config.imageSize ?? DEFAULT_IMAGE_SIZE);
  const { mesh, stats } = await conditionAndGenerate(model, floats, { ...options, threshold: options.threshold ?? model.config.threshold ?? 0.2 });
  return { mesh, unitMesh: mesh, input: floats, transform: { loc: [0, 0, 0], scale: 1 }, stats };
}
