import type { APIError } from "openai";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { revokeApiUser } from "../../src/keys/keys.service.js";
import { createApiUser } from "../harness/seed.js";
import type { TestService } from "../harness/test-service.js";
import { flushAll, monthlyUsage, sdk, useGatewayFixture } from "./kit.js";

let svc: TestService;
let tenantId: string;

useGatewayFixture((f) => ({ svc, tenantId } = f));

const ask = { model: "m", messages: [{ role: "user" as const, content: "hi" }], max_tokens: 20 };

async function caught(p: Promise<unknown>): Promise<APIError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as APIError;
}

function gatewayRequests(path: string, status: number): number {
  return svc.logs.lines().filter((l) => l.msg === "request" && l.path === path && l.status === status).length;
}

describe("errors as the openai SDK sees them", () => {
  it("401: AuthenticationError with code invalid_api_key", async () => {
    const err = await caught(sdk(svc.urls.pre, "hms_wrong").chat.completions.create(ask));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.status).toBe(401);
    expect(err.code).toBe("invalid_api_key");
    expect(err.requestID).toMatch(/^req_/);
  });

  it("403: PermissionDeniedError with code gateway_not_allowed", async () => {
    const { apiKey } = await createApiUser(svc, { tenantId, gateways: ["post"] });
    const err = await caught(sdk(svc.urls.pre, apiKey).chat.completions.create(ask));
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.code).toBe("gateway_not_allowed");
  });

  it("410: APIError with status 410 and code key_revoked, even for a key that was cached as valid", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId });
    await sdk(svc.urls.pre, apiKey).chat.completions.create(ask);
    await revokeApiUser({ db: svc.db, keyPepper: undefined }, apiUser.id, SYSTEM_ACTOR);
    // The NOTIFY is delivered at commit; give the listener a moment before the next request.
    let err: APIError | null = null;
    for (let i = 0; i < 50 && !err; i++) {
      err = await sdk(svc.urls.pre, apiKey)
        .chat.completions.create(ask)
        .then(
          () => null,
          (e: APIError) => e,
        );
      if (!err) await new Promise((r) => setTimeout(r, 20));
    }
    expect(err!.status).toBe(410);
    expect(err!.code).toBe("key_revoked");
  });

  it("429 over the RPM limit: RateLimitError rate_limit_exceeded with retry-after and retry-after-ms", async () => {
    const { apiKey } = await createApiUser(svc, { tenantId, rpmLimit: 3 });
    const client = sdk(svc.urls.pre, apiKey);
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create(ask).withResponse();
      expect(response.headers.get("x-ratelimit-remaining-requests")).toBe(String(2 - i));
    }
    const err = await caught(client.chat.completions.create(ask));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe("rate_limit_exceeded");
    expect(err.type).toBe("requests");
    const retryAfter = Number(err.headers!.get("retry-after"));
    const retryAfterMs = Number(err.headers!.get("retry-after-ms"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(err.headers!.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(err.headers!.get("x-should-retry")).toBeNull();
  });

  it("429 over the monthly cap: insufficient_quota with x-should-retry false, which the SDK does not retry", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId, monthlyTokenCap: 500 });
    // Default SDK retries (2): a retried 429 would show up as three gateway requests.
    const client = sdk(svc.urls.post, apiKey, { maxRetries: 2 });
    const path = "/v1/chat/completions";
    const before = gatewayRequests(path, 429);
    const err = await caught(client.chat.completions.create({ ...ask, max_tokens: 1000 }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe("insufficient_quota");
    expect(err.type).toBe("insufficient_quota");
    expect(err.headers!.get("x-should-retry")).toBe("false");
    expect(err.headers!.get("x-hms-monthly-tokens-limit")).toBe("500");
    expect(err.headers!.get("x-hms-monthly-tokens-remaining")).toBe("500");
    await new Promise((r) => setTimeout(r, 200));
    expect(gatewayRequests(path, 429) - before).toBe(1);
    // A request that fits the budget still goes through, and nothing stays reserved.
    await client.chat.completions.create({ ...ask, max_tokens: 10 });
    await flushAll(svc);
    const usage = await monthlyUsage(svc, apiUser.id);
    expect(usage.tokens_reserved).toBe(0);
    expect(usage.tokens_used).toBeGreaterThan(0);
    expect(usage.requests).toBe(1);
  });
});
