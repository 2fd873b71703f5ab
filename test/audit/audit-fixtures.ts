/**
 * Shared setup for the audit tests: a migrated database (fresh PostgreSQL database or PGlite in a temp dir),
 * a temp data dir, and realistic records.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { captureBody, type AuditRecord } from "../../src/audit/audit-record.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { captureLogs, type CapturedLogs } from "../harness/log-capture.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

export type AuditTestDb = {
  database: Database;
  url: string | undefined;
  testDb: TestDatabase | undefined;
  dataDir: string;
  logs: CapturedLogs;
  close(): Promise<void>;
};

export async function openAuditTestDb(kind: "postgres" | "embedded" = "postgres"): Promise<AuditTestDb> {
  const testDb = kind === "postgres" ? await createTestDatabase("audit") : undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-audit-"));
  const logs = captureLogs();
  const database = await openDatabase({ url: testDb?.url, poolMax: 5, dataDir, logger: logs.logger });
  await migrateToLatest(database.db);
  return {
    database,
    url: testDb?.url,
    testDb,
    dataDir,
    logs,
    async close() {
      await database.close();
      await testDb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** A complete authenticated record; override any field. */
export function makeRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  counter++;
  const request = JSON.stringify({
    model: "hermes-agent",
    messages: [{ role: "user", content: `hello ${counter}` }],
  });
  const response = JSON.stringify({
    id: `chatcmpl-${counter}`,
    choices: [{ message: { role: "assistant", content: "hi" } }],
  });
  return {
    ts: new Date(),
    requestId: `req_${randomBytes(12).toString("hex")}`,
    gateway: "post",
    apiUserId: "usr_test",
    apiUserName: "Test User",
    tenantId: "default",
    method: "POST",
    path: "/v1/chat/completions",
    model: "hermes-agent",
    status: 200,
    stream: false,
    latencyMs: 12,
    ttfbMs: 5,
    usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12, source: "provider" },
    clientIp: "127.0.0.1",
    userAgent: "test",
    errorCode: null,
    aborted: false,
    requestBody: captureBody(request, 65536),
    responseBody: captureBody(response, 65536),
    ...overrides,
  };
}

export const TEST_AUDIT_CONFIG = { queueSize: 10_000, flushMs: 50, retentionDays: 90, maxBytes: 65536 };

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
