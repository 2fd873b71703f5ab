import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { listDayPartitions, partitionNameFor, addDays, utcDay } from "../../src/audit/audit-partitions.js";
import { createAuditWriter, type AuditWriter } from "../../src/audit/audit-writer.js";
import { captureBody } from "../../src/audit/audit-record.js";
import { rowToSpoolFrame, spoolFramesToRows, toAuditRow } from "../../src/audit/audit-row.js";
import { insertAuditRows } from "../../src/audit/audit.repository.js";
import { makeRecord, openAuditTestDb, TEST_AUDIT_CONFIG, type AuditTestDb } from "./audit-fixtures.js";

for (const kind of ["postgres", "embedded"] as const) {
  describe(`audit writer (${kind})`, () => {
    let t: AuditTestDb;
    let writer: AuditWriter | undefined;
    /** Batches the writer sent through the database's real COPY. */
    let copies = 0;

    afterEach(async () => {
      await writer?.drain(2_000);
      writer = undefined;
      await t?.close();
    });

    async function start(overrides: Partial<typeof TEST_AUDIT_CONFIG> = {}) {
      t = await openAuditTestDb(kind);
      copies = 0;
      const database = t.database;
      writer = await createAuditWriter({
        db: database.db,
        copyFrom: (...args) => {
          copies++;
          return database.copyFrom(...args);
        },
        config: { dataDir: t.dataDir, audit: { ...TEST_AUDIT_CONFIG, ...overrides } },
        logger: t.logs.logger,
      });
      return writer;
    }

    const count = async () =>
      Number(
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(t.database.db)).rows[0]!
          .n,
      );

    it("creates day partitions from yesterday to a week ahead at start", async () => {
      await start();
      const names = (await listDayPartitions(t.database.db)).map((p) => p.name);
      const today = utcDay(new Date());
      for (let d = -1; d <= 7; d++) expect(names).toContain(partitionNameFor(addDays(today, d)));
    });

    it("writes every record exactly once, with every field, without the caller waiting", async () => {
      const w = await start();
      const records = Array.from({ length: 1_234 }, () => makeRecord());
      for (const r of records) w.record(r);
      expect(w.stats().queue_depth).toBeGreaterThan(0);
      await w.flush();
      expect(await count()).toBe(1_234);
      const stats = w.stats();
      expect(stats).toMatchObject({
        queue_depth: 0,
        rows_written: 1_234,
        write_errors: 0,
        dropped: 0,
        mode: "live",
      });
      expect(stats.last_flush_at).not.toBeNull();
      expect(copies).toBeGreaterThan(0);

      const first = records[0]!;
      const row = await t.database.db
        .selectFrom("audit_log")
        .selectAll()
        .where("request_id", "=", first.requestId)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        request_id: first.requestId,
        gateway: "post",
        api_user_id: "usr_test",
        api_user_name: "Test User",
        tenant_id: "default",
        method: "POST",
        path: "/v1/chat/completions",
        model: "hermes-agent",
        status: 200,
        stream: false,
        latency_ms: 12,
        ttfb_ms: 5,
        prompt_tokens: 10,
        completion_tokens: 2,
        total_tokens: 12,
        usage_source: "provider",
        client_ip: "127.0.0.1",
        user_agent: "test",
        error_code: null,
        aborted: false,
        request_body: first.requestBody!.text,
        request_truncated: false,
        response_body: first.responseBody!.text,
      });
      expect(row.ts.getTime()).toBe(first.ts.getTime());
    });

    it("stores every body intact while records keep arriving during writes (queued frames share reused memory)", async () => {
      const w = await start();
      const bodyOf = (i: number) => JSON.stringify({ n: i, content: `${i} `.repeat(400) });
      const records = Array.from({ length: 3_000 }, (_, i) =>
        makeRecord({ requestBody: captureBody(bodyOf(i), 65536) }),
      );
      // In waves, so frames are queued while earlier batches are being written and their memory reused.
      for (let i = 0; i < records.length; i += 100) {
        for (const r of records.slice(i, i + 100)) w.record(r);
        await new Promise((r) => setTimeout(r, 5));
      }
      await w.flush();
      const rows = await t.database.db
        .selectFrom("audit_log")
        .select(["request_id", "request_body"])
        .execute();
      const stored = new Map(rows.map((r) => [r.request_id, r.request_body]));
      expect(stored.size).toBe(records.length);
      records.forEach((r, i) => expect(stored.get(r.requestId)).toBe(bodyOf(i)));
      expect(copies).toBeGreaterThan(2);
    });

    it("flushes on its own within the flush interval", async () => {
      const w = await start({ flushMs: 50 });
      w.record(makeRecord());
      const deadline = Date.now() + 10_000;
      while ((await count()) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await count()).toBe(1);
    });

    it("stores bodies over the cap truncated and flagged with their original size", async () => {
      const w = await start();
      const big = JSON.stringify({ messages: [{ role: "user", content: "é".repeat(5_000) }] });
      const r = makeRecord({ requestBody: captureBody(big, 1_000), responseBody: captureBody("ok", 1_000) });
      w.record(r);
      await w.flush();
      const row = await t.database.db
        .selectFrom("audit_log")
        .selectAll()
        .where("request_id", "=", r.requestId)
        .executeTakeFirstOrThrow();
      expect(row.request_truncated).toBe(true);
      expect(row.request_bytes).toBe(Buffer.byteLength(big));
      expect(Buffer.byteLength(row.request_body!)).toBeLessThanOrEqual(1_000);
      expect(big.startsWith(row.request_body!)).toBe(true);
      expect(row.response_truncated).toBe(false);
      expect(row.response_bytes).toBe(2);
    });

    it("stores text PostgreSQL cannot hold (NUL, lone surrogates) replaced, without blocking later records", async () => {
      const w = await start();
      // A client controls the model name and the body; an upstream controls the answer.
      const poisoned = makeRecord({
        model: "gpt\u0000evil",
        userAgent: "agent\ud800",
        requestBody: captureBody('{"model":"gpt\u0000evil","x":"\ud83d"}', 65536),
        responseBody: captureBody("binary\u0000answer", 65536),
      });
      const after = makeRecord();
      w.record(poisoned);
      w.record(after);
      await w.flush();
      expect(w.stats()).toMatchObject({ write_errors: 0, mode: "live", rows_written: 2 });
      const row = await t.database.db
        .selectFrom("audit_log")
        .selectAll()
        .where("request_id", "=", poisoned.requestId)
        .executeTakeFirstOrThrow();
      expect(row.model).toBe("gpt\ufffdevil");
      expect(row.user_agent).toBe("agent\ufffd");
      expect(row.request_body).toBe('{"model":"gpt\ufffdevil","x":"\ufffd"}');
      expect(row.response_body).toBe("binary\ufffdanswer");
      expect(await count()).toBe(2);
    });

    it("sets a record the database refuses aside in the quarantine file and writes the rest of its batch", async () => {
      const w = await start();
      // Out of int4 range: what a bug or a corrupted spool line could hand the database.
      const refused = makeRecord({ latencyMs: 3_000_000_000 });
      const others = Array.from({ length: 9 }, () => makeRecord());
      for (const r of [...others.slice(0, 4), refused, ...others.slice(4)]) w.record(r);
      await w.flush();
      expect(w.stats()).toMatchObject({ quarantined: 1, rows_written: 9, mode: "live" });
      expect(await count()).toBe(9);
      const lines = fs
        .readFileSync(path.join(t.dataDir, "audit-quarantine.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { error: { code?: string }; row: { request_id: string } });
      expect(lines.map((l) => l.row.request_id)).toEqual([refused.requestId]);
      expect(lines[0]!.error.code).toBe("22003");
      // Later records are not held up.
      w.record(makeRecord());
      await w.flush();
      expect(await count()).toBe(10);
    });

    it("skips a record whose request id and time are already stored, and writes the rest of its batch", async () => {
      const w = await start();
      const stored = makeRecord();
      await insertAuditRows(t.database.db, [toAuditRow(stored)]);
      // The same request recorded again (a client reusing its x-request-id in the same millisecond): COPY refuses
      // the batch on the unique key, the INSERT fallback skips the duplicate.
      const batch = [makeRecord(), { ...stored }, makeRecord()];
      for (const r of batch) w.record(r);
      await w.flush();
      expect(copies).toBe(1);
      expect(w.stats()).toMatchObject({ rows_written: 2, write_errors: 0, quarantined: 0, mode: "live" });
      expect(await count()).toBe(3);
    });

    it("creates a missing day partition on demand", async () => {
      const w = await start();
      const old = new Date(Date.now() - 20 * 86_400_000);
      const r = makeRecord({ ts: old });
      w.record(r);
      await w.flush();
      expect(await count()).toBe(1);
      expect((await listDayPartitions(t.database.db)).map((p) => p.name)).toContain(partitionNameFor(old));
    });

    it("spools while the audit table is unavailable and replays everything exactly once, in order", async () => {
      const w = await start();
      const before = Array.from({ length: 50 }, () => makeRecord());
      for (const r of before) w.record(r);
      await w.flush();
      // A real failure of every insert: the table is gone from under the writer.
      await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(t.database.db);
      const during = Array.from({ length: 700 }, () => makeRecord());
      for (const r of during.slice(0, 300)) w.record(r);
      await w.flush();
      expect(w.stats().mode).toBe("spooling");
      expect(w.stats().write_errors).toBeGreaterThan(0);
      for (const r of during.slice(300)) w.record(r);
      expect(w.stats().spool_bytes).toBeGreaterThan(0);
      expect(w.stats().queue_depth).toBe(0);
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(t.database.db);
      const after = Array.from({ length: 20 }, () => makeRecord());
      const deadline = Date.now() + 20_000;
      while (w.stats().mode === "spooling" && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      for (const r of after) w.record(r);
      await w.flush();
      const rows = await t.database.db
        .selectFrom("audit_log")
        .select(["request_id", "id"])
        .orderBy("id")
        .execute();
      const expected = [...before, ...during, ...after].map((r) => r.requestId);
      expect(rows.map((r) => r.request_id)).toEqual(expected);
      // Nothing left behind once it is all written.
      expect(w.stats().spool_files).toBeLessThanOrEqual(1);
    });

    it("replays a spool left by a killed run without duplicating rows already written", async () => {
      const w = await start();
      const records = Array.from({ length: 100 }, () => makeRecord());
      for (const r of records) w.record(r);
      await w.flush();
      // Simulate kill -9 after the commit but before the segment was deleted: copy the journal aside first.
      const spoolDir = path.join(t.dataDir, "audit-spool");
      const files = fs.readdirSync(spoolDir);
      expect(files.length).toBeGreaterThan(0);
      const saved = files.map((f) => [f, fs.readFileSync(path.join(spoolDir, f))] as const);
      await w.drain(2_000);
      writer = undefined;
      for (const [f, data] of saved) fs.writeFileSync(path.join(spoolDir, f), data);
      // One more record after the ones already written, then a frame cut short by the kill.
      const extra = makeRecord();
      const torn = rowToSpoolFrame(toAuditRow(makeRecord())).frame;
      fs.appendFileSync(
        path.join(spoolDir, saved.at(-1)![0]),
        Buffer.concat([rowToSpoolFrame(toAuditRow(extra)).frame, torn.subarray(0, torn.length - 7)]),
      );

      writer = await createAuditWriter({
        db: t.database.db,
        config: { dataDir: t.dataDir, audit: TEST_AUDIT_CONFIG },
        logger: t.logs.logger,
      });
      await writer.flush();
      expect(await count()).toBe(101);
      expect(writer.stats().rows_written).toBe(1);
      expect(fs.readdirSync(spoolDir).filter((f) => saved.some(([s]) => s === f))).toEqual([]);
      expect(t.logs.text()).toContain("audit: skipped unreadable spool records");
      expect(t.logs.text()).toContain('"torn":1');
    });

    it("replays a JSON-lines segment left by an earlier version, skipping a torn last line", async () => {
      const spoolDir = path.join((t = await openAuditTestDb(kind)).dataDir, "audit-spool");
      fs.mkdirSync(spoolDir, { recursive: true });
      const old = [makeRecord(), makeRecord({ latencyMs: 3_000_000_000 }), makeRecord()];
      fs.writeFileSync(
        path.join(spoolDir, "audit-000000000007.jsonl"),
        `${old.map((r) => JSON.stringify(toSpool(r))).join("\n")}\n{"torn":`,
      );
      writer = await createAuditWriter({
        db: t.database.db,
        copyFrom: t.database.copyFrom,
        config: { dataDir: t.dataDir, audit: TEST_AUDIT_CONFIG },
        logger: t.logs.logger,
      });
      writer.record(makeRecord());
      await writer.flush();
      // Two of the old rows, the out-of-range one quarantined, and the new record in a new binary segment.
      expect(await count()).toBe(3);
      expect(writer.stats()).toMatchObject({ quarantined: 1, write_errors: 0 });
      expect(fs.readdirSync(spoolDir).filter((f) => f.endsWith(".jsonl"))).toEqual([]);
    });
  });
}

describe("audit spool frames", () => {
  it("spools a record the binary format cannot carry as JSON, and the database's refusal is quarantined by the database", async () => {
    const frame = rowToSpoolFrame(toAuditRow(makeRecord({ latencyMs: 3_000_000_000 })));
    expect(frame.tuple).toBeNull();
    const back = spoolFramesToRows(frame.frame);
    expect(back.torn).toBe(0);
    expect(back.rows[0]!.latency_ms).toBe(3_000_000_000);
    // A normal record reads back field for field.
    const record = makeRecord({ model: "modèle ✓", errorCode: null, ttfbMs: null });
    const row = toAuditRow(record);
    expect(spoolFramesToRows(rowToSpoolFrame(row).frame)).toEqual({ rows: [row], torn: 0 });
  });
});

function toSpool(r: ReturnType<typeof makeRecord>) {
  return {
    ts: r.ts.toISOString(),
    request_id: r.requestId,
    gateway: r.gateway,
    api_user_id: r.apiUserId,
    method: r.method,
    path: r.path,
    status: r.status,
    stream: r.stream,
    latency_ms: r.latencyMs,
    aborted: r.aborted,
    request_truncated: false,
    response_truncated: false,
  };
}
