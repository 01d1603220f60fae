import * as tf from '@tensorflow/tfjs-core';
import { PipelineError } from '@onet/model';

/**
 * Make sure tfjs's gradients are registered in Node. `@onet/model` registers them when it is loaded (in Node from its
 * prebuilt `dist/tfjs-gradients.cjs`, since tfjs-core's CJS bundle registers none and its ESM `register_all_gradients`
 * cannot be loaded by Node's resolver), and this package imports `@onet/model`; so this only checks. Kept async for
 * callers written against the earlier version, which bundled the module itself on first use.
 * @throws PipelineError `GRADIENTS_NOT_REGISTERED` when they are not (the registry is tfjs's global one, shared by
 *   every copy of tfjs-core: `@onet/model`'s `#tfjs-gradients` import was dropped, or tfjs-core was loaded in an
 *   unexpected way; `import '@tensorflow/tfjs-core/dist/register_all_gradients.js'` registers them).
 */
export async function ensureNodeGradients(): Promise<void> {
  if (!tf.getGradient('RealDiv')) {
    throw new PipelineError(
      'GRADIENTS_NOT_REGISTERED',
      "tfjs gradients are not registered: @onet/model registers them on import ('#tfjs-gradients'), so that import was dropped (e.g. by a bundler configuration) or @tensorflow/tfjs-core was loaded in an unexpected way; register them with import '@tensorflow/tfjs-core/dist/register_all_gradients.js'",
    );
  }
}
