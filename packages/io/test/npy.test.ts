import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixturePath } from '@onet/test-utils';
import { zipSync } from 'fflate';
import { parseNpz, writeNpz, writeNpy, parseNpy, float16ToFloat32, float32ToFloat16, OnetIOError } from '../src/index.js';


describe('npy/npz', () => {
  it('reads the reference parity fixture with the manifest shapes', () => {
    const manifest = JSON.parse(readFileSync(fixturePath('parity/manifest.json'), 'utf8'));
    const npz = parseNpz(readFileSync(fixturePath('parity/decoder_cbn_c32_h16.npz')));
    const w = npz.get('param/fc_p.weight')!;
    expect(w.shape).toEqual(manifest.decoder_cbn_c32_h16.params['fc_p.weight']);
    expect(w.data).toBeInstanceOf(Float32Array);
  });

  it('round-trips arrays of several dtypes', () => {
    const a = new Float32Array([1.5, -2, 3e-8, 4, 5, 6]);
    const b = new Uint8Array([0, 255, 7]);
    const back = parseNpz(writeNpz({ a: { data: a, shape: [2, 3] }, b: { data: b, shape: [3] } }));
    expect(back.get('a')!.shape).toEqual([2, 3]);
    expect(Array.from(back.get('a')!.data as Float32Array)).toEqual(Array.from(a));
    expect(Array.from(back.get('b')!.data as Uint8Array)).toEqual([0, 255, 7]);
  });

  it('widens float16 exactly', () => {
    expect(Array.from(float16ToFloat32(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001])))).toEqual([1, -2, 65504, 2 ** -24]);
  });

  it('narrows float32 → float16 like numpy (nearest even, subnormals, overflow, NaN)', () => {
    const vals = [1, -2, 65504, 65520, 2 ** -24, 2 ** -25, 3 * 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11, NaN, -Infinity, -0];
    expect(Array.from(float32ToFloat16(vals))).toEqual([
      0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x0002, 0x3c00, 0x3c02, 0x7e00, 0xfc00, 0x8000,
    ]);
  });

  it('writes float16 and bool members, and identical arrays give identical bytes', () => {
    const pts = new Float32Array([0.1, -0.2, 0.3, 1 / 3, 2, 65520]);
    const occ = new Uint8Array([1, 0, 1]);
    const bytes = writeNpz({ points: { data: pts, shape: [2, 3], float16: true }, occ: { data: occ, shape: [3], bool: true } }, false);
    const back = parseNpz(bytes);
    expect(back.get('points')!.dtype).toBe('<f2');
    expect(Array.from(back.get('points')!.data as Float32Array)).toEqual(Array.from(float16ToFloat32(float32ToFloat16(pts))));
    expect((back.get('points')!.data as Float32Array)[5]).toBe(Infinity);
    expect([back.get('occ')!.dtype, Array.from(back.get('occ')!.data as Uint8Array)]).toEqual(['|b1', [1, 0, 1]]);
    const again = writeNpz({ points: { data: pts, shape: [2, 3], float16: true }, occ: { data: occ, shape: [3], bool: true } }, false);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    expect(() => writeNpy(new Int32Array(3), [3], { float16: true })).toThrow(TypeError);
    expect(() => writeNpy(new Uint8Array([0, 2]), [2], { bool: true })).toThrow(TypeError);
    expect(() => writeNpy(new Float32Array(3), [2, 2])).toThrow(RangeError);
  });

  it('refuses an .npy whose data length disagrees with its shape header, either way', () => {
    const good = writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(Array.from(parseNpy(good).data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const code = (b: Uint8Array): string => {
      try {
        parseNpy(b, 'a.npy');
      } catch (e) {
        expect(e).toBeInstanceOf(OnetIOError);
        return `${(e as OnetIOError).code}: ${(e as Error).message}`;
      }
      return 'parsed';
    };
    // data longer than the shape: 4 trailing bytes, a second array appended, a shape edited smaller
    const extra = new Uint8Array(good.length + 4);
    extra.set(good);
    expect(code(extra)).toMatch(/^PARSE_ERROR: a\.npy \(byte \d+\): the header's shape \(2, 3\) of <f4 declares 24 data bytes but 28 follow it/);
    const two = new Uint8Array([...good, ...writeNpy(new Float32Array([7]), [1])]);
    expect(code(two)).toMatch(/^PARSE_ERROR: .*one array per \.npy file/);
    const smaller = new TextDecoder('latin1').decode(good).replace("'shape': (2, 3)", "'shape': (1, 3)");
    expect(code(Uint8Array.from(smaller, (c) => c.charCodeAt(0)))).toMatch(/^PARSE_ERROR: .*declares 12 data bytes but 24/);
    // data shorter than the shape
    expect(code(good.subarray(0, good.length - 4))).toMatch(/^TRUNCATED: .*expected 24 data bytes, found 20/);
    // and inside an .npz, the member is named
    const npz = zipSync({ 'p.npy': extra });
    expect(() => parseNpz(npz, 'x.npz')).toThrow(/x\.npz:p\.npy.*declares 24 data bytes but 28/);
  });

  it('rejects corrupt input with a typed error', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3]))).toThrow(OnetIOError);
    expect(() => parseNpz(new Uint8Array([0x50, 0x4b, 3, 4, 9, 9]), 'x.npz')).toThrow(/x\.npz/);
  });
});
