import { describe, it } from 'vitest';
import { findDataDir, findFixture, LARGE_PARITY_FIXTURES } from './data.js';

/** What a large-fixture suite needs: the full-size parity files, or the full mesh set (35 closed + 10 open). */
export type LargeFixtureNeed = 'parity' | 'meshes';

/** Marker in suite names that `scripts/summary-reporter.ts` looks for; the reason follows it up to `]`. */
export const NOT_RUN = 'NOT RUN:';

/** Why the large fixtures for `need` are unavailable here, or null when they are present. */
export function largeFixturesMissing(need: LargeFixtureNeed): string | null {
  if (need === 'parity') {
    const missing = LARGE_PARITY_FIXTURES.filter((n) => !findFixture(`parity/${n}.npz`));
    return missing.length
      ? `full-size parity files absent (${missing.join(', ')}): put ../shared beside the repo or set ONET_FIXTURES`
      : null;
  }
  const missing = (['meshes', 'meshes-open'] as const).filter((f) => !findDataDir(f));
  return missing.length ? `mesh set absent (${missing.join(', ')}): run npm run fetch-meshes` : null;
}

/**
 * A suite of the large-fixture suite (files named `*.large.test.ts`). When its fixtures are absent, its tests
 * are skipped and its name says `[large-fixture suite — NOT RUN: reason]`, which the summary reporter prints;
 * with `ONET_REQUIRE_LARGE_FIXTURES=1` (CI, `npm run test:large`) absence is a failing test instead.
 * Read fixtures inside `it`, never in the suite body (the body runs even when the suite is skipped).
 */
export function describeLarge(name: string, need: LargeFixtureNeed, body: () => void): void {
  const missing = largeFixturesMissing(need);
  if (missing && process.env.ONET_REQUIRE_LARGE_FIXTURES) {
    describe(`${name} [large-fixture suite]`, () => {
      it('has its fixtures (ONET_REQUIRE_LARGE_FIXTURES is set)', () => {
        throw new Error(`large-fixture suite required but ${missing}`);
      });
    });
    return;
  }
  describe.skipIf(missing !== null)(missing ? `${name} [large-fixture suite — ${NOT_RUN} ${missing}]` : `${name} [large-fixture suite]`, body);
}
