import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { revokeApiUser } from "../../src/keys/keys.service.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { flushAll, post, sdk } from "./kit.js";

let svc: TestService;
let upstream: FakeUpstream;

const UPSTREAM_CREDENTIAL = "sk-upstream-very-secret-credential-9f8e7d";

beforeAll(async () => {
  svc = await startTestService({
    env: {
      HERMES_ADMIN_PASSWORD: "admin-password-not-for-logs-42",
      HERMES_KEY_PEPPER: "pepper-not-for-logs-0123456789",
      HERMES_UPSTREAM_TIMEOUT_MS: "300",
      LOG_LEVEL: "trace",
    },
  });
  svc.secret("pepper-not-for-logs-0123456789");
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

describe("secrets never reach the logs", () => {
  it("a full run of successes, rejections and faults logs no key, password or upstream credential", async () => {
    const t = await createTenant(svc, {
      preUpstreamUrl: upstream.url,
      postUpstreamUrl: "http://127.0.0.1:1/v1",
      upstreamApiKey: UPSTREAM_CREDENTIAL,
    });
    const { apiKey, apiUser } = await createApiUser(svc, {
      tenantId: t.id,
      rpmLimit: 5,
      monthlyTokenCap: 100_000,
    });
    const client = sdk(svc.urls.pre, apiKey);
    await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
    const s = await client.chat.completions.create({ model: "m", messages: [], stream: true });
    for await (const _ of s) void _;
    // Faults and rejections: dead upstream (post), bad JSON, typo'd key, over the limits, slow upstream.
    await sdk(svc.urls.post, apiKey)
      .models.list()
      .catch(() => undefined);
    await post(`${svc.urls.pre}/v1/chat/completions`, "{bad", {
      "content-type": "application/json",
      authorization: `Bearer ${apiKey}`,
    });
    await sdk(svc.urls.pre, `${apiKey.slice(0, -2)}zz`)
      .models.list()
      .catch(() => undefined);
    // A key pasted into the URL instead of the header.
    await post(`${svc.urls.pre}/v1/${apiKey}`, "{}", { "content-type": "application/json" });
    upstream.set({ delayMs: 1_000 });
    await client.models.list().catch(() => undefined);
    upstream.set({ delayMs: 0 });
    for (let i = 0; i < 3; i++) await client.models.list().catch(() => undefined);
    await revokeApiUser({ db: svc.db, keyPepper: undefined }, apiUser.id, SYSTEM_ACTOR);
    await flushAll(svc);
    const audit = JSON.stringify(await svc.db.selectFrom("audit_log").selectAll().execute());
    expect(audit).not.toContain(apiKey.slice(4, 24));
    expect(audit).not.toContain(UPSTREAM_CREDENTIAL);
    expect(audit).toContain('"path":"/v1/hms_[redacted]"');
    // Something was logged for each request, so the check below has material to search.
    expect(svc.logs.lines().filter((l) => l.msg === "request").length).toBeGreaterThanOrEqual(10);
    await svc.close();
    const text = svc.logs.text();
    for (const secret of [
      apiKey,
      apiKey.slice(4, 24),
      UPSTREAM_CREDENTIAL,
      "admin-password-not-for-logs-42",
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
