/**
 * The checks every gateway route must pass, run once per route: no key 401, malformed or unknown key 401, revoked
 * 410, rotated 410, deleted user 401, wrong gateway 403; each in OpenAI's envelope, and none reaches the upstream.
 */
import { expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { deleteApiUser, revokeApiUser, rotateApiKey } from "../../src/keys/keys.service.js";
import type { FakeUpstream } from "./fake-upstream.js";
import { createApiUser } from "./seed.js";
import type { TestService } from "./test-service.js";

export type RouteUnderTest = { method: "GET" | "POST"; path: string; body?: unknown };

export type CommonRouteContext = { svc: TestService; upstream: FakeUpstream; tenantId: string };

async function call(
  base: string,
  route: RouteUnderTest,
  authorization: string | null,
): Promise<{ status: number; body: { error?: Record<string, unknown> }; headers: Headers }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization !== null) headers.authorization = authorization;
  const res = await fetch(`${base}${route.path}`, {
    method: route.method,
    headers,
    body: route.method === "POST" ? JSON.stringify(route.body ?? {}) : undefined,
  });
  return {
    status: res.status,
    body: (await res.json()) as { error?: Record<string, unknown> },
    headers: res.headers,
  };
}

function expectEnvelope(
  r: { status: number; body: { error?: Record<string, unknown> }; headers: Headers },
  status: number,
  code: string,
): void {
  expect(r.status).toBe(status);
  expect(r.body.error).toMatchObject({ code, param: null });
  expect(typeof r.body.error!.message).toBe("string");
  expect(typeof r.body.error!.type).toBe("string");
  expect(r.headers.get("x-request-id")).toMatch(/^req_/);
}

/** Registers the common tests for `route` in the calling describe block. */
export function commonRouteTests(route: RouteUnderTest, ctx: () => CommonRouteContext): void {
  const name = `${route.method} ${route.path}`;
  const keysCtx = () => ({ db: ctx().svc.db, keyPepper: ctx().svc.deps.config.secrets.keyPepper });

  it(`${name}: rejects missing, malformed and unknown keys with 401 and never calls the upstream`, async () => {
    const { svc, upstream } = ctx();
    const before = upstream.requests.length;
    expectEnvelope(await call(svc.urls.pre, route, null), 401, "missing_api_key");
    expectEnvelope(await call(svc.urls.pre, route, "Basic abc"), 401, "invalid_api_key");
    expectEnvelope(await call(svc.urls.pre, route, "Bearer sk-not-ours"), 401, "invalid_api_key");
    // Well-formed but with a broken checksum: rejected without a lookup.
    const { apiKey } = await createApiUser(svc, { tenantId: ctx().tenantId });
    const typo = apiKey.slice(0, 10) + (apiKey[10] === "A" ? "B" : "A") + apiKey.slice(11);
    expectEnvelope(await call(svc.urls.pre, route, `Bearer ${typo}`), 401, "invalid_api_key");
    expect(upstream.requests.length).toBe(before);
  });

  it(`${name}: a revoked key answers 410 key_revoked, a rotated one 410 key_rotated, a deleted user's 401`, async () => {
    const { svc, upstream, tenantId } = ctx();
    const before = upstream.requests.length;
    const revoked = await createApiUser(svc, { tenantId });
    await revokeApiUser(keysCtx(), revoked.apiUser.id, SYSTEM_ACTOR);
    expectEnvelope(await call(svc.urls.pre, route, `Bearer ${revoked.apiKey}`), 410, "key_revoked");

    const rotated = await createApiUser(svc, { tenantId });
    const fresh = await rotateApiKey(keysCtx(), rotated.apiUser.id, SYSTEM_ACTOR);
    svc.secret(fresh.apiKey);
    expectEnvelope(await call(svc.urls.pre, route, `Bearer ${rotated.apiKey}`), 410, "key_rotated");

    const deleted = await createApiUser(svc, { tenantId });
    await deleteApiUser(keysCtx(), deleted.apiUser.id, SYSTEM_ACTOR);
    expectEnvelope(await call(svc.urls.pre, route, `Bearer ${deleted.apiKey}`), 401, "invalid_api_key");
    expect(upstream.requests.length).toBe(before);

    // The rotated user's new key works.
    const ok = await call(svc.urls.pre, route, `Bearer ${fresh.apiKey}`);
    expect(ok.status).toBe(200);
  });

  it(`${name}: a key scoped to one gateway gets 403 gateway_not_allowed on the other`, async () => {
    const { svc, upstream, tenantId } = ctx();
    const preOnly = await createApiUser(svc, { tenantId, gateways: ["pre"] });
    const postOnly = await createApiUser(svc, { tenantId, gateways: ["post"] });
    const before = upstream.requests.length;
    expectEnvelope(await call(svc.urls.post, route, `Bearer ${preOnly.apiKey}`), 403, "gateway_not_allowed");
    expectEnvelope(await call(svc.urls.pre, route, `Bearer ${postOnly.apiKey}`), 403, "gateway_not_allowed");
    expect(upstream.requests.length).toBe(before);
    expect((await call(svc.urls.pre, route, `Bearer ${preOnly.apiKey}`)).status).toBe(200);
    expect((await call(svc.urls.post, route, `Bearer ${postOnly.apiKey}`)).status).toBe(200);
  });
}
