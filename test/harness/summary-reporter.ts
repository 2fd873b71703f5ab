/**
 * Prints the plain closing line CI reads: `N passed, N failed` (and skipped when there are any). A file that failed
 * counts as failed in it whatever its tests did: the tests a failed beforeAll kept from running count as failed,
 * and a file that failed outside its tests (on load, in afterAll) counts once.
 */
import type { Reporter, TestCase, TestModule } from "vitest/node";

/** A test that was meant to run but did not, because a hook of its suite or file failed. */
function keptFromRunning(test: TestCase): boolean {
  if (test.options.mode !== "run") return false;
  for (let p: TestCase["parent"] = test.parent; ; p = p.parent) {
    if (p.state() === "failed" && p.errors().length > 0) return true;
    if (p.type === "module") return false;
  }
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed" || keptFromRunning(test)) failedHere++;
        else skipped++;
      }
      if (mod.state() === "failed" && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  }
}
