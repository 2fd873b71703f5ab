/**
 * The built service as a real process under load: SIGTERM while requests are in flight loses no audit record.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createApiUser } from "../../src/keys/keys.service.js";
import { createTenant } from "../../src/tenants/tenants.service.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { captureLogs } from "../harness/log-capture.js";
import { spawnService, type SpawnedService } from "../harness/spawn-service.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

describe("audit on SIGTERM (service process)", () => {
  let testDb: TestDatabase | undefined;
  let database: Database | undefined;
  let upstream: FakeUpstream | undefined;
  let svc: SpawnedService | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    svc?.proc.kill("SIGKILL");
    await database?.close();
    await upstream?.close();
    await testDb?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("writes a record for every answered request when stopped mid-load", async () => {
    testDb = await createTestDatabase("auditsigterm");
    upstream = await startFakeUpstream({ delayMs: 30 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-audit-sigterm-"));
    svc = spawnService({
      DATABASE_URL: testDb.url,
      HERMES_DATA_DIR: dataDir,
      HERMES_ADMIN_PORT: "0",
      HERMES_PRE_AI_API_PORT: "0",
      HERMES_POST_AI_API_PORT: "0",
      HERMES_SHUTDOWN_GRACE_MS: "5000",
      LOG_LEVEL: "info",
    });
    await svc.waitFor(/"service: listening"/);
    const listening = svc
      .output()
      .split("\n")
      .find((l) => l.includes('"service: listening"'))!;
    const { pre } = JSON.parse(listening) as { pre: number };

    database = await openDatabase({ url: testDb.url, poolMax: 2, dataDir, logger: captureLogs().logger });
    const tenant = await createTenant(
      { db: database.db, secretKey: undefined },
      {
        id: "sigterm",
        name: "SIGTERM",
        preUpstreamUrl: upstream.url,
        postUpstreamUrl: null,
        upstreamApiKey: null,
      },
      SYSTEM_ACTOR,
    );
    const { apiKey } = await createApiUser(
      { db: database.db, keyPepper: undefined },
      { name: "loader", tenantId: tenant.id, gateways: ["pre"], rpmLimit: null, monthlyTokenCap: null },
      SYSTEM_ACTOR,
    );

    const answered: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const res = await fetch(`http://127.0.0.1:${pre}/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
            body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(2_000) }] }),
          });
          await res.text();
          answered.push(res.headers.get("x-request-id")!);
        } catch {
          // Refused once the listener has closed: that request never reached the service.
          stop = true;
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (answered.length < 300) await new Promise((r) => setTimeout(r, 10));
    svc.proc.kill("SIGTERM");
    expect(await svc.exited).toEqual({ code: 0, signal: null });
    stop = true;
    await Promise.all(workers);

    const rows = await database.db.selectFrom("audit_log").select("request_id").execute();
    const stored = new Set(rows.map((r) => r.request_id));
    expect(rows.length).toBe(stored.size);
    expect(answered.filter((id) => !stored.has(id))).toEqual([]);
    expect(svc.output()).toContain('"audit: drained"');
    // Everything reached the database, so the spool is empty.
    expect(fs.readdirSync(path.join(dataDir, "audit-spool"))).toEqual([]);
  });
});
