import * as tf from '@tensorflow/tfjs-core';
import type { ConditionedShape } from './model.js';
import type { OptimizableShape } from './testTimeOptimization.js';

/**
 * A symmetry of the cube centred at the origin: `x'[a] = sign[a] · x[perm[a]]` for a = 0, 1, 2 (x, y, z). It maps
 * the padded unit cube `[−(1+padding)/2, (1+padding)/2]³` onto itself, so transformed inputs and queries stay in the
 * frame the networks were trained on.
 */
export interface CubeSymmetry {
  perm: readonly [number, number, number];
  sign: readonly [number, number, number];
}

/**
 * Test-time augmentation of a model: `'none'`, or `'half-turns'` = the identity and the half-turns (180° rotations)
 * about x, y and z (4 encodings per member). Not in the references; measured in `models/default/README.md`.
 */
export type TestTimeAugmentation = 'none' | 'half-turns';

/** The symmetries behind each {@link TestTimeAugmentation}; the identity first. */
export const TEST_TIME_AUGMENTATIONS: Readonly<Record<TestTimeAugmentation, readonly CubeSymmetry[]>> = Object.freeze({
  none: [{ perm: [0, 1, 2], sign: [1, 1, 1] }],
  'half-turns': [
    { perm: [0, 1, 2], sign: [1, 1, 1] },
    { perm: [0, 1, 2], sign: [1, -1, -1] },
    { perm: [0, 1, 2], sign: [-1, 1, -1] },
    { perm: [0, 1, 2], sign: [-1, -1, 1] },
  ],
});

/**
 * `points [N·3]` mapped by `s` → a new `[N·3]` array. `s.perm` must be a permutation of 0, 1, 2 and `s.sign` entries
 * ±1 (not checked; the symmetries of {@link TEST_TIME_AUGMENTATIONS} are).
 */
export function applyCubeSymmetry(points: Float32Array, s: CubeSymmetry): Float32Array {
  const out = new Float32Array(points.length);
  const [p0, p1, p2] = s.perm;
  const [s0, s1, s2] = s.sign;
  for (let i = 0; i < points.length; i += 3) {
    out[i] = s0 * points[i + p0];
    out[i + 1] = s1 * points[i + p1];
    out[i + 2] = s2 * points[i + p2];
  }
  return out;
}

/**
 * A conditioned shape seen through a cube symmetry: the model encodes `s(pointCloud)` and is queried at `s(p)`. The
 * occupancy of a shape does not change when shape and query move together, so each symmetry gives another estimate
 * of the same field; averaging their logits (`ensembleShape`) is test-time augmentation. The caller disposes the shape.
 * @throws PipelineError as `model.condition`.
 */
export function conditionUnderSymmetry(model: { condition(pointCloud: Float32Array): ConditionedShape }, pointCloud: Float32Array, s: CubeSymmetry): ConditionedShape {
  if (isIdentitySymmetry(s)) return model.condition(pointCloud);
  return throughSymmetry(model.condition(applyCubeSymmetry(pointCloud, s)), s);
}

function isIdentitySymmetry(s: CubeSymmetry): boolean {
  return s.perm[0] === 0 && s.perm[1] === 1 && s.perm[2] === 2 && s.sign.every((x) => x === 1);
}

/** `shape` (the encoding of `s(cloud)`) queried at `s(p)`; disposing it disposes `shape`. */
function throughSymmetry(shape: ConditionedShape, s: CubeSymmetry): ConditionedShape {
  return {
    // malformed queries go through as they are, for the shape's own error
    logits: (points) => shape.logits(points instanceof Float32Array && points.length % 3 === 0 ? applyCubeSymmetry(points, s) : points),
    dispose: () => shape.dispose(),
  };
}

/**
 * {@link conditionUnderSymmetry} for test-time optimisation: the model's optimisable encoding of `s(pointCloud)`,
 * queried at `s(p)` by `logits` and `logitsTensor` alike. The caller disposes the shape.
 * @throws PipelineError as `model.conditionOptimizable`.
 */
export function optimizableUnderSymmetry(model: { conditionOptimizable(pointCloud: Float32Array): OptimizableShape }, pointCloud: Float32Array, s: CubeSymmetry): OptimizableShape {
  if (isIdentitySymmetry(s)) return model.conditionOptimizable(pointCloud);
  const shape = model.conditionOptimizable(applyCubeSymmetry(pointCloud, s));
  return {
    ...throughSymmetry(shape, s),
    variables: shape.variables,
    logitsTensor: (points) =>
      tf.tidy(() => {
        const sign = tf.tensor3d([...s.sign], [1, 1, 3]);
        return shape.logitsTensor(tf.mul(tf.gather(points, [...s.perm], 2), sign) as tf.Tensor3D);
      }),
  };
}

/** For messages: `", test-time augmentation: half-turns"`, or `""` for `'none'`. */
export function describeTestTimeAugmentation(a: TestTimeAugmentation): string {
  return a === 'none' ? '' : `, test-time augmentation: ${a}`;
}

