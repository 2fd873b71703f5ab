/**
 * Reservations held by an instance that stops without a shutdown are given back by the others; an instance taken
 * for dead cannot give back twice. Real processes and PostgreSQL; staleness is shortened through the meter's options.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database } from "../../src/db/database.js";
import { UsageMeter, type UsageMeterOptions } from "../../src/usage/usage-meter.js";
import { captureLogs } from "../harness/log-capture.js";
import { distModuleUrl, spawnScript } from "../harness/spawn-service.js";
import { openUsageDb, type UsageDb } from "./usage-fixture.js";

let usageDb: UsageDb;
let database: Database;

beforeAll(async () => {
  usageDb = await openUsageDb("reclaim");
  database = usageDb.database;
});
afterAll(async () => {
  await usageDb?.close();
});

const user = (cap: number) => usageDb.user(cap);

const meter = (options: Partial<UsageMeterOptions> = {}) =>
  new UsageMeter({
    db: database.db,
    logger: captureLogs().logger,
    flushMs: 20,
    leaseRequests: 16,
    ...options,
  });

/** The month row and what the instance ledger says is held; the two must always agree. */
async function books(id: string) {
  const r = await sql<{ used: number; reserved: number; ledger: number; instances: number }>`
    SELECT
      (SELECT COALESCE(sum(tokens_used), 0)::int FROM usage_monthly WHERE api_user_id = ${id}) AS used,
      (SELECT COALESCE(sum(tokens_reserved), 0)::int FROM usage_monthly WHERE api_user_id = ${id}) AS reserved,
      (SELECT COALESCE(sum(tokens), 0)::int FROM usage_reservations WHERE api_user_id = ${id}) AS ledger,
      (SELECT count(*)::int FROM usage_instances) AS instances`.execute(database.db);
  return r.rows[0]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("reservations of instances that stop without a shutdown", () => {
  it("gives back what a process killed with SIGKILL held, keeping the usage it had settled", async () => {
    const id = await user(1_000_000);
    // The child admits 30 requests of 100 (leasing ahead), settles 10 of them at 40 tokens, and is killed with the
    // other 20 in flight and its advance unused.
    const child = spawnScript(
      `
      const { openDatabase } = await import(${JSON.stringify(distModuleUrl("db/database.js"))});
      const { UsageMeter } = await import(${JSON.stringify(distModuleUrl("usage/usage-meter.js"))});
      const { createLogger } = await import(${JSON.stringify(distModuleUrl("logging/logger.js"))});
      const logger = createLogger({ level: "warn", format: "json" }, process.stderr);
      const database = await openDatabase({ url: process.argv[1], poolMax: 4, dataDir: "/tmp", logger });
      const meter = new UsageMeter({ db: database.db, logger, flushMs: 20, leaseRequests: 16 });
      meter.start();
      const now = new Date();
      const admissions = [];
      for (let i = 0; i < 30; i++) admissions.push(await meter.admit(process.argv[2], 1000000, 100, now));
      for (const a of admissions.slice(0, 10))
        meter.settle({ apiUserId: process.argv[2], reservation: a.reservation, tokens: 40, at: now });
      await meter.flush();
      process.stdout.write("ready\\n");
      setInterval(() => undefined, 1000);
      `,
      [usageDb.url, id],
    );
    await child.waitFor(/ready\n/);
    child.proc.kill("SIGKILL");
    await child.exited;

    const stranded = await books(id);
    expect(stranded.used).toBe(400);
    // 20 requests in flight plus the unused advance.
    expect(stranded.reserved).toBeGreaterThanOrEqual(2_000);
    expect(stranded.ledger).toBe(stranded.reserved);

    // A surviving instance that has not heard from the dead one for staleAfterMs gives it all back.
    const survivor = meter({ staleAfterMs: 500 });
    await survivor.heartbeat();
    expect((await books(id)).reserved).toBe(stranded.reserved);
    await sleep(700);
    // An instance's first heartbeat to reach the database (as after an outage, when every heartbeat looks old)
    // takes no one for dead: the others get one interval to show up.
    const late = meter({ staleAfterMs: 500 });
    await late.heartbeat();
    expect((await books(id)).reserved).toBe(stranded.reserved);
    await survivor.heartbeat();
    expect(await books(id)).toEqual({ used: 400, reserved: 0, ledger: 0, instances: 0 });
    await survivor.stop();
    await late.stop();
  });

  it("leaves a live instance alone, and a clean stop leaves nothing registered", async () => {
    const id = await user(1_000_000);
    const live = meter({ heartbeatMs: 100 });
    live.start();
    const a = await live.admit(id, 1_000_000, 100, new Date());
    expect(a.admitted).toBe(true);
    const held = (await books(id)).reserved;
    expect(held).toBeGreaterThan(100);

    const other = meter({ staleAfterMs: 500 });
    await sleep(800);
    await other.heartbeat();
    await other.heartbeat();
    expect(await books(id)).toMatchObject({ reserved: held, ledger: held, instances: 1 });

    if (a.admitted) live.settle({ apiUserId: id, reservation: a.reservation, tokens: 70, at: new Date() });
    await live.stop();
    await other.stop();
    expect(await books(id)).toEqual({ used: 70, reserved: 0, ledger: 0, instances: 0 });
  });

  it("an instance taken for dead gives nothing back twice, and registers again at its next admission", async () => {
    const id = await user(1_000_000);
    // Exact mode: every admission goes to the database, so the wake-up is seen at the next admission.
    const frozen = meter({ leaseRequests: 0 });
    const now = new Date();
    const inFlight = await frozen.admit(id, 1_000_000, 100, now);
    expect(inFlight.admitted).toBe(true);
    // As if the process had been frozen for an hour: its heartbeat is old and another instance reclaims it.
    await sql`UPDATE usage_instances SET heartbeat_at = now() - interval '1 hour'`.execute(database.db);
    const survivor = meter({ staleAfterMs: 60_000 });
    await survivor.heartbeat();
    await survivor.heartbeat();
    expect(await books(id)).toMatchObject({ reserved: 0, ledger: 0, instances: 0 });

    // The survivor reserves; then the frozen one wakes up and settles what it had in flight.
    const survivors = await survivor.admit(id, 1_000_000, 100, now);
    expect(survivors.admitted).toBe(true);
    const survivorHolds = (await books(id)).reserved;
    expect(survivorHolds).toBeGreaterThan(0);
    if (inFlight.admitted)
      frozen.settle({ apiUserId: id, reservation: inFlight.reservation, tokens: 30, at: now });
    await frozen.flush();
    // Its usage counts; its release takes nothing from what the survivor holds.
    expect(await books(id)).toMatchObject({ used: 30, reserved: survivorHolds, ledger: survivorHolds });

    // Its next admission is refused for the unknown instance inside the database, and succeeds after registering
    // again under a new id.
    const again = await frozen.admit(id, 1_000_000, 100, now);
    expect(again.admitted).toBe(true);
    expect(await books(id)).toMatchObject({
      reserved: survivorHolds + 100,
      ledger: survivorHolds + 100,
      instances: 2,
    });

    for (const [m, a] of [
      [frozen, again],
      [survivor, survivors],
    ] as const)
      if (a.admitted) m.settle({ apiUserId: id, reservation: a.reservation, tokens: 0, at: now });
    await frozen.stop();
    await survivor.stop();
    expect(await books(id)).toEqual({ used: 30, reserved: 0, ledger: 0, instances: 0 });
  });

  it("an instance that learns at its heartbeat that it was taken for dead drops its lease", async () => {
    const id = await user(1_000_000);
    const frozen = meter();
    const now = new Date();
    expect((await frozen.admit(id, 1_000_000, 100, now)).admitted).toBe(true);
    await sql`UPDATE usage_instances SET heartbeat_at = now() - interval '1 hour'`.execute(database.db);
    const survivor = meter({ staleAfterMs: 60_000 });
    await survivor.heartbeat();
    await survivor.heartbeat();
    expect(await books(id)).toMatchObject({ reserved: 0, instances: 0 });

    await frozen.heartbeat();
    // The advance it held is no longer reserved, so it is not served from: this admission reserves anew.
    const again = await frozen.admit(id, 1_000_000, 100, now);
    expect(again.admitted).toBe(true);
    const after = await books(id);
    expect(after.reserved).toBeGreaterThanOrEqual(100);
    expect(after).toMatchObject({ ledger: after.reserved, instances: 1 });

    if (again.admitted) frozen.settle({ apiUserId: id, reservation: again.reservation, tokens: 0, at: now });
    await frozen.stop();
    await survivor.stop();
    expect(await books(id)).toEqual({ used: 0, reserved: 0, ledger: 0, instances: 0 });
  });

  it("an instance with a lease that learns at an admission that it was taken for dead reserves in full again", async () => {
    const id = await user(1_000_000);
    const frozen = meter();
    const now = new Date();
    const first = await frozen.admit(id, 1_000_000, 100, now);
    expect(await books(id)).toMatchObject({ reserved: 100 + 1_600 });
    await sql`UPDATE usage_instances SET heartbeat_at = now() - interval '1 hour'`.execute(database.db);
    const survivor = meter({ staleAfterMs: 60_000 });
    await survivor.heartbeat();
    await survivor.heartbeat();
    expect(await books(id)).toMatchObject({ reserved: 0, instances: 0 });

    // Larger than its advance: goes to the database, which no longer knows the instance. The 1,600 it still held
    // are reserved nowhere, so the retry under the new id reserves the whole 5,000 plus a fresh advance.
    const big = await frozen.admit(id, 1_000_000, 5_000, now);
    expect(big.admitted).toBe(true);
    expect(await books(id)).toMatchObject({
      reserved: 5_000 + 16 * 5_000,
      ledger: 5_000 + 16 * 5_000,
      instances: 1,
    });

    for (const a of [first, big])
      if (a.admitted) frozen.settle({ apiUserId: id, reservation: a.reservation, tokens: 0, at: now });
    await frozen.stop();
    await survivor.stop();
    expect(await books(id)).toEqual({ used: 0, reserved: 0, ledger: 0, instances: 0 });
  });

  it("keeps the books balanced under concurrent admissions and settlements on two instances", async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => user(1_000_000)));
    const logs = captureLogs();
    const [a, b] = [0, 1].map(() => meter({ flushMs: 5, logger: logs.logger }));
    a!.start();
    b!.start();
    const now = new Date();
    let used = 0;
    await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        const m = i % 2 ? a! : b!;
        const id = users[i % users.length]!;
        const admission = await m.admit(id, 1_000_000, 50 + (i % 7) * 10, now);
        expect(admission.admitted).toBe(true);
        await sleep(i % 5);
        const tokens = i % 3;
        used += tokens;
        if (admission.admitted)
          m.settle({ apiUserId: id, reservation: admission.reservation, tokens, at: now });
      }),
    );
    await a!.stop();
    await b!.stop();
    const totals = await Promise.all(users.map((id) => books(id)));
    expect(totals.reduce((n, t) => n + t.used, 0)).toBe(used);
    for (const t of totals) expect(t).toMatchObject({ reserved: 0, ledger: 0, instances: 0 });
    // Every settlement batch went through the first time.
    expect(logs.text()).not.toContain("usage: settlement failing");
  });
});
