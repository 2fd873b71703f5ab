import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { monthlyUsage, sdk } from "../gateway/kit.js";

let keeper: TestService;
let upstream: FakeUpstream;

beforeAll(async () => {
  keeper = await startTestService();
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await keeper?.close();
  await upstream?.close();
});

describe("usage settlement at shutdown", () => {
  it("settlements still queued when an instance stops are written before its database connection closes", async () => {
    const gw = await startTestService({ databaseUrl: keeper.databaseUrl });
    const t = await createTenant(gw, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url });
    const { apiKey, apiUser } = await createApiUser(gw, { tenantId: t.id, monthlyTokenCap: 1_000_000 });
    const client = sdk(gw.urls.pre, apiKey);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.chat.completions.create({ model: "m", messages: [], max_tokens: 10 }),
      ),
    );
    // Stop at once: the 50 ms settlement timer has likely not run for all of them.
    await gw.close();
    const usage = await monthlyUsage(keeper, apiUser.id);
    expect(usage.requests).toBe(5);
    expect(usage.tokens_reserved).toBe(0);
    expect(usage.tokens_used).toBe(answers.reduce((s, a) => s + a.usage!.total_tokens, 0));
  });
});
