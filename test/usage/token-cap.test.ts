import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { flushAll, monthlyUsage, sdk } from "../gateway/kit.js";

let svc: TestService;
let upstream: FakeUpstream;
let tenantId: string;

beforeAll(async () => {
  svc = await startTestService();
  // An upstream that always uses the whole completion budget it is given.
  upstream = await startFakeUpstream({ completionTokens: 100_000, honourMaxTokens: true, delayMs: 20 });
  tenantId = (await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url })).id;
});
afterAll(async () => {
  await svc?.close();
  await upstream?.close();
});

describe("monthly token cap under concurrency", () => {
  it("50 concurrent requests against a cap that fits about 10: usage never exceeds the cap, all reservations settle", async () => {
    const messages = [{ role: "user" as const, content: "Summarise the plot of a long novel in detail." }];
    const body = JSON.stringify({ model: "m", messages, max_tokens: 400 });
    // What the gateway reserves per request: the body size plus max_tokens.
    const perRequest = Buffer.byteLength(body) + 400;
    const cap = perRequest * 10 + Math.floor(perRequest / 2);
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId, monthlyTokenCap: cap });
    const client = sdk(svc.urls.pre, apiKey);

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        client.chat.completions.create({ model: "m", messages, max_tokens: 400 }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    for (const r of rejected) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 429, code: "insufficient_quota" });
    }
    // Ten fit on reservations alone; settled requests free their unused estimate, so a few more may fit.
    expect(ok.length).toBeGreaterThanOrEqual(10);
    expect(ok.length).toBeLessThan(15);

    await flushAll(svc);
    const usage = await monthlyUsage(svc, apiUser.id);
    const reported = ok.reduce(
      (sum, r) =>
        sum + (r as PromiseFulfilledResult<{ usage?: { total_tokens: number } }>).value.usage!.total_tokens,
      0,
    );
    expect(usage.tokens_used).toBe(reported);
    // The reservation is an upper bound of what each request used.
    for (const r of ok) {
      expect(
        (r as PromiseFulfilledResult<{ usage?: { total_tokens: number } }>).value.usage!.total_tokens,
      ).toBeLessThanOrEqual(perRequest);
    }
    expect(usage.tokens_used).toBeLessThanOrEqual(cap);
    expect(usage.tokens_reserved).toBe(0);
    expect(usage.requests).toBe(ok.length);
  });

  it("releases the reservation when the upstream fails", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId, monthlyTokenCap: 100_000 });
    upstream.set({
      failWith: { status: 500, body: '{"error":{"message":"boom","type":"server_error","code":null}}' },
    });
    try {
      await expect(
        sdk(svc.urls.pre, apiKey).chat.completions.create({ model: "m", messages: [], max_tokens: 50 }),
      ).rejects.toMatchObject({ status: 500 });
    } finally {
      upstream.set({ failWith: null });
    }
    await flushAll(svc);
    const usage = await monthlyUsage(svc, apiUser.id);
    expect(usage).toEqual({ tokens_used: 0, tokens_reserved: 0, requests: 1 });
  });
});
