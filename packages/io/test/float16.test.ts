import { describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16 } from '../src/index.js';

/** The definition of an IEEE half, by arithmetic. */
function halfValue(x: number): number {
  const s = x & 0x8000 ? -1 : 1;
  const e = (x >> 10) & 0x1f;
  const m = x & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

describe('float16ToFloat32', () => {
  it('widens all 65536 half bit patterns to their exact value (±0, subnormals, ±Infinity, NaN included)', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const out = float16ToFloat32(all);
    let nan = 0;
    for (let x = 0; x < 65536; x++) {
      const want = halfValue(x);
      if (Number.isNaN(want)) {
        expect(out[x]).toBeNaN();
        nan++;
      } else if (!Object.is(out[x], want)) expect.fail(`0x${x.toString(16)}: got ${out[x]}, want ${want}`);
    }
    expect(nan).toBe(2 * 1023);
    expect(Object.is(out[0x8000], -0)).toBe(true);
    // and back: every non-NaN half survives the round trip bit for bit
    const back = float32ToFloat16(out);
    for (let x = 0; x < 65536; x++) if (!Number.isNaN(out[x]!) && back[x] !== x) expect.fail(`round trip 0x${x.toString(16)} → 0x${back[x]!.toString(16)}`);
  });
});
