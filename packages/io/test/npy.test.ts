import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseNpz, writeNpz, parseNpy, float16ToFloat32, OnetIOError } from '../src/index.js';

const fixtures = new URL('../../../../shared/fixtures/', import.meta.url);

describe('npy/npz', () => {
  it('reads the reference parity fixture with the manifest shapes', () => {
    const manifest = JSON.parse(readFileSync(new URL('parity/manifest.json', fixtures), 'utf8'));
    const npz = parseNpz(readFileSync(new URL('parity/decoder_cbn_c32_h16.npz', fixtures)));
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

  it('rejects corrupt input with a typed error', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3]))).toThrow(OnetIOError);
    expect(() => parseNpz(new Uint8Array([0x50, 0x4b, 3, 4, 9, 9]), 'x.npz')).toThrow(/x\.npz/);
  });
});
