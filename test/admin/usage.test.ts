/**
 * The usage views over real HTTP: a user's month split by outcome (GET /api/admin/api-users/:id/usage) and the
 * aggregate over a range of days (GET /api/admin/usage), from audit records written by the real audit writer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IssuedKeyResponse } from "../../src/admin/routes/api-users/api-user-response.js";
import type { UsageResponse } from "../../src/admin/routes/api-users/usage.js";
import type { UsageSummaryResponse } from "../../src/admin/routes/usage/index.js";
import { makeRecord } from "../audit/audit-fixtures.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

const DAY = 86_400_000;
const today = new Date(Math.floor(Date.now() / DAY) * DAY);
const dayOf = (offset: number) => new Date(today.getTime() + offset * DAY).toISOString().slice(0, 10);

type Outcome = "ok" | "client_errors" | "rate_limited" | "quota_exceeded" | "upstream_errors";
type Planned = {
  who: "alice" | "bob" | "ghost" | null;
  day: number;
  status: number;
  error?: string;
  model?: string | null;
  tokens?: [number, number];
  outcome: Outcome;
};

/** What was sent, with the outcome each record must count as. */
const PLAN: Planned[] = [
  { who: "alice", day: -2, status: 200, model: "m-big", tokens: [60, 40], outcome: "ok" },
  { who: "alice", day: -2, status: 200, model: "m-big", tokens: [60, 40], outcome: "ok" },
  { who: "alice", day: -1, status: 429, error: "rate_limit_exceeded", outcome: "rate_limited" },
  { who: "alice", day: 0, status: 429, error: "insufficient_quota", outcome: "quota_exceeded" },
  { who: "alice", day: 0, status: 502, error: "upstream_error", outcome: "upstream_errors" },
  { who: "alice", day: 0, status: 504, error: "upstream_timeout", outcome: "upstream_errors" },
  { who: "alice", day: 0, status: 400, error: "invalid_request", outcome: "client_errors" },
  // An upstream's own 429 is neither our rate limit nor our quota.
  { who: "alice", day: 0, status: 429, error: "upstream_rate_limited", outcome: "client_errors" },
  { who: "alice", day: 0, status: 200, model: "m-small", tokens: [7, 3], outcome: "ok" },
  { who: "bob", day: -1, status: 200, model: "m-small", tokens: [15, 5], outcome: "ok" },
  { who: "bob", day: -1, status: 200, model: "m-small", tokens: [15, 5], outcome: "ok" },
  { who: "bob", day: -1, status: 200, model: "m-small", tokens: [15, 5], outcome: "ok" },
  { who: "ghost", day: -2, status: 200, model: "m-big", tokens: [400, 100], outcome: "ok" },
  { who: null, day: 0, status: 401, error: "invalid_api_key", model: null, outcome: "client_errors" },
  // Outside the ranges asked below.
  { who: "alice", day: -40, status: 200, model: "m-old", tokens: [1, 1], outcome: "ok" },
];

let svc: TestService;
let admin: AdminClient;
const ids: Record<string, string> = { ghost: "usr_ghost_deleted" };

beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
  for (const t of ["alpha", "beta"])
    expect((await admin.post("/api/admin/tenants", { id: t, name: t })).status).toBe(201);
  for (const [name, tenant] of [
    ["alice", "alpha"],
    ["bob", "beta"],
  ] as const) {
    const res = await admin.post<IssuedKeyResponse>("/api/admin/api-users", {
      name,
      tenant_id: tenant,
      gateways: ["post"],
    });
    svc.secret(res.body.api_key);
    ids[name] = res.body.api_user.id;
  }
  const tenantOf = { alice: "alpha", bob: "beta", ghost: "alpha" } as const;
  PLAN.forEach((p, i) => {
    svc.deps.audit.record(
      makeRecord({
        // Noon of the day, or a moment ago for today.
        ts:
          p.day === 0
            ? new Date(Date.now() - 1000 - i)
            : new Date(today.getTime() + p.day * DAY + 12 * 3_600_000 + i),
        apiUserId: p.who ? ids[p.who]! : null,
        apiUserName: p.who === "ghost" ? "Ghost" : p.who,
        tenantId: p.who ? tenantOf[p.who] : null,
        status: p.status,
        errorCode: p.error ?? null,
        model: p.model === undefined ? null : p.model,
        usage: p.tokens
          ? {
              promptTokens: p.tokens[0],
              completionTokens: p.tokens[1],
              totalTokens: p.tokens[0] + p.tokens[1],
              source: "provider",
            }
          : null,
        requestBody: p.who ? makeRecord().requestBody : null,
        responseBody: null,
      }),
    );
  });
  await svc.deps.audit.flush();
  // The name now differs from the one recorded: the aggregate shows the current one.
  expect((await admin.patch(`/api/admin/api-users/${ids.alice}`, { name: "alice-renamed" })).status).toBe(
    200,
  );
});

afterAll(async () => {
  await svc?.close();
});

const ZERO = { ok: 0, client_errors: 0, rate_limited: 0, quota_exceeded: 0, upstream_errors: 0 };

function outcomesOf(records: Planned[]) {
  const out = { ...ZERO };
  for (const r of records) out[r.outcome]++;
  return out;
}

