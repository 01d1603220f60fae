import { checkGradientsRegistered } from '@onet/model';

/**
 * Make sure tfjs's gradients are registered in Node. `@onet/model` registers them when it is loaded (in Node from its
 * prebuilt `dist/tfjs-gradients.cjs`, since tfjs-core's CJS bundle registers none and its ESM `register_all_gradients`
 * cannot be loaded by Node's resolver), and this package imports `@onet/model`; so this only checks. Kept async for
 * callers written against the earlier version, which bundled the module itself on first use.
 * @throws PipelineError `GRADIENTS_NOT_REGISTERED` when they are not (`@onet/model`'s `checkGradientsRegistered`).
 */
export async function ensureNodeGradients(): Promise<void> {
  checkGradientsRegistered('training');
}
