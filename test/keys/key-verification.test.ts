import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { bearerToken, createKeyVerifier, type KeyVerifier } from "../../src/keys/key-verification.js";
import {
  createApiUser,
  deleteApiUser,
  revokeApiUser,
  rotateApiKey,
  updateApiUser,
} from "../../src/keys/keys.service.js";
import { createTenant, updateTenant } from "../../src/tenants/tenants.service.js";
import { captureLogs } from "../harness/log-capture.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

let testDb: TestDatabase;
let database: Database;
let verifier: KeyVerifier;
const PEPPER = "pepper-for-verification-tests";
const SECRET_KEY = Buffer.alloc(32, 7);
const keys = () => ({ db: database.db, keyPepper: PEPPER });

beforeAll(async () => {
  testDb = await createTestDatabase("keyverify");
  database = await openDatabase({
    url: testDb.url,
    poolMax: 4,
    dataDir: "/tmp",
    logger: captureLogs().logger,
  });
  await migrateToLatest(database.db);
  await createTenant(
    { db: database.db, secretKey: SECRET_KEY },
    {
      id: "acme",
      name: "Acme",
      preUpstreamUrl: "http://pre/v1",
      postUpstreamUrl: null,
      upstreamApiKey: "sk-acme",
    },
    SYSTEM_ACTOR,
  );
  verifier = createKeyVerifier({
    database,
    keyPepper: PEPPER,
    secretKey: SECRET_KEY,
    ttlMs: 600_000,
    logger: captureLogs().logger,
  });
  await verifier.start();
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

const newUser = (gateways: ("pre" | "post")[] = ["pre"]) =>
  createApiUser(
    keys(),
    { name: "u", tenantId: "acme", gateways, rpmLimit: 10, monthlyTokenCap: 1000 },
    SYSTEM_ACTOR,
  );

/** Waits for a change notice to be applied (delivered asynchronously after commit). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("condition not reached");
}

describe("bearerToken", () => {
  it("distinguishes absent, non-bearer and bearer headers", () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken("  ")).toBeNull();
    expect(bearerToken("Basic xyz")).toBe("");
    expect(bearerToken("bearer  hms_abc ")).toBe("hms_abc");
  });
});

describe("key verification (no server)", () => {
  it("answers a result union for every case, never throwing", async () => {
    const { apiKey, apiUser } = await newUser();
    expect(await verifier.verify(undefined, "pre")).toEqual({
      valid: false,
      reason: "missing_api_key",
      key: null,
    });
    expect(await verifier.verify("Bearer hms_short", "pre")).toMatchObject({
      valid: false,
      reason: "invalid_api_key",
    });
    const ok = await verifier.verify(`Bearer ${apiKey}`, "pre");
    expect(ok).toEqual({
      valid: true,
      key: {
        apiUserId: apiUser.id,
        apiUserName: "u",
        tenantId: "acme",
        gateways: ["pre"],
        rpmLimit: 10,
        monthlyTokenCap: 1000,
        deprecatedUntil: null,
      },
      tenant: {
        id: "acme",
        name: "Acme",
        preUpstreamUrl: "http://pre/v1",
        postUpstreamUrl: null,
        upstreamApiKey: "sk-acme",
      },
    });
    expect(await verifier.verify(`Bearer ${apiKey}`, "post")).toMatchObject({
      valid: false,
      reason: "gateway_not_allowed",
      key: { apiUserId: apiUser.id },
    });
  });

  it("a cached key is answered without a database round trip (synchronously)", async () => {
    const { apiKey } = await newUser();
    await verifier.verify(`Bearer ${apiKey}`, "pre");
    const again = verifier.verify(`Bearer ${apiKey}`, "pre");
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toMatchObject({ valid: true });
  });

  it("revoke, rotate, scope and limit changes and deletion evict the cached key at once (TTL is 10 min here)", async () => {
    const r = await newUser();
    await verifier.verify(`Bearer ${r.apiKey}`, "pre");
    await revokeApiUser(keys(), r.apiUser.id, SYSTEM_ACTOR);
    await eventually(async () => (await verifier.verify(`Bearer ${r.apiKey}`, "pre")).valid === false);
    expect(await verifier.verify(`Bearer ${r.apiKey}`, "pre")).toMatchObject({ reason: "key_revoked" });

    const o = await newUser();
    await verifier.verify(`Bearer ${o.apiKey}`, "pre");
    const fresh = await rotateApiKey(keys(), o.apiUser.id, SYSTEM_ACTOR);
    await eventually(async () => !(await verifier.verify(`Bearer ${o.apiKey}`, "pre")).valid);
    expect(await verifier.verify(`Bearer ${o.apiKey}`, "pre")).toMatchObject({ reason: "key_rotated" });
    expect(await verifier.verify(`Bearer ${fresh.apiKey}`, "pre")).toMatchObject({ valid: true });

    await updateApiUser(keys(), o.apiUser.id, { rpmLimit: 99 }, SYSTEM_ACTOR);
    await eventually(async () => {
      const v = await verifier.verify(`Bearer ${fresh.apiKey}`, "pre");
      return v.valid && v.key.rpmLimit === 99;
    });

    await deleteApiUser(keys(), o.apiUser.id, SYSTEM_ACTOR);
    await eventually(async () => !(await verifier.verify(`Bearer ${fresh.apiKey}`, "pre")).valid);
    expect(await verifier.verify(`Bearer ${fresh.apiKey}`, "pre")).toMatchObject({
      reason: "invalid_api_key",
    });
  });

  it("tenant changes (upstreams, credential) evict the cached tenant", async () => {
    const { apiKey } = await newUser();
    await verifier.verify(`Bearer ${apiKey}`, "pre");
    await updateTenant(
      { db: database.db, secretKey: SECRET_KEY },
      "acme",
      { preUpstreamUrl: "http://moved/v1", upstreamApiKey: "sk-acme-2" },
      SYSTEM_ACTOR,
    );
    await eventually(async () => {
      const v = await verifier.verify(`Bearer ${apiKey}`, "pre");
      return v.valid && v.tenant.preUpstreamUrl === "http://moved/v1";
    });
    const v = await verifier.verify(`Bearer ${apiKey}`, "pre");
    expect(v.valid && v.tenant.upstreamApiKey).toBe("sk-acme-2");
  });
});
