/**
 * Rotation with a grace period, on two service instances sharing one PostgreSQL: during the grace the old key is
 * still its API user (same usage counter) and says when it stops (`x-hms-key-deprecated`); after the deadline it
 * answers 410 `key_rotated` on both; revocation ends every key at once. A retried rotate with the same
 * Idempotency-Key answers with the same new key. The cache TTL is long, so only the deadline and LISTEN/NOTIFY can
 * explain what the second instance does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "../admin/admin-client.js";
import { flushAll } from "../gateway/kit.js";

const SECRET_KEY = "5f".repeat(32);
const GRACE_SECONDS = 3;

let upstream: FakeUpstream;
let a: TestService;
let b: TestService;
let admin: AdminClient;
let tenantId: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const env = { ...ADMIN_ENV, HERMES_SECRET_KEY: SECRET_KEY, HERMES_KEY_CACHE_TTL_MS: "600000" };
  a = await startTestService({ env });
  b = await startTestService({ env, databaseUrl: a.databaseUrl });
  admin = await signedInClient(a);
  a.secret(admin.cookie!.split("=")[1]!);
  tenantId = (await createTenant(a, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url })).id;
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await upstream?.close();
});

type Answer = { status: number; deprecated: string | null; code: string | null };

async function call(base: string, key: string): Promise<Answer> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 8 }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return {
    status: res.status,
    deprecated: res.headers.get("x-hms-key-deprecated"),
    code: body.error?.code ?? null,
  };
}

type Rotated = { api_key: string; old_key_valid_until: string | null };

async function rotate(id: string, body: object, idempotencyKey?: string) {
  const res = await fetch(`${a.urls.admin}/api/admin/api-users/${id}/rotate`, {
    method: "POST",
    headers: {
      cookie: admin.cookie!,
      "content-type": "application/json",
      ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Rotated & { error?: { code: string; message: string } };
  if (res.ok) for (const svc of [a, b]) svc.secret(json.api_key);
  return { status: res.status, replayed: res.headers.get("idempotent-replayed"), body: json };
}

async function requestsCounted(apiUserId: string): Promise<number> {
  for (const svc of [a, b]) await flushAll(svc);
  const row = await a.db
    .selectFrom("usage_monthly")
    .select((eb) => eb.fn.sum<string>("requests").as("n"))
    .where("api_user_id", "=", apiUserId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

describe("rotation with a grace period", () => {
  it("keeps the old key working until the deadline on both instances, then answers 410 key_rotated", async () => {
    const { apiKey: oldKey, apiUser } = await createApiUser(a, { tenantId });
    expect((await call(b.urls.pre, oldKey)).status).toBe(200); // cached as valid on b
    const rotated = await rotate(apiUser.id, { grace_seconds: GRACE_SECONDS }, "retry-me-1");
    expect(rotated.status).toBe(200);
    const deadline = rotated.body.old_key_valid_until!;
    expect(Date.parse(deadline)).toBeGreaterThan(Date.now());
    const newKey = rotated.body.api_key;

    // A retry with the same Idempotency-Key: the same new key, no second rotation.
    const retried = await rotate(apiUser.id, { grace_seconds: GRACE_SECONDS }, "retry-me-1");
    expect(retried).toMatchObject({ status: 200, replayed: "true", body: { api_key: newKey } });
    expect(
      await a.db
        .selectFrom("retired_keys")
        .select("key_digest")
        .where("api_user_id", "=", apiUser.id)
        .execute(),
    ).toHaveLength(1);
    // The same Idempotency-Key with other settings is refused, and rotates nothing.
    expect((await rotate(apiUser.id, { grace_seconds: 0 }, "retry-me-1")).status).toBe(409);

    const before = await requestsCounted(apiUser.id);
    for (const base of [a.urls.pre, b.urls.pre, b.urls.post]) {
      expect(await call(base, oldKey)).toEqual({ status: 200, deprecated: deadline, code: null });
      expect(await call(base, newKey)).toEqual({ status: 200, deprecated: null, code: null });
    }
    // Old and new key count against the same user.
    expect(await requestsCounted(apiUser.id)).toBe(before + 6);

    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(deadline) - Date.now()) + 100));
    for (const base of [a.urls.pre, b.urls.pre, b.urls.post]) {
      expect(await call(base, oldKey)).toMatchObject({ status: 410, code: "key_rotated" });
      expect((await call(base, newKey)).status).toBe(200);
    }

    const trail = await a.db
      .selectFrom("admin_events")
      .select(["actor", "diff"])
      .where("action", "=", "api_user.rotate")
      .where("target_id", "=", apiUser.id)
      .execute();
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      actor: "admin",
      diff: { grace_seconds: GRACE_SECONDS, old_key_valid_until: deadline },
    });
  });

  it("ends the old key in its grace period and the new key together when the user is revoked", async () => {
    const { apiKey: oldKey, apiUser } = await createApiUser(a, { tenantId });
    const rotated = await rotate(apiUser.id, { grace_seconds: 3600 });
    const newKey = rotated.body.api_key;
    expect((await call(b.urls.pre, oldKey)).status).toBe(200);
    expect((await call(b.urls.pre, newKey)).status).toBe(200);
    expect((await admin.post(`/api/admin/api-users/${apiUser.id}/revoke`)).status).toBe(200);
    for (const key of [oldKey, newKey]) {
      let answer: Answer | undefined;
      for (let i = 0; i < 100; i++) {
        answer = await call(b.urls.pre, key);
        if (answer.status !== 200) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(answer).toMatchObject({ status: 410, code: "key_revoked" });
      expect(await call(a.urls.post, key)).toMatchObject({ status: 410, code: "key_revoked" });
    }
  });

  it("rotates at once without a grace period, and stores no plaintext key for retries", async () => {
    const { apiKey: oldKey, apiUser } = await createApiUser(a, { tenantId });
    const rotated = await rotate(apiUser.id, {}, "once-only");
    expect(rotated.body.old_key_valid_until).toBeNull();
    expect(await call(a.urls.pre, oldKey)).toMatchObject({ status: 410, code: "key_rotated" });
    const stored = await a.db.selectFrom("key_rotation_requests").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(rotated.body.api_key);
    expect(JSON.stringify(stored)).not.toContain("once-only");
    expect((await rotate(apiUser.id, {}, "bad key with spaces")).status).toBe(400);
    expect((await rotate(apiUser.id, { grace_seconds: 86_401 })).status).toBe(400);
  });
});
