/**
 * Merge vertices with bit-identical coordinates (−0 and +0 are equal). Returns the unique positions `[U·3]`
 * and, for every input vertex, its index into them. Deterministic: unique vertices keep first-seen order.
 * @internal
 */
export function weldVertices(soup: Float32Array): { positions: Float32Array; remap: Uint32Array } {
  const n = soup.length / 3;
  const bits = new Uint32Array(soup.buffer, soup.byteOffset, n * 3);
  let size = 16;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const remap = new Uint32Array(n);
  const out = new Float32Array(n * 3);
  let u = 0;
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    // +0 and -0: normalise the sign bit of zeros.
    const a = soup[i * 3] === 0 ? 0 : bits[i * 3];
    const b = soup[i * 3 + 1] === 0 ? 0 : bits[i * 3 + 1];
    const c = soup[i * 3 + 2] === 0 ? 0 : bits[i * 3 + 2];
    // Float bits of short decimals end in many zeros: mix high bits down before masking.
    let h = Math.imul(a ^ (a >>> 16), 0x45d9f3b) ^ Math.imul(b ^ (b >>> 16), 0x2c1b3c6d) ^ Math.imul(c ^ (c >>> 16), 0x297a2d39);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h = (h ^ (h >>> 13)) & mask;
    for (;;) {
      const s = table[h];
      if (s < 0) {
        table[h] = u;
        outBits[u * 3] = a;
        outBits[u * 3 + 1] = b;
        outBits[u * 3 + 2] = c;
        remap[i] = u++;
        break;
      }
      if (outBits[s * 3] === a && outBits[s * 3 + 1] === b && outBits[s * 3 + 2] === c) {
        remap[i] = s;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  return { positions: out.slice(0, u * 3), remap };
}
