/**
 * GET /api/admin/api-users over real HTTP: server-side paging, search by name or key prefix, tenant and status
 * filters, sort orders and the badges, with usage from the real usage tables and a real rate-limit refusal from the
 * gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ApiUserListResponse,
  ApiUserResponse,
  IssuedKeyResponse,
} from "../../src/admin/routes/api-users/api-user-response.js";
import { monthOf } from "../../src/usage/usage-period.js";
import { flushAll, sdk } from "../gateway/kit.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let svc: TestService;
let upstream: FakeUpstream;
let admin: AdminClient;
const users: Record<string, IssuedKeyResponse> = {};
const month = monthOf(new Date());

async function create(name: string, tenant: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post<IssuedKeyResponse>("/api/admin/api-users", {
    name,
    tenant_id: tenant,
    gateways: ["pre", "post"],
    ...extra,
  });
  expect(res.status, name).toBe(201);
  svc.secret(res.body.api_key);
  users[name] = res.body;
  return res.body;
}

async function list(query: string) {
  const res = await admin.get<ApiUserListResponse>(`/api/admin/api-users?${query}`);
  expect(res.status, `${query}: ${res.text}`).toBe(200);
  return res.body;
}

const names = (page: ApiUserListResponse) => page.data.map((u) => u.name);

beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  upstream = await startFakeUpstream();
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
  for (const id of ["alpha", "beta"]) {
    const res = await admin.post("/api/admin/tenants", {
      id,
      name: id,
      pre_upstream_url: upstream.url,
      post_upstream_url: upstream.url,
    });
    expect(res.status).toBe(201);
  }
  await create("Zeta Bot", "alpha", { monthly_token_cap: 1000 });
  await create("zebra-2", "alpha", { monthly_token_cap: 1000 });
  await create("Apple", "alpha");
  await create("apricot", "alpha");
  await create("banana_%", "alpha");
  await create("limited", "alpha", { rpm_limit: 1 });
  for (let i = 1; i <= 4; i++) await create(`beta-${i}`, "beta");

  // This month's usage as the cap admission sees it: used + reserved.
  await svc.db
    .insertInto("usage_monthly")
    .values([
      {
        api_user_id: users["Zeta Bot"]!.api_user.id,
        month,
        tokens_used: 990,
        tokens_reserved: 10,
        requests: 3,
        updated_at: new Date(),
      },
      {
        api_user_id: users["zebra-2"]!.api_user.id,
        month,
        tokens_used: 850,
        tokens_reserved: 50,
        requests: 2,
        updated_at: new Date(),
      },
      {
        api_user_id: users["beta-1"]!.api_user.id,
        month,
        tokens_used: 5000,
        tokens_reserved: 0,
        requests: 9,
        updated_at: new Date(),
      },
    ])
    .execute();
  expect((await admin.post(`/api/admin/api-users/${users.Apple!.api_user.id}/rotate`)).status).toBe(200);
  expect((await admin.post(`/api/admin/api-users/${users.apricot!.api_user.id}/revoke`)).status).toBe(200);

  // A real refusal: the second request of the minute answers 429 rate_limit_exceeded, and the audit log has it.
  const client = sdk(svc.urls.post, users.limited!.api_key);
  const ask = () =>
    client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
  await ask();
  await expect(ask()).rejects.toMatchObject({ status: 429 });
  await flushAll(svc);
});

afterAll(async () => {
  await svc?.close();
  await upstream?.close();
});

describe("GET /api/admin/api-users: paging", () => {
  it("answers {data, total, page, limit}, newest first by default, 50 a page", async () => {
    const page = await list("");
    expect(page).toMatchObject({ total: 10, page: 1, limit: 50 });
    expect(names(page)).toEqual(
      [
        "Zeta Bot",
        "zebra-2",
        "Apple",
        "apricot",
        "banana_%",
        "limited",
        "beta-1",
        "beta-2",
        "beta-3",
        "beta-4",
      ].reverse(),
    );
  });

  it("walks every user exactly once in pages, and past the end answers an empty page with the total", async () => {
    const seen: string[] = [];
    for (let p = 1; p <= 4; p++) {
      const page = await list(`limit=3&page=${p}&sort=name`);
      expect(page).toMatchObject({ total: 10, page: p, limit: 3 });
      expect(page.data.length).toBe(p < 4 ? 3 : 1);
      seen.push(...names(page));
    }
    expect(seen).toEqual(Object.keys(users).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(await list("limit=3&page=5")).toMatchObject({ data: [], total: 10, page: 5 });
  });
});

describe("GET /api/admin/api-users: search", () => {
  it("finds a case-insensitive prefix of the name, not a substring, with LIKE wildcards taken literally", async () => {
    expect(names(await list("q=ZE&sort=name"))).toEqual(["zebra-2", "Zeta Bot"]);
    expect(names(await list("q=ap&sort=name"))).toEqual(["Apple", "apricot"]);
    expect(names(await list("q=bra"))).toEqual([]);
    expect(names(await list(`q=${encodeURIComponent("banana_%")}`))).toEqual(["banana_%"]);
    expect(names(await list(`q=${encodeURIComponent("a%")}`))).toEqual([]);
    expect(names(await list(`q=${encodeURIComponent("b_")}`))).toEqual([]);
  });

  it("finds a key prefix when the search starts with hms_, and a pasted whole key by its prefix", async () => {
    const { api_user: user, api_key: key } = users["beta-3"]!;
    expect(names(await list(`q=${user.key_prefix.slice(0, 7)}`))).toContain("beta-3");
    expect(names(await list(`q=${user.key_prefix}`))).toEqual(["beta-3"]);
    expect(names(await list(`q=${key}`))).toEqual(["beta-3"]);
    // Key text is case-sensitive; only the hms_ marker is not.
    const swapped = user.key_prefix.slice(4).replace(/[a-z]/g, (ch) => ch.toUpperCase());
    if (swapped !== user.key_prefix.slice(4))
      expect(names(await list(`q=hms_${swapped}`))).not.toContain("beta-3");
    expect(names(await list(`q=HMS_${user.key_prefix.slice(4)}`))).toEqual(["beta-3"]);
    // The rotated-away key's prefix no longer finds Apple.
    expect(names(await list(`q=${users.Apple!.api_user.key_prefix}`))).toEqual([]);
  });
});

describe("GET /api/admin/api-users: filters and badges", () => {
  it("filters by tenant and by each status badge", async () => {
    const alpha = "tenant_id=alpha&sort=name";
    expect((await list(alpha)).total).toBe(6);
    expect(names(await list(`${alpha}&status=over_cap`))).toEqual(["Zeta Bot"]);
    expect(names(await list(`${alpha}&status=near_cap`))).toEqual(["zebra-2"]);
    expect(names(await list(`${alpha}&status=revoked`))).toEqual(["apricot"]);
    expect(names(await list(`${alpha}&status=active`))).toEqual([
      "Apple",
      "banana_%",
      "limited",
      "zebra-2",
      "Zeta Bot",
    ]);
    expect(names(await list(`${alpha}&status=rotated`))).toEqual(["Apple"]);
    expect(names(await list(`${alpha}&status=rate_limited`))).toEqual(["limited"]);
    expect(names(await list(`${alpha}&status=never_used`))).toEqual([
      "Apple",
      "apricot",
      "banana_%",
      "zebra-2",
      "Zeta Bot",
    ]);
    expect(names(await list("status=over_cap&tenant_id=beta"))).toEqual([]);
    expect((await list("status=never_used")).total).toBe(9);
  });

  it("gives every user its badges, most severe first, with this month's usage and when it resets", async () => {
    const all = new Map((await list("limit=200")).data.map((u) => [u.name, u]));
    const badges = (name: string) => all.get(name)!.badges;
    expect(badges("Zeta Bot")).toEqual(["over_cap", "never_used", "active"]);
    expect(badges("zebra-2")).toEqual(["near_cap", "never_used", "active"]);
    expect(badges("apricot")).toEqual(["revoked", "never_used"]);
    expect(badges("Apple")).toEqual(["rotated", "never_used", "active"]);
    expect(badges("limited")).toEqual(["rate_limited", "active"]);
    expect(badges("beta-1")).toEqual(["never_used", "active"]);

    const now = new Date();
    const resetAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    expect(all.get("Zeta Bot")!.usage).toEqual({
      month: month.slice(0, 7),
      tokens_used: 990,
      tokens_reserved: 10,
      requests: 3,
      reset_at: resetAt,
    });
    expect(all.get("limited")!.last_used_at).not.toBeNull();
    expect(all.get("beta-1")!.last_rotated_at).toBeNull();
    const rotation = await svc.db
      .selectFrom("retired_keys")
      .select("retired_at")
      .where("api_user_id", "=", users.Apple!.api_user.id)
      .executeTakeFirstOrThrow();
    const rotatedAt = Date.parse(all.get("Apple")!.last_rotated_at!);
    expect(Math.abs(rotatedAt - rotation.retired_at.getTime())).toBeLessThan(5_000);

    // The single-user answers carry the same fields.
    const one = await admin.get<ApiUserResponse>(`/api/admin/api-users/${users["Zeta Bot"]!.api_user.id}`);
    expect(one.body).toEqual(all.get("Zeta Bot"));
  });
});

describe("GET /api/admin/api-users: sort", () => {
  it("sorts by name (case-insensitive), tokens used, last use and creation, either way, ties by id", async () => {
    const sorted = Object.keys(users).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    expect(names(await list("sort=name"))).toEqual(sorted);
    expect(names(await list("sort=-name"))).toEqual([...sorted].reverse());
    expect(names(await list("sort=-tokens_used")).slice(0, 3)).toEqual(["beta-1", "Zeta Bot", "zebra-2"]);
    expect(names(await list("sort=tokens_used")).slice(-3)).toEqual(["zebra-2", "Zeta Bot", "beta-1"]);
    expect(names(await list("sort=created_at"))[0]).toBe("Zeta Bot");
    // The only used key is the most recently used one; never-used keys count as the least recently used.
    expect(names(await list("sort=-last_used_at"))[0]).toBe("limited");
    expect(names(await list("sort=last_used_at")).at(-1)).toBe("limited");
  });
});

describe("GET /api/admin/api-users: bad queries", () => {
  it("answers 400 invalid_request naming the parameter, without echoing the value", async () => {
    for (const [query, param] of [
      ["status=sleeping", "status"],
      ["sort=password", "sort"],
      ["sort=--name", "sort"],
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=2.5", "limit"],
      ["page=0", "page"],
      ["page=abc", "page"],
      [`q=${"x".repeat(201)}`, "q"],
    ] as const) {
      const res = await admin.get<{ error: { code: string; message: string } }>(
        `/api/admin/api-users?${query}`,
      );
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.message.startsWith(`${param}:`), res.body.error.message).toBe(true);
      expect(res.body.error.message).not.toContain(query.split("=")[1]!.slice(0, 20));
    }
  });
});
