import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { type Database } from "../../src/db/database.js";
import { deleteApiUser } from "../../src/keys/keys.service.js";
import { UsageMeter } from "../../src/usage/usage-meter.js";
import { dayOf, monthOf, monthResetAt } from "../../src/usage/usage-period.js";
import { admissionEstimate, requestedMaxTokens } from "../../src/usage/token-estimate.js";
import { captureLogs } from "../harness/log-capture.js";
import { openUsageDb, type UsageDb } from "./usage-fixture.js";

let usageDb: UsageDb;
let database: Database;
let meter: UsageMeter;

beforeAll(async () => {
  usageDb = await openUsageDb("usagemeter");
  database = usageDb.database;
  // Exact mode: every admission is its own database reservation (leases are tested below).
  meter = new UsageMeter({ db: database.db, logger: captureLogs().logger, flushMs: 1_000, leaseRequests: 0 });
});
afterAll(async () => {
  await meter?.stop();
  await usageDb?.close();
});

const user = (cap: number | null = null) => usageDb.user(cap);

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

describe("UsageMeter, exact mode", () => {
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
    const slow = new UsageMeter({
      db: database.db,
      logger: captureLogs().logger,
      flushMs: 60_000,
      leaseRequests: 0,
    });
    slow.start();
    slow.settle({ apiUserId: id, reservation: null, tokens: 9, at: new Date() });
    expect(await monthly(id)).toBeUndefined();
    await slow.stop();
    expect(await monthly(id)).toMatchObject({ tokens_used: 9, requests: 1 });
  });
});

describe("UsageMeter with token leases", () => {
  const leasing = (options: { leaseIdleMs?: number } = {}) =>
    new UsageMeter({
      db: database.db,
      logger: captureLogs().logger,
      flushMs: 20,
      leaseRequests: 16,
      ...options,
    });

  it("reserves an advance with the first admission and serves the next ones from it without touching the row", async () => {
    const id = await user(100_000);
    const m = leasing();
    const now = new Date();
    const first = await m.admit(id, 100_000, 100, now);
    expect(first).toMatchObject({ admitted: true, remaining: 100_000 - 100 });
    // The advance: 16 requests' worth, within a quarter of the headroom.
    const afterFirst = await monthly(id);
    expect(afterFirst).toMatchObject({ tokens_reserved: 100 + 1600, tokens_used: 0 });
    for (let i = 2; i <= 9; i++) {
      expect(await m.admit(id, 100_000, 100, now)).toMatchObject({
        admitted: true,
        remaining: 100_000 - 100 * i,
      });
    }
    // Eight requests later the row is unchanged: they cost no database round trip.
    expect((await monthly(id))!.updated_at).toEqual(afterFirst!.updated_at);
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 1700 });
    await m.stop();
  });

  it("tops a running-low lease up in the background, and every token is accounted for", async () => {
    const id = await user(100_000);
    const m = leasing();
    const now = new Date();
    for (let i = 1; i <= 9; i++) await m.admit(id, 100_000, 100, now);
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 1700 });
    // The tenth leaves 700 (< half an advance) in the lease: a top-up of another advance starts behind it.
    expect(await m.admit(id, 100_000, 100, now)).toMatchObject({ admitted: true });
    let reserved = 1700;
    for (let i = 0; i < 100 && reserved === 1700; i++) {
      await new Promise((r) => setTimeout(r, 10));
      reserved = (await monthly(id))!.tokens_reserved;
    }
    expect(reserved).toBe(1700 + 1600);
    // 60 more requests: served from the lease and its top-ups, none refused.
    const more = await Promise.all(Array.from({ length: 60 }, () => m.admit(id, 100_000, 100, now)));
    expect(more.every((r) => r.admitted)).toBe(true);
    // Given back, the leases leave exactly what the 70 requests in flight hold.
    await m.returnLeases();
    await m.flush();
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 70 * 100, tokens_used: 0 });
    await m.stop();
  });

  it("does not top up near the cap, where admissions stay on demand", async () => {
    // Cap 5,000: the first admission brings 1,225 ahead (a quarter of the headroom), leaving 3,675 unreserved,
    // less than four advances, so the lease is not topped up however low it runs.
    const id = await user(5_000);
    const m = leasing();
    const now = new Date();
    await m.admit(id, 5_000, 100, now);
    const afterFirst = await monthly(id);
    expect(afterFirst).toMatchObject({ tokens_reserved: 100 + 1225 });
    for (let i = 2; i <= 10; i++) expect((await m.admit(id, 5_000, 100, now)).admitted).toBe(true);
    // 325 left in the lease, well under half an advance; a top-up would have touched the row by now.
    await new Promise((r) => setTimeout(r, 100));
    expect((await monthly(id))!.updated_at).toEqual(afterFirst!.updated_at);
    await m.returnLeases();
    await m.flush();
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 10 * 100 });
    await m.stop();
  });

  it("is exact on one instance: 40 concurrent admissions of 100 against a cap of 1000 admit exactly 10", async () => {
    const id = await user(1000);
    const m = leasing();
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 40 }, () => m.admit(id, 1000, 100, now)));
    expect(results.filter((r) => r.admitted)).toHaveLength(10);
    await m.returnLeases();
    await m.flush();
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 1000, tokens_used: 0 });
    await m.stop();
  });

  it("never overshoots with several instances: two meters on one database admit at most the cap", async () => {
    const id = await user(1000);
    const a = leasing();
    const b = leasing();
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).admit(id, 1000, 100, now)),
    );
    const admittedCount = results.filter((r) => r.admitted).length;
    expect(admittedCount).toBeLessThanOrEqual(10);
    // Each instance can strand less than one request's worth in its lease until it is given back.
    expect(admittedCount).toBeGreaterThanOrEqual(9);
    await a.returnLeases();
    await b.returnLeases();
    await Promise.all([a.flush(), b.flush()]);
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 100 * admittedCount });
    await Promise.all([a.stop(), b.stop()]);
  });

  it("a lowered cap holds from the next request: the lease granted under the old cap is given back", async () => {
    const id = await user(100_000);
    const m = leasing();
    const now = new Date();
    expect((await m.admit(id, 100_000, 100, now)).admitted).toBe(true);
    // The lease still holds 1,600 tokens, but under a cap of 150 this request (100 more) does not fit.
    expect(await m.admit(id, 150, 100, now)).toMatchObject({ admitted: false });
    await m.returnLeases();
    await m.flush();
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 100 });
    await m.stop();
  });

  it("gives an idle lease back on its own, leaving only what requests in flight hold", async () => {
    const id = await user(100_000);
    const m = leasing({ leaseIdleMs: 50 });
    m.start();
    const a = await m.admit(id, 100_000, 100, new Date());
    expect((await monthly(id))!.tokens_reserved).toBeGreaterThan(100);
    let reserved = Infinity;
    for (let i = 0; i < 100 && reserved !== 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      reserved = (await monthly(id))!.tokens_reserved;
    }
    expect(reserved).toBe(100);
    if (a.admitted) m.settle({ apiUserId: id, reservation: a.reservation, tokens: 30, at: new Date() });
    await m.stop();
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 0, tokens_used: 30, requests: 1 });
  });

  it("stop() gives every lease back", async () => {
    const id = await user(100_000);
    const m = leasing();
    const a = await m.admit(id, 100_000, 100, new Date());
    if (a.admitted) m.settle({ apiUserId: id, reservation: a.reservation, tokens: 0, at: new Date() });
    await m.stop();
    expect(await monthly(id)).toMatchObject({ tokens_reserved: 0 });
  });
});
