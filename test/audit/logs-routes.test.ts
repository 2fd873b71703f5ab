/**
 * The admin audit routes over real HTTP on the real service: session guard, JSONL export, list with cursor, detail.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureBody, type AuditRecord } from "../../src/audit/audit-record.js";
import { ADMIN_ENV, AdminClient, signedInClient } from "../admin/admin-client.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { makeRecord } from "./audit-fixtures.js";

const EXPORT_KEYS = [
  "id",
  "ts",
  "request_id",
  "gateway",
  "api_user_id",
  "api_user_name",
  "tenant_id",
  "method",
  "path",
  "model",
  "status",
  "stream",
  "latency_ms",
  "ttfb_ms",
  "usage",
  "client_ip",
  "user_agent",
  "prompt",
  "response",
  "request_truncated",
  "response_truncated",
  "error",
  "aborted",
];

type Line = Record<string, unknown> & { ts: string; id: number; request_id: string };

describe("admin audit log routes", () => {
  let svc: TestService;
  let admin: AdminClient;
  const now = Date.now();
  const userA: AuditRecord[] = [];
  const userB: AuditRecord[] = [];

  beforeAll(async () => {
    svc = await startTestService({ env: ADMIN_ENV });
    // 1,100 records for A, one group an hour over a week, seven per millisecond so page edges fall inside ties.
    for (let i = 0; i < 1_100; i++) {
      const ts = new Date(now - 3 * 86_400_000 + Math.floor(i / 7) * 3_600_000);
      userA.push(
        makeRecord({
          ts,
          apiUserId: "usr_a",
          apiUserName: "Alice",
          gateway: i % 2 ? "pre" : "post",
          status: i % 7 === 0 ? 429 : 200,
          tenantId: i % 3 === 0 ? "acme" : "default",
        }),
      );
    }
    for (let i = 0; i < 40; i++)
      userB.push(makeRecord({ ts: new Date(now - i * 60_000), apiUserId: "usr_b" }));
    // Recorded out of time order, as a busy gateway would.
    for (const r of [...userB, ...userA].reverse()) svc.deps.audit.record(r);
    await svc.deps.audit.flush();
    admin = await signedInClient(svc);
  });

  afterAll(async () => {
    await svc?.close();
  });

  async function download(query: string): Promise<{ status: number; headers: Headers; lines: Line[] }> {
    const res = await fetch(`${svc.urls.admin}/api/admin/logs/download?${query}`, {
      headers: { cookie: admin.cookie! },
    });
    const text = await res.text();
    const lines = text === "" ? [] : text.split("\n").filter((l, i, all) => i < all.length - 1 || l !== "");
    return { status: res.status, headers: res.headers, lines: lines.map((l) => JSON.parse(l) as Line) };
  }

  it("refuses every audit route without a session", async () => {
    const anon = new AdminClient(svc.urls.admin);
    for (const path of [
      "/api/admin/logs/download?api_user_id=usr_a",
      "/api/admin/logs",
      "/api/admin/logs/1",
    ]) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(401);
      expect(res.text).not.toContain("usr_a");
    }
  });

  it("exports exactly one user's records, oldest first, one JSON object per line", async () => {
    const res = await download("api_user_id=usr_a");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="audit-usr_a-\d{8}T\d{6}Z\.jsonl"$/,
    );
    expect(res.lines).toHaveLength(userA.length);
    expect(new Set(res.lines.map((l) => l.request_id))).toEqual(new Set(userA.map((r) => r.requestId)));
    expect(res.lines.every((l) => l.api_user_id === "usr_a")).toBe(true);
    for (let i = 1; i < res.lines.length; i++) {
      const a = res.lines[i - 1]!;
      const b = res.lines[i]!;
      expect(a.ts < b.ts || (a.ts === b.ts && a.id < b.id)).toBe(true);
    }
    const line = res.lines[0]!;
    expect(Object.keys(line)).toEqual(EXPORT_KEYS);
    const source = userA.find((r) => r.requestId === line.request_id)!;
    expect(line).toMatchObject({
      ts: source.ts.toISOString(),
      gateway: source.gateway,
      api_user_name: "Alice",
      method: "POST",
      path: "/v1/chat/completions",
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, source: "provider" },
      prompt: JSON.parse(source.requestBody!.text),
      response: JSON.parse(source.responseBody!.text),
      request_truncated: false,
      error: null,
      aborted: false,
    });
  });

  it("filters the export by time range, gateway, tenant and status", async () => {
    const from = new Date(now - 2 * 86_400_000);
    const to = new Date(now - 86_400_000);
    const expected = userA.filter(
      (r) => r.ts >= from && r.ts < to && r.gateway === "pre" && r.tenantId === "acme" && r.status === 429,
    );
    expect(expected.length).toBeGreaterThan(0);
    const q = `api_user_id=usr_a&from=${from.toISOString()}&to=${to.toISOString()}&gateway=pre&tenant_id=acme&status=429`;
    const res = await download(q);
    expect(res.lines.map((l) => l.request_id).sort()).toEqual(expected.map((r) => r.requestId).sort());

    const classRes = await download("api_user_id=usr_a&status=4xx");
    expect(classRes.lines).toHaveLength(userA.filter((r) => r.status === 429).length);
    expect((await download("api_user_id=nobody")).lines).toEqual([]);
  });

  it("exports a truncated or non-JSON body as a string", async () => {
    const big = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(3_000) }] });
    const r = makeRecord({
      apiUserId: "usr_c",
      requestBody: captureBody(big, 1_000),
      responseBody: captureBody("not json", 1_000),
    });
    svc.deps.audit.record(r);
    await svc.deps.audit.flush();
    const [line] = (await download("api_user_id=usr_c")).lines;
    expect(line).toMatchObject({ request_truncated: true, response_truncated: false, response: "not json" });
    expect(typeof line!.prompt).toBe("string");
    expect(big.startsWith(line!.prompt as string)).toBe(true);
  });

  it("answers 400 invalid_request for bad filters", async () => {
    for (const q of [
      "from=yesterday",
      "to=2026-02-30",
      "from=2026-11-23T10:00:00",
      "from=2026-11-24&to=2026-11-23",
      "gateway=middle",
      "status=99",
    ]) {
      const list = await admin.get<{ error: { code: string; message: string } }>(`/api/admin/logs?${q}`);
      expect(list.status, q).toBe(400);
      expect(list.body.error.code).toBe("invalid_request");
      const dl = await admin.get(`/api/admin/logs/download?${q}`);
      expect(dl.status, q).toBe(400);
    }
    expect((await admin.get("/api/admin/logs?limit=501")).status).toBe(400);
    expect((await admin.get("/api/admin/logs?cursor=garbage")).status).toBe(400);
    expect((await admin.get("/api/admin/logs/abc")).status).toBe(400);
  });

  it("lists newest first without bodies, and pages with the cursor through every record once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof admin.get<{ data: Line[]; next_cursor: string | null }>>> =
        await admin.get(`/api/admin/logs?api_user_id=usr_a&limit=500${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      for (const item of res.body.data) {
        expect(item).not.toHaveProperty("prompt");
        expect(item).not.toHaveProperty("response");
        seen.push(item.request_id);
      }
      const ts = res.body.data.map((d) => d.ts);
      expect([...ts].sort().reverse()).toEqual(ts);
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(userA.length);
    expect(new Set(seen).size).toBe(userA.length);
  });

  it("pages rows stored with microsecond timestamps without repeating or skipping any", async () => {
    // Rows not written by our writer (a restore, another tool) may carry microseconds a JS Date cannot hold.
    await sql`
      INSERT INTO audit_log (ts, request_id, gateway, api_user_id, method, path, status, latency_ms)
      SELECT now() - g * interval '1 millisecond' + (g % 7) * interval '1 microsecond', 'req_us_' || g, 'pre',
        'usr_us', 'POST', '/v1/models', 200, 1
      FROM generate_series(1, 1234) g`.execute(svc.db);
    const exported = (await download("api_user_id=usr_us")).lines.map((l) => l.request_id);
    expect(exported).toHaveLength(1_234);
    expect(new Set(exported).size).toBe(1_234);
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof admin.get<{ data: Line[]; next_cursor: string | null }>>> =
        await admin.get(`/api/admin/logs?api_user_id=usr_us&limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      listed.push(...res.body.data.map((d) => d.request_id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(listed).toHaveLength(1_234);
    expect(new Set(listed).size).toBe(1_234);
  });

  it("shows one record with its bodies, 404 for an unknown id", async () => {
    const list = await admin.get<{ data: Line[] }>("/api/admin/logs?api_user_id=usr_b&limit=1");
    const item = list.body.data[0]!;
    const detail = await admin.get<Line>(`/api/admin/logs/${item.id}`);
    expect(detail.status).toBe(200);
    const source = userB.find((r) => r.requestId === item.request_id)!;
    expect(detail.body).toMatchObject({
      id: item.id,
      request_id: source.requestId,
      prompt: JSON.parse(source.requestBody!.text),
      response: JSON.parse(source.responseBody!.text),
      request_bytes: source.requestBody!.bytes,
    });
    const missing = await admin.get<{ error: { code: string } }>("/api/admin/logs/999999999");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });
});
