/**
 * Once per test run: check PostgreSQL is reachable (with a clear message if not) and build dist/, which the
 * process-level tests start exactly as production does (`node dist/src/main.js`), and the console (dist/admin-ui/),
 * which every test service serves and the browser tests drive. So a fresh clone needs no build step of its own.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
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
  // A failed console build must not leave an older one in place for the browser tests to pass on.
  fs.rmSync("dist/admin-ui", { recursive: true, force: true });
  try {
    // NODE_ENV is "test" in here; the console must be the production build the service ships.
    execFileSync("npx", ["vite", "build", "--config", "admin-ui/vite.config.ts", "--logLevel", "warn"], {
      stdio: "pipe",
      env: { ...process.env, NODE_ENV: "production" },
    });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(
      `warning: the console (admin-ui/) did not build; its tests will fail:\n${String(e.stdout ?? "")}${String(e.stderr ?? "")}\n`,
    );
  }
}
