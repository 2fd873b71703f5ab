import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { updateTenant } from "../../src/tenants/tenants.service.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { sdk } from "./kit.js";

let svc: TestService;
const ups: Record<string, FakeUpstream> = {};

beforeAll(async () => {
  svc = await startTestService({ env: { HERMES_SECRET_KEY: "a".repeat(64) } });
  for (const name of ["aPre", "aPost", "bPre", "bPost", "moved"]) ups[name] = await startFakeUpstream();
});
afterAll(async () => {
  await svc?.close();
  for (const u of Object.values(ups)) await u.close();
});

describe("tenant routing", () => {
  it("two tenants with different upstreams: each key reaches only its own tenant's upstream, per gateway", async () => {
    const a = await createTenant(svc, {
      preUpstreamUrl: ups.aPre!.url,
      postUpstreamUrl: ups.aPost!.url,
      upstreamApiKey: "sk-tenant-a-credential-0001",
    });
    const b = await createTenant(svc, {
      preUpstreamUrl: ups.bPre!.url,
      postUpstreamUrl: ups.bPost!.url,
      upstreamApiKey: "sk-tenant-b-credential-0002",
    });
    const keyA = (await createApiUser(svc, { tenantId: a.id })).apiKey;
    const keyB = (await createApiUser(svc, { tenantId: b.id })).apiKey;
    const ask = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };

    await sdk(svc.urls.pre, keyA).chat.completions.create(ask);
    await sdk(svc.urls.post, keyA).chat.completions.create(ask);
    await sdk(svc.urls.pre, keyB).chat.completions.create(ask);
    await sdk(svc.urls.pre, keyB).chat.completions.create(ask);
    await sdk(svc.urls.post, keyB).embeddings.create({ model: "e", input: "x" });

    expect(ups.aPre!.requests.map((r) => r.headers["x-hms-tenant-id"])).toEqual([a.id]);
    expect(ups.aPost!.requests.map((r) => r.headers["x-hms-tenant-id"])).toEqual([a.id]);
    expect(ups.bPre!.requests.map((r) => r.headers["x-hms-tenant-id"])).toEqual([b.id, b.id]);
    expect(ups.bPost!.requests.map((r) => r.path)).toEqual(["/v1/embeddings"]);
    // Each upstream sees its own tenant's credential (stored encrypted, decrypted in memory).
    expect(new Set(ups.aPre!.requests.map((r) => r.headers.authorization))).toEqual(
      new Set(["Bearer sk-tenant-a-credential-0001"]),
    );
    expect(new Set(ups.bPost!.requests.map((r) => r.headers.authorization))).toEqual(
      new Set(["Bearer sk-tenant-b-credential-0002"]),
    );
    const stored = await svc.db
      .selectFrom("tenants")
      .select("upstream_api_key")
      .where("id", "=", a.id)
      .executeTakeFirst();
    expect(stored!.upstream_api_key).toMatch(/^v1:/);
    expect(stored!.upstream_api_key).not.toContain("sk-tenant-a");
  });

  it("maps /v1/<rest> onto a base URL with its own path, and follows tenant changes at once", async () => {
    const t = await createTenant(svc, { preUpstreamUrl: ups.aPre!.url, postUpstreamUrl: null });
    const key = (await createApiUser(svc, { tenantId: t.id })).apiKey;
    await sdk(svc.urls.pre, key).models.list();
    const before = ups.moved!.requests.length;
    await updateTenant(
      { db: svc.db, secretKey: svc.deps.config.secrets.secretKey },
      t.id,
      { preUpstreamUrl: ups.moved!.url },
      SYSTEM_ACTOR,
    );
    let moved = false;
    for (let i = 0; i < 50 && !moved; i++) {
      await sdk(svc.urls.pre, key).models.list();
      moved = ups.moved!.requests.length > before;
      if (!moved) await new Promise((r) => setTimeout(r, 20));
    }
    expect(moved).toBe(true);
    expect(ups.moved!.requests.at(-1)!.path).toBe("/v1/models");
  });
});
