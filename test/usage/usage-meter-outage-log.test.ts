/**
 * Log hygiene under a database outage: the usage settler logs its failure once when it starts and once when it
 * recovers (with how many attempts failed), backs off between attempts, and loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { UsageMeter } from "../../src/usage/usage-meter.js";
import { captureLogs } from "../harness/log-capture.js";
import { startTcpCutter, type TcpCutter } from "../harness/tcp-cutter.js";
import { openUsageDb, type UsageDb } from "./usage-fixture.js";

let usageDb: UsageDb;
let cutter: TcpCutter;
let database: Database;

beforeAll(async () => {
  usageDb = await openUsageDb("usageoutage");
  const target = new URL(usageDb.url);
  cutter = await startTcpCutter(target.hostname, Number(target.port || 5432));
  database = await openDatabase({
    url: cutter.via(usageDb.url),
    poolMax: 4,
    dataDir: "/tmp",
    logger: captureLogs().logger,
  });
});
afterAll(async () => {
  await database?.close();
  await cutter?.close();
  await usageDb?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the usage settler during a database outage", () => {
  it("logs once when settling starts failing and once when it recovers, with the count, and backs off", async () => {
    const logs = captureLogs();
    const meter = new UsageMeter({
      db: database.db,
      logger: logs.logger,
      flushMs: 20,
      leaseRequests: 0,
      heartbeatMs: 60_000,
    });
    const id = await usageDb.user(null);
    meter.start();
    await sleep(100);
    cutter.cut();
    // 1.5 s of outage at a 20 ms flush interval: ~75 attempts without a backoff.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      meter.settle({ apiUserId: id, reservation: null, tokens: 5, at: new Date() });
      await sleep(25);
    }
    const settlerLines = () => logs.lines().filter((l) => String(l.msg).startsWith("usage: settlement"));
    expect(settlerLines().map((l) => l.msg)).toEqual([
      "usage: settlement failing; retrying (logged again when it recovers)",
    ]);
    cutter.restore();
    // The timer's next attempt (after its backoff) gets through on its own.
    for (let i = 0; i < 400 && settlerLines().length < 2; i++) await sleep(25);
    expect(meter.pending).toBe(0);
    const lines = settlerLines();
    expect(lines.map((l) => l.msg)).toEqual([
      "usage: settlement failing; retrying (logged again when it recovers)",
      "usage: settlement recovered",
    ]);
    const failures = lines[1]!.failures as number;
    expect(failures).toBeGreaterThanOrEqual(2);
    // Backed off: far fewer attempts than timer ticks.
    expect(failures).toBeLessThan(30);
    await meter.stop();
    // Nothing was lost: every request settled counts once.
    const row = await usageDb.database.db
      .selectFrom("usage_monthly")
      .select(["requests", "tokens_used"])
      .where("api_user_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.tokens_used).toBe(row.requests * 5);
    expect(row.requests).toBeGreaterThan(40);
  });
});
