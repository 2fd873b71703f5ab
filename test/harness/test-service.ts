/**
 * Boots the real service (all three listeners, on port 0) on a fresh database: PostgreSQL by default, or embedded
 * PGlite in a temp dir. Returns base URLs, the deps, captured logs and close(). On close it checks that no secret the
 * test registered ever reached the logs.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startService, type RunningService } from "../../src/app/service.js";
import { loadConfig } from "../../src/config/config.js";
import { captureLogs, type CapturedLogs } from "./log-capture.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export type TestServiceOptions = {
  /** Extra environment for loadConfig (ports default to 0, LOG_LEVEL to debug, background probes off). */
  env?: Record<string, string>;
  database?: "postgres" | "embedded";
  /** Reuse an existing database (e.g. a second instance on the same PostgreSQL). */
  databaseUrl?: string;
};

export type TestService = {
  service: RunningService;
  deps: RunningService["deps"];
  db: RunningService["deps"]["database"]["db"];
  urls: { admin: string; pre: string; post: string };
  databaseUrl: string | undefined;
  dataDir: string;
  logs: CapturedLogs;
  /** Remember a secret; close() fails if it appears in any log line. */
  secret(value: string): string;
  /** Stops the service (and drops its database unless it was passed in). */
  close(): Promise<void>;
};

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const embedded = options.database === "embedded";
  let testDb: TestDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  if (!embedded && !databaseUrl) {
    testDb = await createTestDatabase("svc");
    databaseUrl = testDb.url;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-test-"));
  const config = loadConfig({
    HERMES_ADMIN_PORT: "0",
    HERMES_PRE_AI_API_PORT: "0",
    HERMES_POST_AI_API_PORT: "0",
    HERMES_DATA_DIR: dataDir,
    HERMES_SHUTDOWN_GRACE_MS: "2000",
    // Background upstream probes would add requests to other tests' fake upstreams; tests that want them opt in.
    HERMES_HEALTH_INTERVAL_SECONDS: "0",
    LOG_LEVEL: "debug",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  const logs = captureLogs();
  const service = await startService(config, logs.logger);
  const secrets = new Set<string>();
  if (config.admin.password) secrets.add(config.admin.password);
  const host = `http://127.0.0.1`;
  return {
    service,
    deps: service.deps,
    db: service.deps.database.db,
    urls: {
      admin: `${host}:${service.ports.admin}`,
      pre: `${host}:${service.ports.pre}`,
      post: `${host}:${service.ports.post}`,
    },
    databaseUrl,
    dataDir,
    logs,
    secret(value) {
      secrets.add(value);
      return value;
    },
    async close() {
      await service.stop();
      await testDb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      const text = logs.text();
      for (const s of secrets) {
        if (s && text.includes(s))
          throw new Error(`a registered secret (${s.slice(0, 6)}…) appeared in the logs`);
      }
    },
  };
}
