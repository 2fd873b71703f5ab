import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminEventResponse } from "../../src/admin/routes/events/index.js";
import { deleteAdminEventsBefore, insertAdminEvent } from "../../src/admin-events/admin-events.repository.js";
import { decodeCursor, encodeCursor } from "../../src/admin-events/admin-events.service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "../admin/admin-client.js";
import { startTestService, type TestService } from "../harness/test-service.js";

let svc: TestService;
let admin: AdminClient;
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
  for (let i = 0; i < 7; i++) {
    expect((await admin.post("/api/admin/tenants", { id: `ev-${i}`, name: `Event ${i}` })).status).toBe(201);
  }
  expect((await admin.patch("/api/admin/tenants/ev-3", { name: "Renamed" })).status).toBe(200);
});
afterAll(async () => {
  await svc.close();
});

type Page = { data: AdminEventResponse[]; next_cursor: string | null };

describe("admin action trail API", () => {
  it("lists newest first with actor, time, IP, action, target and diff", async () => {
    const res = await admin.get<Page>("/api/admin/events?limit=3");
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(3);
    const [latest] = res.body.data;
    expect(latest).toMatchObject({
      actor: "admin",
      ip: "127.0.0.1",
      action: "tenant.update",
      target_type: "tenant",
      target_id: "ev-3",
      diff: { before: { name: "Event 3" }, after: { name: "Renamed" } },
    });
    expect(Date.parse(latest!.ts)).toBeLessThanOrEqual(Date.now());
    const ids = res.body.data.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it("pages with next_cursor through every event exactly once", async () => {
    const all = await admin.get<Page>("/api/admin/events?limit=500");
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/admin/events?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page: Page = (await admin.get<Page>(url)).body;
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.body.data.map((e) => e.id));
    expect(all.body.next_cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("filters by action (exact or prefix), actor, target and time", async () => {
    const creates = await admin.get<Page>("/api/admin/events?action=tenant.create&limit=500");
    expect(creates.body.data).toHaveLength(7);
    const tenantAll = await admin.get<Page>("/api/admin/events?action=tenant.&limit=500");
    expect(tenantAll.body.data).toHaveLength(8);
    const target = await admin.get<Page>("/api/admin/events?target_type=tenant&target_id=ev-3");
    expect(target.body.data.map((e) => e.action)).toEqual(["tenant.update", "tenant.create"]);
    const logins = await admin.get<Page>("/api/admin/events?action=auth.login&actor=admin");
    expect(logins.body.data).toHaveLength(1);
    expect((await admin.get<Page>("/api/admin/events?actor=nobody")).body.data).toEqual([]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await admin.get<Page>(`/api/admin/events?from=${future}`)).body.data).toEqual([]);
    const past = await admin.get<Page>(`/api/admin/events?to=${future}&action=tenant.create`);
    expect(past.body.data).toHaveLength(7);
  });

  it("deletes rows older than a cutoff for retention, keeping newer ones", async () => {
    await insertAdminEvent(svc.db, { username: "system", ip: null }, { action: "test.old" });
    await svc.db
      .updateTable("admin_events")
      .set({ ts: new Date("2020-01-01T00:00:00Z") } as never)
      .where("action", "=", "test.old")
      .execute();
    const before = (await svc.db.selectFrom("admin_events").select("id").execute()).length;
    const deleted = await deleteAdminEventsBefore(svc.db, new Date("2021-01-01T00:00:00Z"));
    expect(deleted).toBe(1);
    expect((await svc.db.selectFrom("admin_events").select("id").execute()).length).toBe(before - 1);
  });

  it("round-trips cursors and rejects foreign ones", () => {
    expect(decodeCursor(encodeCursor(12345))).toBe(12345);
    expect(() => decodeCursor("bm9wZQ")).toThrow(/cursor/);
  });
});
