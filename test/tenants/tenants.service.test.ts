import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { CHANNELS } from "../../src/db/notifications.js";
import { AppError } from "../../src/errors/app-error.js";
import { createApiUser } from "../../src/keys/keys.service.js";
import { ensureDefaultTenant } from "../../src/tenants/default-tenant.js";
import * as tenants from "../../src/tenants/tenants.service.js";
import { decryptUpstreamSecret } from "../../src/tenants/upstream-secret.js";
import { captureLogs } from "../harness/log-capture.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

let tdb: TestDatabase;
let database: Database;
let ctx: tenants.TenantsContext;
const secretKey = Buffer.alloc(32, 7);

beforeAll(async () => {
  tdb = await createTestDatabase("tenants");
  database = await openDatabase({ url: tdb.url, poolMax: 5, dataDir: "/tmp", logger: captureLogs().logger });
  await migrateToLatest(database.db);
  await ensureDefaultTenant(database.db, { preUpstreamUrl: undefined, postUpstreamUrl: undefined });
  ctx = { db: database.db, secretKey };
});
afterAll(async () => {
  await database.close();
  await tdb.drop();
});

const input = (id: string): tenants.NewTenantInput => ({
  id,
  name: `Tenant ${id}`,
  preUpstreamUrl: "http://127.0.0.1:1/v1",
  postUpstreamUrl: null,
  upstreamApiKey: "sk-domain-test-credential",
});

async function trail(id: string) {
  return database.db.selectFrom("admin_events").select("action").where("target_id", "=", id).execute();
}

describe("tenants service (domain, no server)", () => {
  it("stores the credential encrypted, and notifies after commit", async () => {
    const notices: string[] = [];
    const unlisten = await database.listen(CHANNELS.tenantChanged, (p) => p && notices.push(p));
    const t = await tenants.createTenant(ctx, input("dom-a"), SYSTEM_ACTOR);
    expect(t).toMatchObject({
      hasUpstreamApiKey: true,
      upstreamApiKeyFingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    const row = await database.db
      .selectFrom("tenants")
      .selectAll()
      .where("id", "=", "dom-a")
      .executeTakeFirstOrThrow();
    expect(decryptUpstreamSecret(row.upstream_api_key, secretKey)).toBe("sk-domain-test-credential");
    await expect.poll(() => notices).toEqual(["dom-a"]);
    await unlisten();
  });

  it("leaves neither a trail row nor a notice when the change is refused", async () => {
    await tenants.createTenant(ctx, input("dom-b"), SYSTEM_ACTOR);
    await createApiUser(
      { db: database.db, keyPepper: undefined },
      { name: "u", tenantId: "dom-b", gateways: ["pre"], rpmLimit: null, monthlyTokenCap: null },
      SYSTEM_ACTOR,
    );
    const notices: string[] = [];
    const unlisten = await database.listen(CHANNELS.tenantChanged, (p) => p && notices.push(p));
    await expect(tenants.deleteTenant(ctx, "dom-b", SYSTEM_ACTOR)).rejects.toMatchObject({
      code: "conflict",
    });
    // A notice after it, as a marker: if the refused delete had notified, it would arrive first.
    await tenants.updateTenant(ctx, "dom-a", { name: "marker" }, SYSTEM_ACTOR);
    await expect.poll(() => notices).toEqual(["dom-a"]);
    expect((await trail("dom-b")).map((e) => e.action)).toEqual(["tenant.create"]);
    await unlisten();
  });

  it("answers concurrent creates of one id with one success and one conflict, never an internal error", async () => {
    const results = await Promise.allSettled([
      tenants.createTenant(ctx, input("dom-race"), SYSTEM_ACTOR),
      tenants.createTenant(ctx, input("dom-race"), SYSTEM_ACTOR),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(AppError);
    expect((rejected.reason as AppError).code).toBe("conflict");
    expect((await trail("dom-race")).map((e) => e.action)).toEqual(["tenant.create"]);
  });

  it("records no trail row for a no-op update, and one for re-setting the same credential", async () => {
    await tenants.updateTenant(ctx, "dom-a", { name: "marker" }, SYSTEM_ACTOR);
    const before = (await trail("dom-a")).length;
    await tenants.updateTenant(ctx, "dom-a", { name: "marker" }, SYSTEM_ACTOR);
    expect((await trail("dom-a")).length).toBe(before);
    await tenants.updateTenant(ctx, "dom-a", { upstreamApiKey: "sk-domain-test-credential" }, SYSTEM_ACTOR);
    expect((await trail("dom-a")).length).toBe(before + 1);
  });
});
