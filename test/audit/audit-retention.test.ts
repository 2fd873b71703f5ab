import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
  addDays,
  ensureDayPartitions,
  listDayPartitions,
  partitionNameFor,
  utcDay,
} from "../../src/audit/audit-partitions.js";
import { RETENTION_LOCK_KEY, runAuditRetention } from "../../src/audit/audit-retention.js";
import { createAuditWriter } from "../../src/audit/audit-writer.js";
import { makeRecord, openAuditTestDb, TEST_AUDIT_CONFIG, type AuditTestDb } from "./audit-fixtures.js";

const DAY = 86_400_000;

for (const kind of ["postgres", "embedded"] as const) {
  describe(`audit retention (${kind})`, () => {
    let t: AuditTestDb;
    afterEach(async () => t?.close());

    it("drops whole day partitions past the retention, keeps the rest and their rows, trims admin events", async () => {
      t = await openAuditTestDb(kind);
      const db = t.database.db;
      const now = new Date();
      const today = utcDay(now);
      await ensureDayPartitions(db, addDays(today, -95), addDays(today, 1));
      const writer = await createAuditWriter({
        db,
        config: { dataDir: t.dataDir, audit: { ...TEST_AUDIT_CONFIG, retentionDays: 10_000 } },
        logger: t.logs.logger,
      });
      const oldRecord = makeRecord({ ts: new Date(now.getTime() - 92 * DAY) });
      const edgeRecord = makeRecord({ ts: new Date(now.getTime() - 89 * DAY) });
      const recent = makeRecord({ ts: new Date(now.getTime() - DAY) });
      for (const r of [oldRecord, edgeRecord, recent]) writer.record(r);
      await writer.drain(5_000);
      await db
        .insertInto("admin_events")
        .values([
          { actor: "admin", action: "old", ts: new Date(now.getTime() - 91 * DAY) },
          { actor: "admin", action: "new", ts: new Date(now.getTime() - 5 * DAY) },
        ])
        .execute();

      const run = await runAuditRetention(db, { retentionDays: 90, now });
      expect(run).not.toBeNull();
      const cutoff = now.getTime() - 90 * DAY;
      const remaining = await listDayPartitions(db);
      // Every partition that ends after the cutoff survives; every one that ends before it is gone.
      for (const p of remaining) expect(p.day.getTime() + DAY).toBeGreaterThan(cutoff);
      expect(run!.dropped_partitions).toContain(partitionNameFor(addDays(today, -95)));
      expect(run!.dropped_partitions).toContain(partitionNameFor(oldRecord.ts));
      expect(run!.dropped_partitions).not.toContain(partitionNameFor(edgeRecord.ts));
      expect(remaining.map((p) => p.name)).toContain(partitionNameFor(addDays(today, -89)));
      expect(remaining.map((p) => p.name)).toContain(partitionNameFor(today));

      const ids = (await db.selectFrom("audit_log").select("request_id").execute()).map((r) => r.request_id);
      expect(ids.sort()).toEqual([edgeRecord.requestId, recent.requestId].sort());
      const events = await db.selectFrom("admin_events").select("action").execute();
      expect(events.map((e) => e.action)).toEqual(["new"]);
      expect(run!.admin_events_deleted).toBe(1);

      // Nothing left to drop: a second run is a no-op.
      const again = await runAuditRetention(db, { retentionDays: 90, now });
      expect(again!.dropped_partitions).toEqual([]);
    });

    it("records the last run in the writer's stats at start", async () => {
      t = await openAuditTestDb(kind);
      await ensureDayPartitions(t.database.db, addDays(new Date(), -40), addDays(new Date(), -35));
      const writer = await createAuditWriter({
        db: t.database.db,
        config: { dataDir: t.dataDir, audit: { ...TEST_AUDIT_CONFIG, retentionDays: 30 } },
        logger: t.logs.logger,
      });
      const stats = writer.stats();
      await writer.drain(2_000);
      expect(stats.last_retention_run).not.toBeNull();
      expect(stats.last_retention_run!.dropped_partitions).toHaveLength(6);
      expect(Date.parse(stats.last_retention_run!.at)).toBeGreaterThan(Date.now() - 60_000);
    });
  });
}

describe("audit retention across instances (postgres)", () => {
  let t: AuditTestDb;
  afterEach(async () => t?.close());

  it("skips while another instance holds the lock, and concurrent runs do not fail", async () => {
    t = await openAuditTestDb("postgres");
    const db = t.database.db;
    const now = new Date();
    await ensureDayPartitions(db, addDays(now, -100), addDays(now, -95));
    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock($1::bigint)", [RETENTION_LOCK_KEY.toString()]);
      expect(await runAuditRetention(db, { retentionDays: 90, now })).toBeNull();
      expect(await listDayPartitions(db)).toHaveLength(6);
      await other.query("SELECT pg_advisory_unlock($1::bigint)", [RETENTION_LOCK_KEY.toString()]);
    } finally {
      await other.end();
    }
    const runs = await Promise.all([1, 2, 3].map(() => runAuditRetention(db, { retentionDays: 90, now })));
    const dropped = runs.flatMap((r) => r?.dropped_partitions ?? []);
    expect(dropped.sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => partitionNameFor(addDays(now, -100 + i))).sort(),
    );
    expect(await listDayPartitions(db)).toEqual([]);
  });
});
