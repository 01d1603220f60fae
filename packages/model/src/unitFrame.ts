/**
 * The map between a user's frame and the model's unit-cube frame: `x' = (x − loc) / scale` (the
 * reference's normalisation, REFERENCE §2.1) and its inverse. One implementation for reconstruction,
 * mesh input and evaluation. @internal
 */

/** `[N·3]` points mapped into the unit frame, `(x − loc) / scale`, as a new array. @internal */
export function toUnitFrame(points: Float32Array, loc: ArrayLike<number>, scale: number): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    for (let k = 0; k < 3; k++) out[i + k] = (points[i + k] - loc[k]) / scale;
  }
  return out;
}

/** `[N·3]` points mapped back from the unit frame, `x·scale + loc`, as a new array. @internal */
export function fromUnitFrame(points: Float32Array, loc: ArrayLike<number>, scale: number): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    for (let k = 0; k < 3; k++) out[i + k] = points[i + k] * scale + loc[k];
  }
  return out;
}
