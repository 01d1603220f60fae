/**
 * IEEE 754 half precision ↔ float32, the one implementation in onet (`.npy` `'<f2'` arrays, the ShapeNet
 * layout's float16 points, float16 weight files).
 * @packageDocumentation
 */

/**
 * IEEE half bits → float32 values (exact: every half is a float32). Subnormals, ±Infinity and NaN kept.
 * @param h - `Uint16Array [N]` of half-precision bit patterns.
 * @returns `Float32Array [N]`.
 * @example
 * ```ts
 * float16ToFloat32(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 * ```
 * @category npy
 */
export function float16ToFloat32(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < h.length; i++) {
    const x = h[i]!;
    const e = x & 0x7c00;
    if (e !== 0 && e !== 0x7c00) {
      // normal: rebias the exponent (15 → 127: + 112 << 10) and widen the mantissa, as bits (no Math.pow)
      bits[i] = ((x & 0x8000) << 16) | (((x & 0x7fff) + 0x1c000) << 13);
    } else if (e === 0) out[i] = (x & 0x8000 ? -1 : 1) * (x & 0x3ff) * 2 ** -24; // ±0 and subnormals
    else out[i] = x & 0x3ff ? Number.NaN : x & 0x8000 ? -Infinity : Infinity;
  }
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Values → IEEE half bits, rounded to nearest even as `numpy.astype(np.float16)` does (each value is first
 * rounded to float32): subnormal halves below 2^−14, overflow beyond 65504 → ±Infinity, NaN stays NaN.
 * @param values - `[N]` numbers (e.g. a `Float32Array`).
 * @returns `Uint16Array [N]` of half-precision bit patterns; {@link float16ToFloat32} widens them back.
 * @example
 * ```ts
 * float32ToFloat16([1, 65520]); // Uint16Array [0x3c00, 0x7c00] (65520 rounds to Infinity)
 * ```
 * @category npy
 */
export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i];
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00; // overflow → ±Infinity
      continue;
    }
    if (e <= 0) {
      // subnormal half (or zero)
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let h = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const half = 1 << (shift - 1);
      if (rem > half || (rem === half && h & 1)) h++;
      out[i] = sign | h;
      continue;
    }
    let h = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // may carry into the exponent: still correct
    out[i] = sign | h;
  }
  return out;
}
