import { describe, expect, it } from 'vitest';
import { makeSeeds, runFuzz } from '../fuzz/fuzz.js';

describe('seeded fuzz (short; `npm run fuzz` runs 100 000 inputs)', () => {
  it('250 mutated files: no untyped or wrapped error, no silent non-finite or empty result', async () => {
    const seeds = await makeSeeds();
    expect(seeds.length).toBeGreaterThanOrEqual(20);
    const report = await runFuzz(seeds, 18, 0, 250);
    expect(report.examples).toEqual([]);
    expect(report.inputs).toBe(250);
    const { untyped, wrapped, silentNonFinite, silentEmpty, typed, ok } = report.outcomes;
    expect({ untyped, wrapped, silentNonFinite, silentEmpty }).toEqual({ untyped: 0, wrapped: 0, silentNonFinite: 0, silentEmpty: 0 });
    // The mutations do reach the readers' checks, and some inputs still parse.
    expect(typed).toBeGreaterThan(80);
    expect(ok).toBeGreaterThan(10);
    expect(typed + ok).toBe(report.runs);
  });
});
