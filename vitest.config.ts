import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/harness/global-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The plain `N passed, N failed` line CI reads comes last, from our own reporter.
    reporters: ["default", "./test/harness/summary-reporter.ts"],
  },
});
