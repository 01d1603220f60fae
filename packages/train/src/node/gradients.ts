import * as tf from '@tensorflow/tfjs-core';
import { PipelineError } from '@onet/model';

/**
 * Make sure tfjs's gradients are registered in Node. `@onet/model` registers them when it is loaded (in Node from its
 * prebuilt `dist/tfjs-gradients.cjs`, since tfjs-core's CJS bundle registers none and its ESM `register_all_gradients`
 * cannot be loaded by Node's resolver), and this package imports `@onet/model`; so this only checks. Kept async for
 * callers written against the earlier version, which bundled the module itself on first use.
 * @throws PipelineError `INVALID_OPTION` when no gradient is registered (a second, separate copy of tfjs-core).
 */
export async function ensureNodeGradients(): Promise<void> {
  if (!tf.getGradient('RealDiv')) {
    throw new PipelineError('INVALID_OPTION', 'tfjs gradients are not registered: @onet/model registers them on load; a second copy of @tensorflow/tfjs-core in node_modules would miss them (npm ls @tensorflow/tfjs-core)');
  }
}