describe("GET /api/admin/api-users/:id/usage outcomes", () => {
  it("splits each day's requests by outcome from the audit log, and the month's", async () => {
    const month = dayOf(0).slice(0, 7);
    const res = await admin.get<UsageResponse>(`/api/admin/api-users/${ids.alice}/usage?month=${month}`);
    expect(res.status).toBe(200);
    const mine = PLAN.filter((p) => p.who === "alice" && dayOf(p.day).startsWith(month));
    expect(res.body.outcomes).toEqual(outcomesOf(mine));
    expect(res.body.daily).toHaveLength(today.getUTCDate());
    for (const d of res.body.daily) {
      const { day, tokens, requests, ...outcomes } = d;
      expect(outcomes, day).toEqual(outcomesOf(mine.filter((p) => dayOf(p.day) === day)));
      // Tokens and requests are the cap's own counters (usage_daily), which these records never touched.
      expect([tokens, requests]).toEqual([0, 0]);
    }
  });
});

describe("GET /api/admin/usage", () => {
  const inRange = PLAN.filter((p) => p.day >= -2);

  it("defaults to the last 30 days, every day present, with totals, top users and top models", async () => {
    const res = await admin.get<UsageSummaryResponse>("/api/admin/usage");
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.from).toBe(dayOf(-29));
    expect(body.to).toBe(dayOf(0));
    expect(body.daily.map((d) => d.day)).toEqual(Array.from({ length: 30 }, (_, i) => dayOf(i - 29)));
    const sum = (rs: Planned[], i: 0 | 1) => rs.reduce((n, r) => n + (r.tokens?.[i] ?? 0), 0);
    expect(body.totals).toEqual({
      requests: inRange.length,
      ok: inRange.filter((p) => p.status < 400).length,
      errors: inRange.filter((p) => p.status >= 400).length,
      rate_limited: 1,
      quota_exceeded: 1,
      prompt_tokens: sum(inRange, 0),
      completion_tokens: sum(inRange, 1),
      total_tokens: sum(inRange, 0) + sum(inRange, 1),
    });
    const yesterday = inRange.filter((p) => p.day === -1);
    expect(body.daily.find((d) => d.day === dayOf(-1))).toEqual({
      day: dayOf(-1),
      requests: yesterday.length,
      ok: 3,
      errors: 1,
      prompt_tokens: 45,
      completion_tokens: 15,
      total_tokens: 60,
    });
    expect(body.daily.find((d) => d.day === dayOf(-5))).toMatchObject({ requests: 0, total_tokens: 0 });
    expect(body.top_users).toEqual([
      { api_user_id: ids.ghost, api_user_name: "Ghost", tenant_id: "alpha", requests: 1, total_tokens: 500 },
      {
        api_user_id: ids.alice,
        api_user_name: "alice-renamed",
        tenant_id: "alpha",
        requests: 9,
        total_tokens: 210,
      },
      { api_user_id: ids.bob, api_user_name: "bob", tenant_id: "beta", requests: 3, total_tokens: 60 },
    ]);
    expect(body.top_models).toEqual([
      { model: "m-big", requests: 3, total_tokens: 700 },
      { model: "m-small", requests: 4, total_tokens: 70 },
    ]);
  });

  it("takes a range (to inclusive), a tenant, a user and how many top entries", async () => {
    const one = await admin.get<UsageSummaryResponse>(`/api/admin/usage?from=${dayOf(-1)}&to=${dayOf(-1)}`);
    expect(one.body.daily).toHaveLength(1);
    expect(one.body.totals.requests).toBe(4);

    const beta = await admin.get<UsageSummaryResponse>(`/api/admin/usage?tenant_id=beta&from=${dayOf(-3)}`);
    expect(beta.body.totals).toMatchObject({ requests: 3, total_tokens: 60 });
    expect(beta.body.top_users.map((u) => u.api_user_id)).toEqual([ids.bob]);

    const alice = await admin.get<UsageSummaryResponse>(`/api/admin/usage?api_user_id=${ids.alice}&top=1`);
    expect(alice.body.totals).toMatchObject({
      requests: 9,
      rate_limited: 1,
      quota_exceeded: 1,
      total_tokens: 210,
    });
    expect(alice.body.top_models).toEqual([{ model: "m-big", requests: 2, total_tokens: 200 }]);

    const old = await admin.get<UsageSummaryResponse>(`/api/admin/usage?from=${dayOf(-45)}&to=${dayOf(-31)}`);
    expect(old.body.totals).toMatchObject({ requests: 1, total_tokens: 2 });
    expect(old.body.daily).toHaveLength(15);
  });

  it("answers 400 naming the parameter for a bad date, a reversed or too long range, or a bad top", async () => {
    for (const [query, param] of [
      ["from=yesterday", "from"],
      ["to=2026-02-30", "to"],
      ["from=2026-11-23T00:00:00Z", "from"],
      ["from=2026-11-24&to=2026-11-23", "from"],
      ["from=2025-01-01&to=2026-01-02", "from"],
      ["top=0", "top"],
      ["top=101", "top"],
      ["tenant_id=", "tenant_id"],
    ] as const) {
      const res = await admin.get<{ error: { code: string; message: string } }>(`/api/admin/usage?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.message.startsWith(`${param}:`), res.body.error.message).toBe(true);
    }
    // 366 days, to inclusive, is the longest range.
    expect((await admin.get("/api/admin/usage?from=2025-01-01&to=2026-01-01")).status).toBe(200);
  });
});
