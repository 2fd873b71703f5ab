import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDayPartition } from "../../src/audit/audit-partitions.js";
import { openDatabase } from "../../src/db/database.js";
import { isMigrated, migrateToLatest } from "../../src/db/migrate.js";
import { MIGRATIONS } from "../../migrations/index.js";
import { captureLogs } from "../harness/log-capture.js";
import { spawnService } from "../harness/spawn-service.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

const created: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(created.map((d) => d.drop()));
});

const EXPECTED_TABLES = [
  "admin_accounts",
  "admin_events",
  "admin_oidc_logins",
  "admin_sessions",
  "api_users",
  "app_settings",
  "audit_log",
  "hermes_upstream_probes",
  "key_rotation_requests",
  "rate_limits",
  "retired_keys",
  "tenants",
  "usage_daily",
  "usage_instances",
  "usage_monthly",
  "usage_reservations",
];

async function tablesOf(db: Awaited<ReturnType<typeof openDatabase>>["db"]) {
  const r = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%' AND table_name NOT LIKE 'audit_log_p%'
    ORDER BY table_name`.execute(db);
  return r.rows.map((x) => x.table_name);
}

/** A new, empty PostgreSQL database (dropped after the file), opened. */
async function openFreshPostgres(name: string) {
  const tdb = await createTestDatabase(name);
  created.push(tdb);
  return openDatabase({ url: tdb.url, poolMax: 2, dataDir: ".", logger: captureLogs().logger });
}

describe("migrations", () => {
  it("apply on real PostgreSQL, twice in a row", async () => {
    const database = await openFreshPostgres("mig");
    try {
      expect(await isMigrated(database.db)).toBe(false);
      expect((await migrateToLatest(database.db)).applied).toEqual(Object.keys(MIGRATIONS));
      expect((await migrateToLatest(database.db)).applied).toEqual([]);
      expect(await isMigrated(database.db)).toBe(true);
      expect(await tablesOf(database.db)).toEqual(EXPECTED_TABLES);
      const partitioned = await sql<{ n: number }>`
        SELECT count(*) AS n FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid
        WHERE c.relname = 'audit_log'`.execute(database.db);
      expect(partitioned.rows[0]!.n).toBe(1);
    } finally {
      await database.close();
    }
  });

  it("store audit bodies lz4-compressed on PostgreSQL, in existing and new day partitions", async () => {
    const database = await openFreshPostgres("mig");
    try {
      const db = database.db;
      // A partition from before the migration, one created after it.
      const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
      expect((await migrator.migrateTo("2026_11_23_0003_reservation_ledger")).error).toBeUndefined();
      const before = new Date(Date.UTC(2031, 0, 1));
      await ensureDayPartition(db, before);
      await migrateToLatest(db);
      const after = new Date(Date.UTC(2031, 0, 2));
      await ensureDayPartition(db, after);
      const body = JSON.stringify({ messages: [{ role: "user", content: "lorem ipsum ".repeat(1000) }] });
      for (const ts of [before, after]) {
        await sql`
          INSERT INTO audit_log (ts, request_id, gateway, method, path, status, latency_ms, request_body, response_body)
          VALUES (${ts}, ${`req_${ts.getTime()}`}, 'pre', 'POST', '/v1/chat/completions', 200, 1, ${body}, ${body})
        `.execute(db);
      }
      const stored = await sql<{ req: string; res: string; same: boolean }>`
        SELECT pg_column_compression(request_body) AS req, pg_column_compression(response_body) AS res,
               request_body = ${body} AS same
        FROM audit_log ORDER BY ts`.execute(db);
      expect(stored.rows).toEqual([
        { req: "lz4", res: "lz4", same: true },
        { req: "lz4", res: "lz4", same: true },
      ]);
    } finally {
      await database.close();
    }
  });

  it("apply on embedded PGlite, twice, and survive a reopen", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-pglite-"));
    const { logger, text } = captureLogs();
    try {
      let database = await openDatabase({ url: undefined, poolMax: 1, dataDir: dir, logger });
      expect(database.kind).toBe("embedded");
      expect((await migrateToLatest(database.db)).applied).toEqual(Object.keys(MIGRATIONS));
      expect((await migrateToLatest(database.db)).applied).toEqual([]);
      expect(await tablesOf(database.db)).toEqual(EXPECTED_TABLES);
      // PGlite has no lz4: the audit bodies keep the default compression.
      const compression = await sql<{ attcompression: string }>`
        SELECT attcompression FROM pg_attribute
        WHERE attrelid = 'audit_log'::regclass AND attname = 'request_body'`.execute(database.db);
      expect(compression.rows).toEqual([{ attcompression: "" }]);
      // int8 comes back as a JS number from both drivers.
      const n = await sql<{ n: unknown }>`SELECT count(*) AS n FROM tenants`.execute(database.db);
      expect(typeof n.rows[0]!.n).toBe("number");
      await database.close();
      database = await openDatabase({ url: undefined, poolMax: 1, dataDir: dir, logger });
      expect(await isMigrated(database.db)).toBe(true);
      expect((await migrateToLatest(database.db)).applied).toEqual([]);
      await database.close();
      expect(text()).toContain("embedded PostgreSQL (PGlite)");
      expect(text()).toContain(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("int8 is a number on PostgreSQL too", async () => {
    const database = await openFreshPostgres("int8");
    try {
      const r = await sql<{
        n: unknown;
        big: unknown;
      }>`SELECT count(*) AS n, 9007199254740991::int8 AS big`.execute(database.db);
      expect(r.rows[0]).toEqual({ n: 1, big: 9007199254740991 });
    } finally {
      await database.close();
    }
  });

  it("run concurrently from two processes without error", async () => {
    const tdb = await createTestDatabase("migcc");
    created.push(tdb);
    const env = { DATABASE_URL: tdb.url, LOG_LEVEL: "info" };
    const script = path.resolve("dist/src/cli/migrate.js");
    const runs = [
      spawnService(env, { script }),
      spawnService(env, { script }),
      spawnService(env, { script }),
    ];
    const results = await Promise.all(runs.map((r) => r.exited));
    for (const [i, r] of results.entries()) expect(r.code, runs[i]!.output()).toBe(0);
    const outputs = runs.map((r) => r.output()).join("\n");
    expect(outputs.match(/"migrations applied"/g)).toHaveLength(1);
    expect(outputs.match(/"database already up to date"/g)).toHaveLength(2);
  });
});
