/**
 * @module Bench: audit writer throughput into the local PostgreSQL with 2 KB request and 2 KB response bodies,
 * plus the cost of one record() call on the request path. Run by hand:
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/bench/audit-writer.js [records]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { captureBody, type AuditRecord } from "../src/audit/audit-record.js";
import { createAuditWriter } from "../src/audit/audit-writer.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { createLogger } from "../src/logging/logger.js";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const TOTAL = Number(process.argv[2] ?? 200_000);

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(query);
  await c.end();
}

/** About 2 KB of chat JSON like real traffic: several turns, quotes and newlines (escaped in JSON text). */
function body(kind: string): string {
  const turn = 'Line one of a "quoted" answer.\nA second line, with a path C:\\tmp and a tab\t.\n';
  const messages = [{ role: "system", content: "You are a helpful assistant." }];
  let text = JSON.stringify({ model: "hermes-agent", messages, kind });
  for (let i = 0; text.length < 2048; i++) {
    messages.push({ role: i % 2 ? "assistant" : "user", content: turn.repeat(2) });
    text = JSON.stringify({ model: "hermes-agent", messages, kind });
  }
  return text;
}

const requestText = body("request");
const responseText = body("response");
let n = 0;
function record(): AuditRecord {
  n++;
  return {
    ts: new Date(),
    requestId: `req_${randomBytes(12).toString("hex")}`,
    gateway: n % 2 ? "pre" : "post",
    apiUserId: `usr_${n % 50}`,
    apiUserName: "Bench User",
    tenantId: "default",
    method: "POST",
    path: "/v1/chat/completions",
    model: "hermes-agent",
    status: 200,
    stream: false,
    latencyMs: 120,
    ttfbMs: 40,
    usage: { promptTokens: 500, completionTokens: 500, totalTokens: 1000, source: "provider" },
    clientIp: "10.0.0.1",
    userAgent: "bench/1.0",
    errorCode: null,
    aborted: false,
    requestBody: captureBody(requestText, 65536),
    responseBody: captureBody(responseText, 65536),
  };
}

const name = `hcp_bench_writer_${randomBytes(4).toString("hex")}`;
await admin(`CREATE DATABASE "${name}"`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-bench-writer-"));
const logger = createLogger({ level: "warn", format: "json" });
const database = await openDatabase({ url: url.toString(), poolMax: 4, dataDir, logger });
try {
  await migrateToLatest(database.db);
  const writer = await createAuditWriter({
    db: database.db,
    copyFrom: database.copyFrom,
    config: { dataDir, audit: { queueSize: 10_000, flushMs: 100, retentionDays: 90, maxBytes: 65536 } },
    logger,
  });
  console.log(
    `request body ${Buffer.byteLength(requestText)} B, response body ${Buffer.byteLength(responseText)} B, ${TOTAL} records`,
  );
  const start = performance.now();
  let recordNs = 0n;
  let produced = 0;
  // Offer load as fast as the writer absorbs it without overflowing the queue (overflow would go to the spool).
  while (produced < TOTAL) {
    if (writer.stats().queue_depth < 8_000) {
      const batch = Array.from({ length: Math.min(500, TOTAL - produced) }, record);
      const t0 = process.hrtime.bigint();
      for (const r of batch) writer.record(r);
      recordNs += process.hrtime.bigint() - t0;
      produced += batch.length;
      await new Promise((r) => setImmediate(r));
    } else {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  await writer.flush();
  const seconds = (performance.now() - start) / 1000;
  const stats = writer.stats();
  const count = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(database.db))
    .rows[0]!.n;
  await writer.drain(10_000);
  console.log(
    JSON.stringify({
      records: TOTAL,
      rows_in_table: count,
      seconds: Number(seconds.toFixed(2)),
      records_per_second: Math.round(TOTAL / seconds),
      record_call_us: Number((Number(recordNs) / 1000 / TOTAL).toFixed(2)),
      write_errors: stats.write_errors,
      spooled_only: stats.mode,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  await database.close();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
