import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ApiUserResponse,
  IssuedKeyResponse,
} from "../../src/admin/routes/api-users/api-user-response.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let svc: TestService;
let admin: AdminClient;
let pre: FakeUpstream;
let post: FakeUpstream;
const upstreamKey = `sk-tenant-credential-${randomBytes(10).toString("hex")}`;

beforeAll(async () => {
  svc = await startTestService({ env: { ...ADMIN_ENV, HERMES_SECRET_KEY: randomBytes(32).toString("hex") } });
  svc.secret(upstreamKey);
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
  pre = await startFakeUpstream();
  post = await startFakeUpstream();
});
afterAll(async () => {
  await svc?.close();
  await pre?.close();
  await post?.close();
});

type GatewayAnswer = { status: number; code: string | null };

/** One chat completion with the official SDK (no retries); an error comes back as its status and code. */
async function chat(gateway: "pre" | "post", key: string, maxTokens = 16): Promise<GatewayAnswer> {
  const client = new OpenAI({ apiKey: key, baseURL: `${svc.urls[gateway]}/v1`, maxRetries: 0 });
  try {
    await client.chat.completions.create({
      model: "hermes",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: maxTokens,
    });
    return { status: 200, code: null };
  } catch (err) {
    if (err instanceof OpenAI.APIError) return { status: err.status ?? 0, code: err.code ?? null };
    throw err;
  }
}

/** Admin changes reach the gateway's key cache through LISTEN/NOTIFY; wait for that, bounded. */
function eventually(gateway: "pre" | "post", key: string, expected: GatewayAnswer, maxTokens?: number) {
  return expect.poll(() => chat(gateway, key, maxTokens), { timeout: 3_000, interval: 50 }).toEqual(expected);
}

describe("full key lifecycle through the admin API, then the gateways", () => {
  it("create → scope → rotate → rpm and cap changes → revoke → delete", async () => {
    const tenant = await admin.post("/api/admin/tenants", {
      id: "lifecycle",
      name: "Lifecycle",
      pre_upstream_url: pre.url,
      post_upstream_url: post.url,
      upstream_api_key: upstreamKey,
    });
    expect(tenant.status).toBe(201);

    const created = await admin.post<IssuedKeyResponse>("/api/admin/api-users", {
      name: "lifecycle-user",
      tenant_id: "lifecycle",
      gateways: ["pre"],
    });
    expect(created.status).toBe(201);
    const userId = created.body.api_user.id;
    const firstKey = svc.secret(created.body.api_key);

    // Allowed gateway answers 200 and reaches the tenant's upstream with the decrypted tenant credential.
    expect(await chat("pre", firstKey)).toEqual({ status: 200, code: null });
    const seen = pre.requests.at(-1)!;
    expect(seen.headers.authorization).toBe(`Bearer ${upstreamKey}`);
    expect(seen.headers["x-hms-user-id"]).toBe(userId);
    // The other gateway refuses the key's scope.
    expect(await chat("post", firstKey)).toEqual({ status: 403, code: "gateway_not_allowed" });
    expect(post.requests).toHaveLength(0);

    // Scope change through PATCH opens the post gateway.
    expect((await admin.patch(`/api/admin/api-users/${userId}`, { gateways: ["pre", "post"] })).status).toBe(
      200,
    );
    await eventually("post", firstKey, { status: 200, code: null });

    // Rotate: the old key answers 410 at once, the new one 200.
    const rotated = await admin.post<IssuedKeyResponse>(`/api/admin/api-users/${userId}/rotate`);
    expect(rotated.status).toBe(200);
    const secondKey = svc.secret(rotated.body.api_key);
    await eventually("pre", firstKey, { status: 410, code: "key_rotated" });
    expect(await chat("pre", secondKey)).toEqual({ status: 200, code: null });

    // RPM limit: 1 per minute → the next request is 429; lifting it lets requests through again.
    expect((await admin.patch(`/api/admin/api-users/${userId}`, { rpm_limit: 1 })).status).toBe(200);
    await eventually("pre", secondKey, { status: 429, code: "rate_limit_exceeded" });
    expect((await admin.patch(`/api/admin/api-users/${userId}`, { rpm_limit: null })).status).toBe(200);
    await eventually("pre", secondKey, { status: 200, code: null });

    // Monthly cap below one request's reservation → 429 insufficient_quota; raising it → 200.
    expect((await admin.patch(`/api/admin/api-users/${userId}`, { monthly_token_cap: 10 })).status).toBe(200);
    await eventually("pre", secondKey, { status: 429, code: "insufficient_quota" }, 100);
    expect(
      (await admin.patch(`/api/admin/api-users/${userId}`, { monthly_token_cap: 1_000_000 })).status,
    ).toBe(200);
    await eventually("pre", secondKey, { status: 200, code: null }, 100);

    // Usage shows up in the admin API.
    await svc.deps.gateway.usage.flush();
    const user = await admin.get<ApiUserResponse>(`/api/admin/api-users/${userId}`);
    expect(user.body.usage.requests).toBeGreaterThanOrEqual(4);
    expect(user.body.usage.tokens_used).toBeGreaterThan(0);
    expect(user.body.last_used_at).not.toBeNull();

    // Revoke: 410 key_revoked, the record stays.
    expect((await admin.post(`/api/admin/api-users/${userId}/revoke`)).status).toBe(200);
    await eventually("pre", secondKey, { status: 410, code: "key_revoked" });
    expect((await admin.get(`/api/admin/api-users/${userId}`)).status).toBe(200);

    // Delete: the key becomes unknown (401), its audit records stay.
    expect((await admin.delete(`/api/admin/api-users/${userId}`)).status).toBe(204);
    await eventually("pre", secondKey, { status: 401, code: "invalid_api_key" });
    expect(await chat("pre", firstKey)).toEqual({ status: 401, code: "invalid_api_key" });
    await svc.deps.audit.flush();
    const audit = await svc.db
      .selectFrom("audit_log")
      .select("id")
      .where("api_user_id", "=", userId)
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  });
});
