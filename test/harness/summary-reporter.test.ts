/**
 * The closing `N passed, N failed` line of `npm test` must not read 0 failed when a file failed: vitest runs
 * fixture files that fail in a hook, through a child process, with our reporter.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const VITEST = path.resolve("node_modules/vitest/vitest.mjs");
const CONFIG = "test/harness/summary-fixtures/vitest.config.ts";

/** The reporter's last line for one fixture file, and vitest's exit code. */
async function summary(fixture: string): Promise<{ line: string; code: number }> {
  const { stdout, code } = await run(process.execPath, [VITEST, "run", "--config", CONFIG], {
    env: { ...process.env, SUMMARY_FIXTURE: fixture, NO_COLOR: "1" },
    timeout: 60_000,
  }).then(
    (r) => ({ stdout: r.stdout, code: 0 }),
    (err: { stdout: string; code: number }) => ({ stdout: err.stdout, code: err.code }),
  );
  const line = stdout.trim().split("\n").at(-1)!;
  return { line, code };
}

describe("the test summary line", () => {
  it("counts the tests a failed beforeAll kept from running as failed, and a skip on purpose as skipped", async () => {
    expect(await summary("before-all-fails.fixture.ts")).toEqual({
      line: "0 passed, 2 failed, 1 skipped",
      code: 1,
    });
  });

  it("counts a failed suite setup's tests as failed beside a healthy suite", async () => {
    expect(await summary("suite-before-all-fails.fixture.ts")).toEqual({
      line: "1 passed, 1 failed",
      code: 1,
    });
  });

  it("counts a file whose afterAll failed as one failure even though its tests passed", async () => {
    expect(await summary("after-all-fails.fixture.ts")).toEqual({ line: "1 passed, 1 failed", code: 1 });
  });

  it("reads 0 failed only when nothing failed", async () => {
    expect(await summary("all-good.fixture.ts")).toEqual({ line: "1 passed, 0 failed, 1 skipped", code: 0 });
  });
});
