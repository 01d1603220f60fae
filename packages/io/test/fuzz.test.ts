import { describe, expect, it } from 'vitest';
import { unzipSync, zipSync } from 'fflate';
import { fuzzOne, makeSeeds, runFuzz } from '../fuzz/fuzz.js';
import { parseNpy, parseNpz, writeNpy } from '../src/index.js';

describe('seeded fuzz (short; `npm run fuzz` runs 100 000 inputs)', () => {
  it('250 mutated files: no untyped or wrapped error, no silent non-finite or empty result', async () => {
    const seeds = await makeSeeds();
    expect(seeds.length).toBeGreaterThanOrEqual(20);
    const report = await runFuzz(seeds, 18, 0, 250);
    expect(report.examples).toEqual([]);
    expect(report.inputs).toBe(250);
    const { untyped, wrapped, silentNonFinite, silentEmpty, silentMismatch, typed, ok } = report.outcomes;
    expect({ untyped, wrapped, silentNonFinite, silentEmpty, silentMismatch }).toEqual({ untyped: 0, wrapped: 0, silentNonFinite: 0, silentEmpty: 0, silentMismatch: 0 });
    // The mutations do reach the readers' checks, and some inputs still parse.
    expect(typed).toBeGreaterThan(80);
    expect(ok).toBeGreaterThan(10);
    expect(typed + ok).toBe(report.runs);
  });

  it('counts an npy/npz array that disagrees with its header as a silent mismatch', async () => {
    const good = writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const extra = new Uint8Array([...good, 0, 0, 128, 63]); // one more float32 than the shape holds
    // a reader that ignores the extra bytes (what parseNpy did), one that decodes too many values, and parseNpy
    const ignoring = (b: Uint8Array) => ({ ...parseNpy(b.subarray(0, good.length)), dtype: '<f4' });
    expect(await fuzzOne(ignoring, extra)).toEqual({ outcome: 'silentMismatch', message: 'array: 28 data bytes after the header, shape (2,3) of <f4 declares 24' });
    expect((await fuzzOne(() => ({ data: new Float32Array(7), shape: [2, 3], dtype: '<f4' }), good)).outcome).toBe('silentMismatch');
    expect(await fuzzOne(parseNpy, extra)).toMatchObject({ outcome: 'typed', message: 'PARSE_ERROR' });
    expect((await fuzzOne(parseNpy, good)).outcome).toBe('ok');
    // inside an npz: the member's own bytes are checked
    const npz = zipSync({ 'p.npy': extra });
    const lenient = (b: Uint8Array) => new Map([['p', ignoring(unzipSync(b)['p.npy']!)]]);
    expect(await fuzzOne(lenient, npz)).toMatchObject({ outcome: 'silentMismatch', message: expect.stringMatching(/^p: 28 data bytes/) });
    expect((await fuzzOne(parseNpz, npz)).outcome).toBe('typed');
    expect((await fuzzOne(parseNpz, zipSync({ 'p.npy': good }))).outcome).toBe('ok');
  });
});
