import type { Reporter, TestModule } from 'vitest/node';

/** Files of the large-fixture suite (see `describeLarge` in `@onet/test-utils`). */
const LARGE = /\.large\.test\.ts$/;
/** The reason `describeLarge` puts in a skipped suite's name: `[large-fixture suite — NOT RUN: reason]`. */
const NOT_RUN = /NOT RUN: ([^\]]+)\]/;

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own summary, so that
 * CI logs can be read by tools that do not know vitest; then one line on the large-fixture suite
 * (`*.large.test.ts`): how many of its tests ran, or `NOT RUN` with the reasons, so that its absence is never
 * silent.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const large = { modules: 0, passed: 0, failed: 0, skipped: 0, reasons: new Set<string>() };
    for (const m of testModules) {
      const isLarge = LARGE.test(m.moduleId);
      if (isLarge) large.modules++;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else skipped++;
        if (!isLarge) continue;
        if (s === 'passed') large.passed++;
        else if (s === 'failed') large.failed++;
        else {
          large.skipped++;
          const why = NOT_RUN.exec(t.fullName);
          if (why) large.reasons.add(why[1].trim());
        }
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) {
        failed++;
        if (isLarge) large.failed++;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (large.modules === 0) return; // a run filtered to other files
    const reasons = [...large.reasons];
    if (large.passed + large.failed === 0) {
      process.stdout.write(
        `large-fixture suite: NOT RUN (${large.skipped} tests in ${large.modules} files skipped): ${reasons.join('; ') || 'filtered out'}\n`,
      );
    } else {
      process.stdout.write(
        `large-fixture suite: ran, ${large.passed} passed, ${large.failed} failed, ${large.skipped} skipped` +
          (reasons.length ? ` (NOT RUN in part: ${reasons.join('; ')})` : '') +
          '\n',
      );
    }
  }
}
