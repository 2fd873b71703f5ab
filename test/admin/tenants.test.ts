import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantListResponse, TenantResponse } from "../../src/admin/routes/tenants/index.js";
import { CHANNELS } from "../../src/db/notifications.js";
import { monthOf } from "../../src/usage/usage-period.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

const SECRET_KEY = randomBytes(32).toString("hex");
let svc: TestService;
let admin: AdminClient;
beforeAll(async () => {
  svc = await startTestService({ env: { ...ADMIN_ENV, HERMES_SECRET_KEY: SECRET_KEY } });
  svc.secret(SECRET_KEY);
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
});
afterAll(async () => {
  await svc.close();
});

async function events(targetId: string) {
  return svc.db
    .selectFrom("admin_events")
    .selectAll()
    .where("target_type", "=", "tenant")
    .where("target_id", "=", targetId)
    .orderBy("id")
    .execute();
}

describe("tenants API", () => {
  it("creates, lists, gets, updates and deletes a tenant, with a trail row per change", async () => {
    const upstreamKey = svc.secret(`sk-upstream-${randomBytes(12).toString("hex")}`);
    const notices: string[] = [];
    const unlisten = await svc.deps.database.listen(CHANNELS.tenantChanged, (p) => p && notices.push(p));

    const created = await admin.post<TenantResponse>("/api/admin/tenants", {
      id: "acme",
      name: "Acme",
      pre_upstream_url: "http://127.0.0.1:9001/v1",
      post_upstream_url: "https://hermes.acme.example/v1",
      upstream_api_key: upstreamKey,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: "acme",
      name: "Acme",
      pre_upstream_url: "http://127.0.0.1:9001/v1",
      post_upstream_url: "https://hermes.acme.example/v1",
      has_upstream_api_key: true,
    });
    expect(created.body.upstream_api_key_fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(created.text).not.toContain(upstreamKey);
    expect(Object.keys(created.body)).not.toContain("upstream_api_key");

    // Encrypted at rest with HERMES_SECRET_KEY.
    const row = await svc.db
      .selectFrom("tenants")
      .selectAll()
      .where("id", "=", "acme")
      .executeTakeFirstOrThrow();
    expect(row.upstream_api_key).toMatch(/^v1:/);
    expect(row.upstream_api_key).not.toContain(upstreamKey);

    expect(created.body).toMatchObject({ api_users_count: 0, tokens_this_month: 0 });
    const list = await admin.get<TenantListResponse>("/api/admin/tenants");
    expect(list.body.data.map((t) => t.id)).toEqual(["default", "acme"]);
    expect(list.text).not.toContain(upstreamKey);
    const one = await admin.get<TenantResponse>("/api/admin/tenants/acme");
    expect(one.body).toEqual(created.body);

    const renamed = await admin.patch<TenantResponse>("/api/admin/tenants/acme", {
      name: "Acme Corp",
      pre_upstream_url: null,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: "Acme Corp",
      pre_upstream_url: null,
      has_upstream_api_key: true,
    });

    const newKey = svc.secret(`sk-upstream-${randomBytes(12).toString("hex")}`);
    const rekeyed = await admin.patch<TenantResponse>("/api/admin/tenants/acme", {
      upstream_api_key: newKey,
    });
    expect(rekeyed.body.upstream_api_key_fingerprint).not.toBe(created.body.upstream_api_key_fingerprint);
    const cleared = await admin.patch<TenantResponse>("/api/admin/tenants/acme", { upstream_api_key: null });
    expect(cleared.body).toMatchObject({ has_upstream_api_key: false, upstream_api_key_fingerprint: null });

    expect((await admin.delete("/api/admin/tenants/acme")).status).toBe(204);
    expect((await admin.get("/api/admin/tenants/acme")).status).toBe(404);

    const trail = await events("acme");
    expect(trail.map((e) => e.action)).toEqual([
      "tenant.create",
      "tenant.update",
      "tenant.update",
      "tenant.update",
      "tenant.delete",
    ]);
    for (const e of trail) expect(e).toMatchObject({ actor: "admin", ip: "127.0.0.1" });
    expect(trail[1]!.diff).toEqual({
      before: { name: "Acme", pre_upstream_url: "http://127.0.0.1:9001/v1" },
      after: { name: "Acme Corp", pre_upstream_url: null },
    });
    const trailText = JSON.stringify(trail);
    expect(trailText).not.toContain(upstreamKey);
    expect(trailText).not.toContain(newKey);

    // Every change told the caches, after its commit.
    await expect.poll(() => notices.filter((n) => n === "acme").length).toBe(5);
    await unlisten();
  });

  it("refuses to delete a tenant that still has API users (409), and the default tenant", async () => {
    expect((await admin.post("/api/admin/tenants", { id: "busy", name: "Busy" })).status).toBe(201);
    const user = await admin.post<{ api_key: string }>("/api/admin/api-users", {
      name: "svc",
      tenant_id: "busy",
      gateways: ["pre"],
    });
    svc.secret(user.body.api_key);
    const res = await admin.delete<{ error: { message: string; code: string } }>("/api/admin/tenants/busy");
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: "conflict",
      message: "Tenant 'busy' still has 1 API user; delete them first.",
    });
    expect((await admin.get("/api/admin/tenants/busy")).status).toBe(200);
    expect((await admin.delete("/api/admin/tenants/default")).status).toBe(409);
    expect((await events("busy")).map((e) => e.action)).toEqual(["tenant.create"]);
  });

  it("answers 409 for a duplicate id and 404 for an unknown one", async () => {
    expect((await admin.post("/api/admin/tenants", { id: "dup", name: "One" })).status).toBe(201);
    const dup = await admin.post<{ error: { code: string; message: string } }>("/api/admin/tenants", {
      id: "dup",
      name: "Two",
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe("A tenant with this id already exists.");
    const tenant = await admin.get<TenantResponse>("/api/admin/tenants/dup");
    expect(tenant.body.name).toBe("One");
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { name: "x" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await admin.request<{ error: { code: string; message: string } }>(
        method,
        "/api/admin/tenants/nope",
        body,
      );
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: "not_found", message: "No tenant with this id." });
    }
  });

  it("shows each tenant's API users count and the tokens they used this month", async () => {
    expect((await admin.post("/api/admin/tenants", { id: "counted", name: "Counted" })).status).toBe(201);
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) {
      const res = await admin.post<{ api_key: string; api_user: { id: string } }>("/api/admin/api-users", {
        name,
        tenant_id: "counted",
        gateways: ["post"],
      });
      svc.secret(res.body.api_key);
      ids.push(res.body.api_user.id);
    }
    const row = (id: string, month: string, used: number) => ({
      api_user_id: id,
      month,
      tokens_used: used,
      tokens_reserved: 7,
      requests: 1,
      updated_at: new Date(),
    });
    // Reserved tokens and last month's use are not this month's tokens.
    await svc.db
      .insertInto("usage_monthly")
      .values([
        row(ids[0]!, monthOf(new Date()), 1200),
        row(ids[1]!, monthOf(new Date()), 34),
        row(ids[2]!, "2025-01-01", 999),
      ])
      .execute();
    const one = await admin.get<TenantResponse>("/api/admin/tenants/counted");
    expect(one.body).toMatchObject({ api_users_count: 3, tokens_this_month: 1234 });
    const list = await admin.get<TenantListResponse>("/api/admin/tenants");
    expect(list.body.data.find((t) => t.id === "counted")).toEqual(one.body);
    expect(list.body.data.find((t) => t.id === "dup")).toMatchObject({
      api_users_count: 0,
      tokens_this_month: 0,
    });
    const renamed = await admin.patch<TenantResponse>("/api/admin/tenants/counted", { name: "Counted 2" });
    expect(renamed.body).toMatchObject({ api_users_count: 3, tokens_this_month: 1234 });
  });
});
