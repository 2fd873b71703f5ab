/**
 * Once per test run: check PostgreSQL is reachable (with a clear message if not) and build dist/, which the
 * process-level tests start exactly as production does (`node dist/src/main.js`).
 */
import { execFileSync } from "node:child_process";
import pg from "pg";
import { ADMIN_DATABASE_URL } from "./test-database.js";

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new Error(
      `The tests need PostgreSQL at ${ADMIN_DATABASE_URL} (set TEST_DATABASE_URL to change it): ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  // tsc emits even when it reports type errors; those fail `npm run lint`, not every test.
  try {
    execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { stdio: "pipe" });
  } catch (err) {
    process.stderr.write(
      `warning: tsc reported errors while building dist/:\n${String((err as { stdout?: Buffer }).stdout ?? "")}\n`,
    );
  }
}
