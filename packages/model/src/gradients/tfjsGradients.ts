/**
 * Build input of `dist/tfjs-gradients.cjs`, what `#tfjs-gradients` (package.json `imports`) is in Node: tfjs-core's
 * `register_all_gradients` bundled into one CommonJS file, because Node's ESM resolver cannot load tfjs-core's ESM
 * files (extensionless relative imports) and tfjs-core's CommonJS build registers no gradients. The bundled copy
 * registers into tfjs's global gradient registry (`globalThis._tfGlobals`), which every copy of tfjs-core shares, so
 * the `@tensorflow/tfjs-core` Node loads sees them. Bundlers resolve `#tfjs-gradients` to tfjs-core's own module
 * instead. Gradients are missing only when this import is dropped (e.g. a bundler configuration) or tfjs-core is
 * loaded in an unexpected way; `import '@tensorflow/tfjs-core/dist/register_all_gradients.js'` registers them.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
