import { OnetIOError } from './errors.js';
import type { TriangleMesh } from './types.js';

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

/** `m · 10^-k` as decimal text, in exponent form outside [1e-6, 1e21) like `String(number)` (m a non-negative integer below 2^53). */
function decimalString(m: number, k: number): string {
  while (m !== 0 && m % 10 === 0) {
    m /= 10;
    k--;
  }
  const d = String(m);
  const exp = d.length - 1 - k;
  if (exp < -6 || exp > 20) return `${d[0]}${d.length > 1 ? `.${d.slice(1)}` : ''}e${exp > 0 ? '+' : ''}${exp}`;
  if (k <= 0) return d + '0'.repeat(-k);
  if (d.length > k) return `${d.slice(0, d.length - k)}.${d.slice(d.length - k)}`;
  return `0.${'0'.repeat(k - d.length)}${d}`;
}

/** Reference implementation with toPrecision (slow; used outside the fast path's exponent range). @internal */
export function formatFloat32Slow(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let s = x.toPrecision(7);
  if (Math.fround(+s) !== x) {
    s = x.toPrecision(8);
    if (Math.fround(+s) !== x) s = x.toPrecision(9);
  }
  return String(+s);
}

/**
 * Short decimal text that reads back (via `Number`, then float32) as exactly the same float32, so text
 * writers round-trip bit-exactly. Tries 7, 8 then 9 significant digits (9 always identify a float32) with
 * integer arithmetic: `m / 10^k` is the correctly rounded double of the printed decimal, the same value
 * `Number(text)` gives, so the check below is the reader's own round trip.
 * @internal
 */
export function formatFloat32(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const neg = x < 0;
  const ax = neg ? -x : x;
  const e = Math.floor(Math.log10(ax));
  for (let p = 7; p <= 9; p++) {
    const k = p - 1 - e;
    let m: number;
    let v: number;
    if (k >= 0 && k <= 22) {
      m = Math.round(ax * POW10[k]);
      v = m / POW10[k];
    } else if (k < 0 && k >= -22) {
      m = Math.round(ax / POW10[-k]);
      v = m * POW10[-k];
    } else return formatFloat32Slow(x);
    if (Math.fround(v) === ax) return neg ? `-${decimalString(m, k)}` : decimalString(m, k);
  }
  return formatFloat32Slow(x);
}

/**
 * Check a mesh before writing: `positions` `[V·3]` finite, `indices` `[F·3]` in range, `normals` `[V·3]`.
 * @throws {@link OnetIOError} `PARSE_ERROR` (bad shapes), `NON_FINITE`, `INDEX_OUT_OF_RANGE`.
 * @internal
 */
export function checkMesh(mesh: TriangleMesh, what = 'mesh'): void {
  const { positions, indices, normals } = mesh;
  if (!(positions instanceof Float32Array) || positions.length % 3 !== 0) {
    throw new OnetIOError('PARSE_ERROR', `${what}.positions must be a Float32Array [V·3]`, what);
  }
  if (!(indices instanceof Uint32Array) || indices.length % 3 !== 0) {
    throw new OnetIOError('PARSE_ERROR', `${what}.indices must be a Uint32Array [F·3]`, what);
  }
  if (normals && normals.length !== positions.length) {
    throw new OnetIOError('PARSE_ERROR', `${what}.normals must have the length of positions (${positions.length}), got ${normals.length}`, what);
  }
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i])) throw new OnetIOError('NON_FINITE', `vertex ${Math.floor(i / 3)} is not finite`, what);
  }
  const nv = positions.length / 3;
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= nv) throw new OnetIOError('INDEX_OUT_OF_RANGE', `triangle ${Math.floor(i / 3)} refers to vertex ${indices[i]} of ${nv}`, what);
  }
}

/** Join text lines into UTF-8 bytes. @internal */
export function linesToBytes(lines: string[]): Uint8Array {
  lines.push('');
  return new TextEncoder().encode(lines.join('\n'));
}
