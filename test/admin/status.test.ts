import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { StatusResponse } from "../../src/admin/routes/status/index.js";
import { sql } from "kysely";
import { makeRecord } from "../audit/audit-fixtures.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient } from "./admin-client.js";

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

const VERSION = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string }).version;

describe("GET /api/admin/status", () => {
  it("reports version, commit, uptime, database kind and health, and the audit counters (PostgreSQL)", async () => {
    svc = await startTestService({ env: { ...ADMIN_ENV, HERMES_GIT_COMMIT: "0123456789abcdef" } });
    const admin = await signedInClient(svc);
    svc.secret(admin.cookie!.split("=")[1]!);
    const res = await admin.get<StatusResponse>("/api/admin/status");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: VERSION,
      git_commit: "0123456789abcdef",
      database: { kind: "postgres", healthy: true, reason: null },
    });
    expect(res.body.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(res.body.started_at)).toBeLessThanOrEqual(Date.now());
    expect(res.body.audit).toMatchObject({
      queue_depth: expect.any(Number),
      spool_bytes: expect.any(Number),
      rows_written: expect.any(Number),
      write_errors: expect.any(Number),
    });
    expect(res.body.audit).toHaveProperty("last_retention_run");
    expect(res.body).toMatchObject({ retention_days: 90, audit_max_bytes: 65536 });
    expect(res.body.tenants).toEqual([
      { id: "default", name: expect.any(String), pre_upstream_url: null, post_upstream_url: null },
    ]);
    expect(res.text).not.toContain("postgres://");
    // This service's gateway instance, registered at start for giving back reservations if it dies.
    let instances = res.body.instances;
    for (let i = 0; i < 100 && instances?.length !== 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      instances = (await admin.get<StatusResponse>("/api/admin/status")).body.instances;
    }
    expect(instances).toEqual([
      {
        id: expect.stringMatching(/^.+:\d+:[0-9a-f]{8}$/),
        started_at: expect.any(String),
        heartbeat_age_seconds: expect.any(Number),
        tokens_reserved: 0,
      },
    ]);
    expect(instances![0]!.heartbeat_age_seconds).toBeLessThan(60);
  });

  it("shows the audit rows stored beside those written since this start, and the retention settings", async () => {
    svc = await startTestService({
      env: { ...ADMIN_ENV, HERMES_LOG_RETENTION_DAYS: "30", HERMES_AUDIT_MAX_BYTES: "1024" },
    });
    // Rows from before this start (another instance, an earlier run) count as stored, not as written.
    await sql`
      INSERT INTO audit_log (ts, request_id, gateway, method, path, status, latency_ms)
      SELECT now() - g * interval '1 second', 'req_old_' || g, 'pre', 'POST', '/v1/models', 200, 1
      FROM generate_series(1, 25) g`.execute(svc.db);
    for (let i = 0; i < 3; i++) svc.deps.audit.record(makeRecord());
    await svc.deps.audit.flush();
    const admin = await signedInClient(svc);
    svc.secret(admin.cookie!.split("=")[1]!);
    const res = await admin.get<StatusResponse>("/api/admin/status");
    expect(res.body.audit.rows_written).toBe(3);
    expect(res.body.audit.rows_stored).toBe(28);
    // Once analysed, a partition's count is the planner's estimate (exact here: nothing changed since).
    await sql`ANALYZE audit_log`.execute(svc.db);
    expect((await admin.get<StatusResponse>("/api/admin/status")).body.audit.rows_stored).toBe(28);
    expect(res.body).toMatchObject({ retention_days: 30, audit_max_bytes: 1024 });
  });

  it("says embedded on PGlite, and the whole admin flow works there", async () => {
    svc = await startTestService({ database: "embedded", env: ADMIN_ENV });
    const admin = await signedInClient(svc);
    svc.secret(admin.cookie!.split("=")[1]!);
    const res = await admin.get<StatusResponse>("/api/admin/status");
    expect(res.body.database).toEqual({ kind: "embedded", healthy: true, reason: null });
    expect(res.body.audit.rows_stored).toBe(0);
    expect(res.body.git_commit).toBeNull();
    expect((await admin.post("/api/admin/tenants", { id: "emb", name: "Embedded" })).status).toBe(201);
    const user = await admin.post<{ api_key: string; api_user: { id: string } }>("/api/admin/api-users", {
      name: "u",
      tenant_id: "emb",
      gateways: ["post"],
    });
    expect(user.status).toBe(201);
    svc.secret(user.body.api_key);
    const usage = await admin.get<{ daily: unknown[] }>(
      `/api/admin/api-users/${user.body.api_user.id}/usage`,
    );
    expect(usage.status).toBe(200);
    const events = await admin.get<{ data: { action: string }[] }>("/api/admin/events");
    expect(events.body.data.map((e) => e.action)).toEqual(["api_user.create", "tenant.create", "auth.login"]);
  });
});
