/**
 * `@onet/io/three` — one-line conversions between onet's `TriangleMesh` (plain typed arrays) and a three.js
 * `BufferGeometry`. `three` is an optional peer dependency of `@onet/io`: install it beside (`npm i three`); the
 * main entry of `@onet/io` never imports it.
 * @packageDocumentation
 */
export { toBufferGeometry } from './three/toBufferGeometry.js';
export { fromBufferGeometry } from './three/fromBufferGeometry.js';
