import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** Prints the plain "N passed, N failed" line that CI reads. */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === 'skipped') this.skipped++;
    else if (result.status === 'passed') this.passed++;
    else if (test.outcome() !== 'flaky') this.failed++;
  }

  onEnd(): void {
    console.log(`e2e: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`);
  }
}
