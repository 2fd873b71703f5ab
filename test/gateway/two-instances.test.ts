import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { revokeApiUser, rotateApiKey, updateApiUser } from "../../src/keys/keys.service.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { sdk } from "./kit.js";

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

const ask = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };

/** Polls `check` every 10 ms; returns how long it took to pass, failing after `withinMs`. */
async function within(withinMs: number, check: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await check()) return Date.now() - t0;
    if (Date.now() - t0 > withinMs) throw new Error(`not honoured within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function statusOf(base: string, key: string): Promise<number> {
  return sdk(base, key)
    .chat.completions.create(ask)
    .then(
      () => 200,
      (e: { status: number }) => e.status,
    );
}

for (const store of ["postgres", "redis"] as const) {
  describe(`two gateway instances on one PostgreSQL (rate-limit store: ${store})`, () => {
    let a: TestService;
    let b: TestService;
    let tenantId: string;

    beforeAll(async () => {
      // A long cache TTL, so only LISTEN/NOTIFY can explain a change being seen quickly.
      const env = {
        HERMES_RATE_LIMIT_STORE: store,
        REDIS_URL: "redis://127.0.0.1:6379",
        HERMES_KEY_CACHE_TTL_MS: "600000",
      };
      a = await startTestService({ env });
      b = await startTestService({ env, databaseUrl: a.databaseUrl });
      tenantId = (await createTenant(a, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url })).id;
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    it("the RPM limit is global across instances", async () => {
      const { apiKey } = await createApiUser(a, { tenantId, rpmLimit: 6 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(await statusOf(a.urls.pre, apiKey));
        statuses.push(await statusOf(b.urls.post, apiKey));
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.slice(6)).toEqual([429, 429]);
    });

    it("a revoke on one instance is honoured by the other within 1 s", async () => {
      const { apiKey, apiUser } = await createApiUser(a, { tenantId });
      // Both instances have the key cached as valid.
      expect(await statusOf(a.urls.pre, apiKey)).toBe(200);
      expect(await statusOf(b.urls.pre, apiKey)).toBe(200);
      await revokeApiUser({ db: a.db, keyPepper: undefined }, apiUser.id, SYSTEM_ACTOR);
      await within(1_000, async () => (await statusOf(b.urls.pre, apiKey)) === 410);
    });

    it("rotation and scope changes made through one instance's database reach the other within 1 s", async () => {
      const { apiKey, apiUser } = await createApiUser(a, { tenantId });
      expect(await statusOf(b.urls.post, apiKey)).toBe(200);
      await updateApiUser(
        { db: a.db, keyPepper: undefined },
        apiUser.id,
        { gateways: ["pre"] },
        SYSTEM_ACTOR,
      );
      await within(1_000, async () => (await statusOf(b.urls.post, apiKey)) === 403);
      const rotated = await rotateApiKey({ db: a.db, keyPepper: undefined }, apiUser.id, SYSTEM_ACTOR);
      b.secret(rotated.apiKey);
      await within(1_000, async () => (await statusOf(b.urls.pre, apiKey)) === 410);
      expect(await statusOf(b.urls.pre, rotated.apiKey)).toBe(200);
    });
  });
}
