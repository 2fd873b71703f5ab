/**
 * Runs the summary reporter's fixture files (never part of `npm test`: they fail on purpose); see
 * test/harness/summary-reporter.test.ts.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: [process.env.SUMMARY_FIXTURE ?? "*.fixture.ts"],
    reporters: ["./test/harness/summary-reporter.ts"],
  },
});
