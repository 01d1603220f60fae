/** The models this package ships (in its tarball); other folders in the repository are kept for comparison only. */
export declare const SHIPPED_MODELS: readonly ["default", "chair-vae"];
/** Name of a shipped model. */
export type ShippedModelName = (typeof SHIPPED_MODELS)[number];
/** Error of {@link modelDir}: `code` `UNKNOWN_MODEL` when the name is not a model folder of this package. */
export declare class ModelsError extends Error {
    readonly name = "ModelsError";
    readonly code: "UNKNOWN_MODEL";
}
/**
 * Absolute folder of a model of this package: `modelDir()` is the shipped default (the point-cloud ensemble).
 * Retired models (`grid-v1`, `planes-v1`, `onet`) are found in a repository checkout, not in the published package.
 *
 * @example
 * ```ts
 * import { modelDir } from '@onet/models';
 * import { loadModel } from '@onet/model/node';
 * const { model, message } = await loadModel(modelDir('default'));
 * ```
 * @throws {@link ModelsError} `UNKNOWN_MODEL` for a name that is not a plain folder name or has no folder here.
 */
export declare function modelDir(name?: ShippedModelName | (string & {})): string;
