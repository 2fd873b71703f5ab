/**
 * The audit writer against real failures on PostgreSQL: the database refusing connections mid-load, and the
 * process killed with SIGKILL mid-load. Every record that record() accepted arrives exactly once.
 */
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { createAuditWriter, type AuditWriter } from "../../src/audit/audit-writer.js";
import { pgCopyFrom } from "../../src/db/database.js";
import type { DB } from "../../src/db/schema.js";
import { distModuleUrl, spawnScript } from "../harness/spawn-service.js";
import { ADMIN_DATABASE_URL } from "../harness/test-database.js";
import {
  makeRecord,
  openAuditTestDb,
  TEST_AUDIT_CONFIG,
  waitUntil,
  type AuditTestDb,
} from "./audit-fixtures.js";

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("audit writer durability (postgres)", () => {
  let t: AuditTestDb;
  let writer: AuditWriter | undefined;

  afterEach(async () => {
    await writer?.drain(2_000);
    writer = undefined;
    if (t?.testDb) await admin((c) => c.query(`ALTER DATABASE "${t.testDb!.name}" ALLOW_CONNECTIONS true`));
    await t?.close();
  });

  const countRows = async () =>
    (
      await sql<{
        n: number;
        d: number;
      }>`SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS d FROM audit_log`.execute(
        t.database.db,
      )
    ).rows[0]!;

  it("keeps recording while the database refuses connections, then writes every record exactly once", async () => {
    t = await openAuditTestDb("postgres");
    // Our own pool with an error listener on every client: pg-pool leaves checked-out clients without one, and a
    // backend terminated between checkout and query would otherwise raise an unhandled 'error' (see the report).
    const pool = new pg.Pool({ connectionString: t.url, max: 4, connectionTimeoutMillis: 5_000 });
    pool.on("error", () => undefined);
    pool.on("connect", (client) => client.on("error", () => undefined));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    onTestFinished(() => db.destroy());
    writer = await createAuditWriter({
      db,
      copyFrom: pgCopyFrom(pool),
      config: { dataDir: t.dataDir, audit: TEST_AUDIT_CONFIG },
      logger: t.logs.logger,
    });
    const w = writer;
    const ids: string[] = [];
    let running = true;
    // Steady load through the whole outage: 20 records every 5 ms.
    const load = (async () => {
      while (running) {
        for (let i = 0; i < 20; i++) {
          const r = makeRecord();
          ids.push(r.requestId);
          w.record(r);
        }
        await sleep(5);
      }
    })();
    await sleep(500);
    const name = t.testDb!.name;
    await admin(async (c) => {
      await c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name]);
    });
    await waitUntil(() => w.stats().mode === "spooling", 20_000, "spooling mode");
    await sleep(1_500);
    expect(w.stats().spool_bytes).toBeGreaterThan(0);
    expect(w.stats().write_errors).toBeGreaterThan(0);
    await admin((c) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`));
    await waitUntil(() => w.stats().mode === "live", 20_000, "live mode");
    await sleep(500);
    running = false;
    await load;
    await w.flush();
    const { n, d } = await countRows();
    expect(n).toBe(ids.length);
    expect(d).toBe(ids.length);
    const stored = new Set(
      (await t.database.db.selectFrom("audit_log").select("request_id").execute()).map((r) => r.request_id),
    );
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
    expect(w.stats().dropped).toBe(0);
  });

  it("loses nothing when the process is killed with SIGKILL mid-load (the spool is replayed at the next start)", async () => {
    t = await openAuditTestDb("postgres");
    // The child records as a busy gateway would and acknowledges each record once record() has returned.
    const child = spawnScript(
      `
        const { openDatabase } = await import(${JSON.stringify(distModuleUrl("db/database.js"))});
        const { createAuditWriter } = await import(${JSON.stringify(distModuleUrl("audit/audit-writer.js"))});
        const { createLogger } = await import(${JSON.stringify(distModuleUrl("logging/logger.js"))});
        const logger = createLogger({ level: "warn", format: "json" }, process.stderr);
        const database = await openDatabase({ url: process.argv[1], poolMax: 4, dataDir: process.argv[2], logger });
        const audit = await createAuditWriter({ db: database.db, copyFrom: database.copyFrom, logger,
          config: { dataDir: process.argv[2], audit: { queueSize: 10000, flushMs: 100, retentionDays: 90, maxBytes: 65536 } } });
        let i = 0;
        const body = { text: JSON.stringify({ messages: [{ role: "user", content: "x".repeat(2000) }] }), bytes: 2030, truncated: false };
        const tick = () => {
          for (let k = 0; k < 50; k++, i++) {
            audit.record({ ts: new Date(), requestId: "req_kill_" + i, gateway: "pre", apiUserId: "usr_k", apiUserName: "K",
              tenantId: "default", method: "POST", path: "/v1/chat/completions", model: "m", status: 200, stream: false,
              latencyMs: 1, ttfbMs: 1, usage: null, clientIp: null, userAgent: null, errorCode: null, aborted: false,
              requestBody: body, responseBody: body });
            process.stdout.write("ack " + i + "\\n");
          }
          setTimeout(tick, 2);
        };
        tick();
        `,
      [t.url!, t.dataDir],
    );
    // Acks from stdout alone: a log line on stderr must not split one.
    let out = "";
    child.proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    await child.waitFor(/ack 4999\n/);
    child.proc.kill("SIGKILL");
    await child.exited;
    const acked = [...out.matchAll(/ack (\d+)\n/g)].map((m) => `req_kill_${m[1]}`);
    expect(acked.length).toBeGreaterThanOrEqual(5_000);

    writer = await createAuditWriter({
      db: t.database.db,
      copyFrom: t.database.copyFrom,
      config: { dataDir: t.dataDir, audit: TEST_AUDIT_CONFIG },
      logger: t.logs.logger,
    });
    await writer.flush();
    const { n, d } = await countRows();
    expect(n).toBe(d);
    const stored = new Set(
      (await t.database.db.selectFrom("audit_log").select("request_id").execute()).map((r) => r.request_id),
    );
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    expect(writer.stats().spool_files).toBeLessThanOrEqual(1);
  });
});
