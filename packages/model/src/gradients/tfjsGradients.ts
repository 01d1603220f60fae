/**
 * Build input of `dist/tfjs-gradients.cjs`, what `#tfjs-gradients` (package.json `imports`) is in Node: tfjs-core's
 * `register_all_gradients` bundled into one CommonJS file, because Node's ESM resolver cannot load tfjs-core's ESM
 * files (extensionless relative imports) and tfjs-core's CommonJS build registers no gradients. The bundled copy
 * registers into tfjs's global kernel registry, the one the `@tensorflow/tfjs-core` Node loads uses. Bundlers
 * resolve `#tfjs-gradients` to tfjs-core's own module instead.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
