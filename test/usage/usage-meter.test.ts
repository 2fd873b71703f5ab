import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createApiUser, deleteApiUser } from "../../src/keys/keys.service.js";
import { createTenant } from "../../src/tenants/tenants.service.js";
import { UsageMeter } from "../../src/usage/usage-meter.js";
import { dayOf, monthOf, monthResetAt } from "../../src/usage/usage-period.js";
import { admissionEstimate, requestedMaxTokens } from "../../src/usage/token-estimate.js";
import { captureLogs } from "../harness/log-capture.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

let testDb: TestDatabase;
let database: Database;
let meter: UsageMeter;

beforeAll(async () => {
  testDb = await createTestDatabase("usagemeter");
  database = await openDatabase({
    url: testDb.url,
    poolMax: 20,
    dataDir: "/tmp",
    logger: captureLogs().logger,
  });
  await migrateToLatest(database.db);
  await createTenant(
    { db: database.db, secretKey: undefined },
    { id: "t1", name: "T", preUpstreamUrl: null, postUpstreamUrl: null, upstreamApiKey: null },
    SYSTEM_ACTOR,
  );
  meter = new UsageMeter({ db: database.db, logger: captureLogs().logger, flushMs: 1_000 });
});
afterAll(async () => {
  await meter?.stop();
  await database?.close();
  await testDb?.drop();
});

const user = async (cap: number | null = null) =>
  (
    await createApiUser(
      { db: database.db, keyPepper: undefined },
      { name: "u", tenantId: "t1", gateways: ["pre"], rpmLimit: null, monthlyTokenCap: cap },
      SYSTEM_ACTOR,
    )
  ).apiUser.id;

const monthly = (id: string) =>
  database.db.selectFrom("usage_monthly").selectAll().where("api_user_id", "=", id).executeTakeFirst();

describe("periods and estimates", () => {
  it("uses UTC calendar months and days", () => {
    const at = new Date("2026-12-31T23:59:59Z");
    expect(monthOf(at)).toBe("2026-12-01");
    expect(dayOf(at)).toBe("2026-12-31");
    expect(monthResetAt(at).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
  it("reserves body bytes plus the named completion budget", () => {
    expect(requestedMaxTokens({ max_tokens: 10 })).toBe(10);
    expect(requestedMaxTokens({ max_completion_tokens: 7, max_tokens: 10 })).toBe(7);
    expect(requestedMaxTokens({ max_output_tokens: 3 })).toBe(3);
    expect(requestedMaxTokens({ max_tokens: "many" })).toBeNull();
    expect(admissionEstimate(120, 10)).toBe(130);
  });
});

describe("UsageMeter", () => {
  it("admits atomically: 40 concurrent reservations of 100 against a cap of 1000 admit exactly 10", async () => {
    const id = await user(1000);
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 40 }, () => meter.admit(id, 1000, 100, now)));
    expect(results.filter((r) => r.admitted)).toHaveLength(10);
    expect(results.filter((r) => !r.admitted).every((r) => r.remaining === 0)).toBe(true);
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 1000, tokens_used: 0 });
  });

  it("an estimate larger than the whole cap is refused even on the first request of the month", async () => {
    const id = await user(50);
    expect(await meter.admit(id, 50, 51, new Date())).toEqual({ admitted: false, remaining: 50 });
    expect(await monthly(id)).toBeUndefined();
  });

  it("settles in batches: used += actual, reserved -= estimate, requests, daily totals and last use", async () => {
    const id = await user(10_000);
    const now = new Date();
    const a = await meter.admit(id, 10_000, 300, now);
    const b = await meter.admit(id, 10_000, 300, now);
    expect(a.admitted && b.admitted).toBe(true);
    if (!a.admitted || !b.admitted) return;
    meter.settle({ apiUserId: id, reservation: a.reservation, tokens: 120, at: now });
    meter.settle({ apiUserId: id, reservation: b.reservation, tokens: 0, at: now });
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 600 }); // not written yet
    await meter.flush();
    expect(await monthly(id)).toMatchObject({ tokens_used: 120, tokens_reserved: 0, requests: 2 });
    const daily = await database.db
      .selectFrom("usage_daily")
      .selectAll()
      .where("api_user_id", "=", id)
      .execute();
    expect(daily).toEqual([{ api_user_id: id, day: expect.anything(), tokens: 120, requests: 2 }]);
    const u = await database.db
      .selectFrom("api_users")
      .select("last_used_at")
      .where("id", "=", id)
      .executeTakeFirst();
    expect(u!.last_used_at).not.toBeNull();
  });

  it("counts users without a cap (no reservation) and skips users deleted before the flush", async () => {
    const kept = await user(null);
    const gone = await user(null);
    meter.settle({ apiUserId: kept, reservation: null, tokens: 42, at: new Date() });
    meter.settle({ apiUserId: gone, reservation: null, tokens: 5, at: new Date() });
    await deleteApiUser({ db: database.db, keyPepper: undefined }, gone, SYSTEM_ACTOR);
    await meter.flush();
    expect(await monthly(kept)).toMatchObject({ tokens_used: 42, tokens_reserved: 0, requests: 1 });
    expect(await monthly(gone)).toBeUndefined();
    expect(meter.pending).toBe(0);
  });

  it("stop() writes what is still queued (the shutdown drain), even with a long flush interval", async () => {
    const id = await user(null);
    const slow = new UsageMeter({ db: database.db, logger: captureLogs().logger, flushMs: 60_000 });
    slow.start();
    slow.settle({ apiUserId: id, reservation: null, tokens: 9, at: new Date() });
    expect(await monthly(id)).toBeUndefined();
    await slow.stop();
    expect(await monthly(id)).toMatchObject({ tokens_used: 9, requests: 1 });
  });
});
