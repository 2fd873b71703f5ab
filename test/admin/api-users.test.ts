import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ApiUserListResponse,
  ApiUserResponse,
  IssuedKeyResponse,
} from "../../src/admin/routes/api-users/api-user-response.js";
import type { UsageResponse } from "../../src/admin/routes/api-users/usage.js";
import { isWellFormedApiKey } from "../../src/keys/key-format.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let svc: TestService;
let admin: AdminClient;
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
  expect((await admin.post("/api/admin/tenants", { id: "other", name: "Other" })).status).toBe(201);
});
afterAll(async () => {
  await svc.close();
});

const thisMonth = new Date().toISOString().slice(0, 7);

async function create(body: Record<string, unknown>) {
  const res = await admin.post<IssuedKeyResponse>("/api/admin/api-users", body);
  if (res.status === 201) svc.secret(res.body.api_key);
  return res;
}

describe("API users API", () => {
  it("creates a user and shows its key exactly once", async () => {
    const res = await create({
      name: "billing-bot",
      tenant_id: "default",
      gateways: ["post", "pre"],
      rpm_limit: 120,
      monthly_token_cap: 1_000_000,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { api_user: user, api_key: key } = res.body;
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(user).toMatchObject({
      name: "billing-bot",
      tenant_id: "default",
      gateways: ["post", "pre"].sort(),
      rpm_limit: 120,
      monthly_token_cap: 1_000_000,
      status: "active",
      key_prefix: key.slice(0, 12),
      last_used_at: null,
      revoked_at: null,
      usage: { month: thisMonth, tokens_used: 0, tokens_reserved: 0, requests: 0 },
    });
    expect(user.id).toMatch(/^usr_/);
    // Never again: not in get, list, or the trail.
    const got = await admin.get<ApiUserResponse>(`/api/admin/api-users/${user.id}`);
    expect(got.body).toEqual(user);
    const list = await admin.get<ApiUserListResponse>("/api/admin/api-users");
    expect(list.text).not.toContain(key);
    expect(list.body.data.map((u) => u.id)).toContain(user.id);
    const events = await svc.db
      .selectFrom("admin_events")
      .selectAll()
      .where("target_id", "=", user.id)
      .execute();
    expect(events.map((e) => e.action)).toEqual(["api_user.create"]);
    expect(JSON.stringify(events)).not.toContain(key);
    expect(JSON.stringify(await svc.db.selectFrom("api_users").selectAll().execute())).not.toContain(key);
  });

  it("lists users filtered by tenant, defaults limits to unlimited", async () => {
    const res = await create({ name: "other-user", tenant_id: "other", gateways: ["pre"] });
    expect(res.body.api_user).toMatchObject({ rpm_limit: null, monthly_token_cap: null, gateways: ["pre"] });
    const list = await admin.get<ApiUserListResponse>("/api/admin/api-users?tenant_id=other");
    expect(list.body.data.map((u) => u.name)).toEqual(["other-user"]);
    expect(list.body).toMatchObject({ total: 1, page: 1, limit: 50 });
  });

  it("updates, rotates, revokes and deletes, recording each with a secret-free diff", async () => {
    const { api_user: user, api_key: firstKey } = (
      await create({ name: "rotating", tenant_id: "default", gateways: ["pre"], rpm_limit: 10 })
    ).body;
    const patched = await admin.patch<ApiUserResponse>(`/api/admin/api-users/${user.id}`, {
      name: "rotating-2",
      gateways: ["pre", "post"],
      rpm_limit: null,
      monthly_token_cap: 500,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: "rotating-2",
      gateways: ["post", "pre"],
      rpm_limit: null,
      monthly_token_cap: 500,
    });

    const rotated = await admin.post<IssuedKeyResponse>(`/api/admin/api-users/${user.id}/rotate`);
    expect(rotated.status).toBe(200);
    svc.secret(rotated.body.api_key);
    expect(rotated.body.api_key).not.toBe(firstKey);
    expect(rotated.body.api_user.key_prefix).toBe(rotated.body.api_key.slice(0, 12));

    const revoked = await admin.post<ApiUserResponse>(`/api/admin/api-users/${user.id}/revoke`);
    expect(revoked.body.status).toBe("revoked");
    expect(revoked.body.revoked_at).not.toBeNull();
    const rotateRevoked = await admin.post<{ error: { code: string } }>(
      `/api/admin/api-users/${user.id}/rotate`,
    );
    expect(rotateRevoked.status).toBe(409);

    expect((await admin.delete(`/api/admin/api-users/${user.id}`)).status).toBe(204);
    expect((await admin.get(`/api/admin/api-users/${user.id}`)).status).toBe(404);

    const events = await svc.db
      .selectFrom("admin_events")
      .selectAll()
      .where("target_id", "=", user.id)
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.action)).toEqual([
      "api_user.create",
      "api_user.update",
      "api_user.rotate",
      "api_user.revoke",
      "api_user.delete",
    ]);
    expect(events[1]!.diff).toEqual({
      before: { name: "rotating", gateways: ["pre"], rpm_limit: 10, monthly_token_cap: null },
      after: { name: "rotating-2", gateways: ["post", "pre"], rpm_limit: null, monthly_token_cap: 500 },
    });
    const text = JSON.stringify(events);
    expect(text).not.toContain(firstKey);
    expect(text).not.toContain(rotated.body.api_key);
  });

  it("reports a month's usage with its daily breakdown, and this month's usage in the user", async () => {
    const { api_user: user } = (
      await create({ name: "metered", tenant_id: "default", gateways: ["pre"], monthly_token_cap: 9000 })
    ).body;
    await svc.db
      .insertInto("usage_monthly")
      .values([
        {
          api_user_id: user.id,
          month: `${thisMonth}-01`,
          tokens_used: 1234,
          tokens_reserved: 50,
          requests: 7,
          updated_at: new Date(),
        },
        {
          api_user_id: user.id,
          month: "2025-02-01",
          tokens_used: 99,
          tokens_reserved: 0,
          requests: 1,
          updated_at: new Date(),
        },
      ])
      .execute();
    await svc.db
      .insertInto("usage_daily")
      .values([
        { api_user_id: user.id, day: `${thisMonth}-02`, tokens: 1000, requests: 5 },
        { api_user_id: user.id, day: `${thisMonth}-01`, tokens: 234, requests: 2 },
        { api_user_id: user.id, day: "2025-02-28", tokens: 99, requests: 1 },
        { api_user_id: user.id, day: "2025-03-01", tokens: 1, requests: 1 },
      ])
      .execute();
    const usage = await admin.get<UsageResponse>(`/api/admin/api-users/${user.id}/usage`);
    const zeroOutcomes = { ok: 0, client_errors: 0, rate_limited: 0, quota_exceeded: 0, upstream_errors: 0 };
    const today = new Date().getUTCDate();
    expect(usage.body).toMatchObject({
      month: thisMonth,
      tokens_used: 1234,
      tokens_reserved: 50,
      monthly_token_cap: 9000,
      requests: 7,
      outcomes: zeroOutcomes,
    });
    // Every day up to today, zeros included.
    expect(usage.body.daily.map((d) => d.day)).toEqual(
      Array.from({ length: today }, (_, i) => `${thisMonth}-${String(i + 1).padStart(2, "0")}`),
    );
    expect(usage.body.daily[0]).toEqual({
      day: `${thisMonth}-01`,
      tokens: 234,
      requests: 2,
      ...zeroOutcomes,
    });
    if (today >= 2)
      expect(usage.body.daily[1]).toEqual({
        day: `${thisMonth}-02`,
        tokens: 1000,
        requests: 5,
        ...zeroOutcomes,
      });
    const feb = await admin.get<UsageResponse>(`/api/admin/api-users/${user.id}/usage?month=2025-02`);
    expect(feb.body).toMatchObject({ month: "2025-02", tokens_used: 99, requests: 1 });
    expect(feb.body.daily).toHaveLength(28);
    expect(feb.body.daily.filter((d) => d.tokens > 0)).toEqual([
      { day: "2025-02-28", tokens: 99, requests: 1, ...zeroOutcomes },
    ]);
    const empty = await admin.get<UsageResponse>(`/api/admin/api-users/${user.id}/usage?month=2024-01`);
    expect(empty.body).toMatchObject({
      tokens_used: 0,
      tokens_reserved: 0,
      requests: 0,
      outcomes: zeroOutcomes,
    });
    expect(empty.body.daily.every((d) => d.tokens === 0 && d.requests === 0)).toBe(true);
    const future = await admin.get<UsageResponse>(`/api/admin/api-users/${user.id}/usage?month=2999-01`);
    expect(future.body.daily).toEqual([]);

    const got = await admin.get<ApiUserResponse>(`/api/admin/api-users/${user.id}`);
    expect(got.body.usage).toMatchObject({
      month: thisMonth,
      tokens_used: 1234,
      tokens_reserved: 50,
      requests: 7,
    });
  });
});
