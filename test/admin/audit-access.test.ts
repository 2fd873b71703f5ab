/**
 * Reading prompts leaves a trace: every view of a record's bodies and every JSONL export is in the admin action
 * trail under the signed-in admin's name (with the export's filters); and the list's model and request-id filters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminEventPageResponse } from "../../src/admin/routes/events/index.js";
import type { AuditLogDetail, AuditLogPage } from "../../src/admin/routes/logs/index.js";
import type { AuditRecord } from "../../src/audit/audit-record.js";
import { makeRecord } from "../audit/audit-fixtures.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_PASSWORD, AdminClient } from "./admin-client.js";

const ADMIN = "auditor-jane";
let svc: TestService;
let admin: AdminClient;
const records: AuditRecord[] = [];

beforeAll(async () => {
  svc = await startTestService({
    env: { HERMES_ADMIN_USERNAME: ADMIN, HERMES_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  admin = new AdminClient(svc.urls.admin);
  expect((await admin.login(ADMIN)).status).toBe(200);
  svc.secret(admin.cookie!.split("=")[1]!);
  for (let i = 0; i < 6; i++) {
    records.push(
      makeRecord({
        ts: new Date(Date.now() - 60_000 + i),
        apiUserId: i < 4 ? "usr_alice" : "usr_bob",
        model: i % 2 === 0 ? "model-even" : "model-odd",
        status: i === 3 ? 429 : 200,
      }),
    );
  }
  for (const r of records) svc.deps.audit.record(r);
  await svc.deps.audit.flush();
});

afterAll(async () => {
  await svc?.close();
});

async function trail(action: string) {
  const res = await admin.get<AdminEventPageResponse>(
    `/api/admin/events?action=${encodeURIComponent(action)}`,
  );
  expect(res.status).toBe(200);
  return res.body.data;
}

describe("reading bodies is recorded in the action trail", () => {
  it("records audit.view for each record opened, named after the admin, and nothing for a missing one", async () => {
    const page = await admin.get<AuditLogPage>("/api/admin/logs?api_user_id=usr_alice");
    // Listing shows no bodies and records nothing.
    expect(await trail("audit.")).toEqual([]);
    const item = page.body.data[0]!;
    const detail = await admin.get<AuditLogDetail>(`/api/admin/logs/${item.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.prompt).toBeTruthy();
    expect((await admin.get(`/api/admin/logs/${item.id}`)).status).toBe(200);
    expect((await admin.get("/api/admin/logs/987654321")).status).toBe(404);

    const views = await trail("audit.view");
    expect(views).toHaveLength(2);
    for (const v of views) {
      expect(v).toMatchObject({
        actor: ADMIN,
        ip: "127.0.0.1",
        action: "audit.view",
        target_type: "audit_log",
        target_id: String(item.id),
        diff: { api_user_id: "usr_alice", request_id: item.request_id },
      });
    }
    // The trail names whose record was read, never what it said.
    expect(JSON.stringify(views)).not.toContain("hello");
  });

  it("records audit.export with the filters used, before the download streams", async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const query = `api_user_id=usr_alice&status=2xx&model=model-even&from=${encodeURIComponent(from)}`;
    const res = await fetch(`${svc.urls.admin}/api/admin/logs/download?${query}`, {
      headers: { cookie: admin.cookie! },
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\n");
    expect(lines).toHaveLength(2);
    const exported = lines.map((l) => JSON.parse(l) as { model: string; api_user_id: string });
    expect(exported.every((l) => l.model === "model-even" && l.api_user_id === "usr_alice")).toBe(true);

    // An export that matches nothing was still asked for, and is recorded.
    const none = await fetch(`${svc.urls.admin}/api/admin/logs/download?q=req_nothing`, {
      headers: { cookie: admin.cookie! },
    });
    expect(await none.text()).toBe("");

    const exports = await trail("audit.export");
    expect(exports).toHaveLength(2);
    expect(exports[1]).toMatchObject({
      actor: ADMIN,
      action: "audit.export",
      target_type: "audit_log",
      target_id: null,
      diff: { filters: { api_user_id: "usr_alice", status: "2xx", model: "model-even", from } },
    });
    expect(exports[0]!.diff).toEqual({ filters: { q: "req_nothing" } });
    // Both kinds under the "audit." prefix, newest first.
    expect((await trail("audit.")).map((e) => e.action)).toEqual([
      "audit.export",
      "audit.export",
      "audit.view",
      "audit.view",
    ]);
  });

  it("records nothing when the session is gone or the filters are refused", async () => {
    const before = (await trail("audit.")).length;
    const anon = new AdminClient(svc.urls.admin);
    expect((await anon.get(`/api/admin/logs/download?api_user_id=usr_alice`)).status).toBe(401);
    expect((await admin.get(`/api/admin/logs/download?status=abc`)).status).toBe(400);
    expect((await trail("audit.")).length).toBe(before);
  });
});

describe("GET /api/admin/logs: model and request id filters", () => {
  it("filters by exact model and by exact request id, in the list and the export", async () => {
    const odd = await admin.get<AuditLogPage>("/api/admin/logs?model=model-odd");
    expect(odd.body.data.map((d) => d.request_id).sort()).toEqual(
      records
        .filter((r) => r.model === "model-odd")
        .map((r) => r.requestId)
        .sort(),
    );
    expect((await admin.get<AuditLogPage>("/api/admin/logs?model=model")).body.data).toEqual([]);
    const target = records[4]!;
    const byId = await admin.get<AuditLogPage>(`/api/admin/logs?q=${target.requestId}`);
    expect(byId.body.data.map((d) => d.request_id)).toEqual([target.requestId]);
    expect(
      (await admin.get<AuditLogPage>(`/api/admin/logs?q=${target.requestId.slice(0, 10)}`)).body.data,
    ).toEqual([]);
    for (const q of ["model=", "q=", `model=${"m".repeat(201)}`]) {
      const res = await admin.get<{ error: { code: string } }>(`/api/admin/logs?${q}`);
      expect(res.status, q).toBe(400);
    }
  });
});
