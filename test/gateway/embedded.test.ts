import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { flushAll, monthlyUsage, sdk } from "./kit.js";

let svc: TestService;
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  svc = await startTestService({ database: "embedded", env: { HERMES_RATE_LIMIT_STORE: "postgres" } });
});
afterAll(async () => {
  await svc?.close();
  await upstream?.close();
});

describe("gateway on the embedded database (PGlite)", () => {
  it("serves, limits and meters; the postgres rate-limit store falls back to memory with a warning", async () => {
    expect(svc.deps.gateway.rateLimiter.store).toBe("memory");
    expect(svc.logs.text()).toContain("HERMES_RATE_LIMIT_STORE=postgres needs DATABASE_URL");
    const t = await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url });
    const { apiKey, apiUser } = await createApiUser(svc, {
      tenantId: t.id,
      rpmLimit: 2,
      monthlyTokenCap: 100_000,
    });
    const client = sdk(svc.urls.pre, apiKey);
    await client.chat.completions.create({ model: "m", messages: [], max_tokens: 10 });
    const s = await client.chat.completions.create({
      model: "m",
      messages: [],
      stream: true,
      max_tokens: 10,
    });
    for await (const _ of s) void _;
    await expect(client.models.list()).rejects.toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    await flushAll(svc);
    expect(await monthlyUsage(svc, apiUser.id)).toMatchObject({ tokens_reserved: 0, requests: 2 });
    expect((await monthlyUsage(svc, apiUser.id)).tokens_used).toBeGreaterThan(0);
  });
});
