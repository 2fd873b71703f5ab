/**
 * @module The audit writer: record() appends each record to the spool journal and a bounded in-memory queue and
 * returns; one background loop writes batches at least every flushMs: a binary COPY for rows never sent before,
 * a multi-row INSERT … ON CONFLICT DO NOTHING for anything that may already be stored (replays, retries).
 * When the database fails or the queue is full, records stay only in the spool and are replayed, oldest first,
 * once the database answers again.
 * Over 300 lines on purpose: queue, failure mode and replay position share state that must change together within
 * one event-loop turn; split across modules that state would have to be exposed.
 */
import fs from "node:fs";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Config } from "../config/config.js";
import { CopyRefusedError, errSummary, type CopyFrom } from "../db/database.js";
import type { DB, NewAuditLogRow } from "../db/schema.js";
import { FailureLog } from "../logging/failure-log.js";
import type { Logger } from "../logging/logger.js";
import {
  ensureDayPartition,
  ensureDayPartitions,
  addDays,
  isMissingPartitionError,
  utcDay,
} from "./audit-partitions.js";
import type { AuditRecord, AuditSink } from "./audit-record.js";
import { rowToSpoolFrame, spoolTupleToRow, toAuditRow } from "./audit-row.js";
import { runAuditRetention, type RetentionRun } from "./audit-retention.js";
import { AuditSpool, readSegmentRows, type Segment } from "./audit-spool.js";
import { FrameSlabs } from "./frame-slabs.js";
import { copyAuditTuples, insertAuditRows } from "./audit.repository.js";

/** Rows per INSERT: 27 columns × 500 stays far below PostgreSQL's 65,535 bind parameters. */
const BATCH_ROWS = 500;
/** Queued rows above which the loop does not wait for the next interval. */
const BACKLOG_ROWS = 100;
const SEGMENT_MAX_BYTES = 16 * 1024 * 1024;
/** Largest COPY payload buffer kept for the next batch (a batch of 2 KB bodies takes ~2.3 MB). */
const PAYLOAD_KEEP_BYTES = 8 * 1024 * 1024;
/** How often the spool is fdatasync'ed (power-loss window; a killed process loses nothing either way). */
const FSYNC_MS = 1_000;
/**
 * SQLSTATE classes that blame the data rather than the database: data exception (22), integrity constraint (23),
 * program limit (54, e.g. a row too large). A missing partition (23514) is handled before this.
 */
function isRowDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && /^(22|23|54)/.test(code);
}

/** Pause between attempts while the database is failing. */
const RETRY_MS = 1_000;
const MAINTENANCE_MS = 3_600_000;
/** Partitions created ahead of time: yesterday (late clocks) to a week ahead. */
const PARTITION_DAYS_BEHIND = 1;
const PARTITION_DAYS_AHEAD = 7;

/** What the admin status endpoint shows. snake_case, as every admin API field. */
export type AuditStats = {
  queue_depth: number;
  spool_files: number;
  spool_bytes: number;
  rows_written: number;
  write_errors: number;
  /** Records lost because neither the spool nor the queue could take them (disk failure and full queue). */
  dropped: number;
  /** Records the database refused as data (kept in <data dir>/audit-quarantine.jsonl instead). */
  quarantined: number;
  /** "spooling" while the database is failing: records go to the spool only. */
  mode: "live" | "spooling";
  last_flush_at: string | null;
  last_error: string | null;
  last_retention_run: RetentionRun | null;
};

export interface AuditWriter extends AuditSink {
  stats(): AuditStats;
  /** Resolves once everything recorded before the call is written (or spooled after a failure). */
  flush(): Promise<void>;
  /** Partitions ahead plus retention; runs at start and hourly. */
  runMaintenance(): Promise<void>;
  /** Shutdown: stop timers, write what is queued and replay what is spooled, else leave it for the next start. */
  drain(deadlineMs?: number): Promise<void>;
}

export type AuditWriterOptions = {
  db: Kysely<DB>;
  /** Bulk load for fresh batches (Database.copyFrom); without it every batch is an INSERT. */
  copyFrom?: CopyFrom;
  config: Pick<Config, "dataDir" | "audit">;
  logger: Logger;
  now?: () => Date;
  /** This process's spool directory; default <dataDir>/audit-spool. One per process (each worker has its own). */
  spoolDir?: string;
  /** Spool directories of workers that no longer run, taken over and replayed by this writer. */
  adoptSpoolDirs?: readonly string[];
  /**
   * Whether this process creates partitions ahead and applies retention (default true). With several workers only
   * one does; every writer still creates a missing partition when a record needs it.
   */
  maintenance?: boolean;
};

/**
 * A queued record is held once: as the COPY tuple it was spooled as (its row is decoded back only if the batch has
 * to take the INSERT path), or as a row when the binary format cannot carry it. `sent`: a write of it failed in a
 * way that leaves unknown whether it was stored.
 */
type Queued =
  | { tuple: Buffer; row?: undefined; seg: Segment | null; sent?: true }
  | {
      tuple?: undefined;
      row: NewAuditLogRow;
      seg: Segment | null;
      sent?: true;
    };

function rowOf(q: Queued): NewAuditLogRow {
  if (q.row) return q.row;
  const row = spoolTupleToRow(q.tuple);
  if (!row) throw new Error("audit: a queued tuple does not read back");
  return row;
}

export async function createAuditWriter(options: AuditWriterOptions): Promise<AuditWriter> {
  const writer = new BatchAuditWriter(options);
  await writer.start();
  return writer;
}

class BatchAuditWriter implements AuditWriter {
  private readonly db: Kysely<DB>;
  private readonly copyFrom: CopyFrom | undefined;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly queueSize: number;
  private readonly flushMs: number;
  private readonly retentionDays: number;
  private readonly spool: AuditSpool;
  private queue: Queued[] = [];
  /** Queued frames live in reused slabs; only tuples of queued records are read, so the queue says what is live. */
  private readonly slabs = new FrameSlabs();
  /** The last COPY payload's buffer, reused by the next batch (reused for the same reason as the slabs). */
  private payloadBuffer: Buffer | null = null;
  private mode: "live" | "spooling" = "live";
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private fsyncTimer: NodeJS.Timeout | null = null;
  private maintenanceTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Replay position inside the oldest spilled segment, so a failure mid-file resumes there. */
  private replay: { seg: Segment; rows: NewAuditLogRow[]; next: number } | null = null;
  private counters = { rowsWritten: 0, writeErrors: 0, dropped: 0, quarantined: 0 };
  private lastFlushAt: Date | null = null;
  private lastError: string | null = null;
  private lastRetention: RetentionRun | null = null;
  private readonly quarantineFile: string;
  /** The write loop's outage: logged when it starts spooling and when it is back to live mode, not per retry. */
  private readonly writeLog: FailureLog;
  private readonly maintenance: boolean;

  constructor(options: AuditWriterOptions) {
    this.db = options.db;
    this.copyFrom = options.copyFrom;
    this.logger = options.logger;
    this.writeLog = new FailureLog(options.logger, "audit: database write", "error");
    this.now = options.now ?? (() => new Date());
    this.queueSize = options.config.audit.queueSize;
    this.flushMs = options.config.audit.flushMs;
    this.retentionDays = options.config.audit.retentionDays;
    this.spool = new AuditSpool({
      dir: options.spoolDir ?? path.resolve(options.config.dataDir, "audit-spool"),
      segmentMaxBytes: SEGMENT_MAX_BYTES,
      adopt: options.adoptSpoolDirs ?? [],
    });
    this.maintenance = options.maintenance ?? true;
    this.quarantineFile = path.resolve(options.config.dataDir, "audit-quarantine.jsonl");
  }

  async start(): Promise<void> {
    const left = this.spool.totals();
    if (left.files > 0)
      this.logger.info(
        { files: left.files, bytes: left.bytes },
        "audit: replaying the spool left by the previous run",
      );
    if (this.maintenance) await this.runMaintenance();
    this.schedule(this.flushMs);
    this.fsyncTimer = setInterval(() => void this.spool.sync(), FSYNC_MS);
    this.fsyncTimer.unref();
    if (this.maintenance) {
      this.maintenanceTimer = setInterval(() => void this.runMaintenance(), MAINTENANCE_MS);
      this.maintenanceTimer.unref();
    }
  }

  record(record: AuditRecord): void {
    try {
      const row = toAuditRow(record);
      const queue = this.mode === "live" && !this.stopped && this.queue.length < this.queueSize;
      let seg: Segment | null = null;
      let tuple: Buffer | null = null;
      try {
        // Only a queued frame goes in a slab: the queue is what tells the slabs which frames are still read.
        const framed = rowToSpoolFrame(row, queue ? (size) => this.slabs.alloc(size) : undefined);
        tuple = framed.tuple;
        seg = this.spool.append(framed.frame);
      } catch (err) {
        this.noteError(err, "audit: spool append failed");
      }
      if (queue) {
        this.queue.push(tuple ? { tuple, seg } : { row, seg });
        if (seg) seg.pending++;
        if (this.queue.length >= BACKLOG_ROWS) this.schedule(0);
      } else if (seg) {
        seg.spilled = true;
      } else {
        this.counters.dropped++;
        this.logger.error(
          { requestId: record.requestId },
          "audit: record dropped (spool unwritable and queue unavailable)",
        );
      }
    } catch (err) {
      this.counters.dropped++;
      this.noteError(err, "audit: record failed");
    }
  }

  stats(): AuditStats {
    const spool = this.spool.totals();
    return {
      queue_depth: this.queue.length,
      spool_files: spool.files,
      spool_bytes: spool.bytes,
      rows_written: this.counters.rowsWritten,
      write_errors: this.counters.writeErrors,
      dropped: this.counters.dropped,
      quarantined: this.counters.quarantined,
      mode: this.mode,
      last_flush_at: this.lastFlushAt?.toISOString() ?? null,
      last_error: this.lastError,
      last_retention_run: this.lastRetention,
    };
  }

  async flush(): Promise<void> {
    for (;;) {
      await this.runOnce();
      if (this.mode === "spooling" || !this.hasWork()) return;
    }
  }

  async runMaintenance(): Promise<void> {
    const today = utcDay(this.now());
    try {
      const created = await ensureDayPartitions(
        this.db,
        addDays(today, -PARTITION_DAYS_BEHIND),
        addDays(today, PARTITION_DAYS_AHEAD),
      );
      if (created.length > 0) this.logger.info({ created }, "audit: day partitions created");
    } catch (err) {
      this.noteError(err, "audit: creating day partitions failed");
    }
    try {
      const run = await runAuditRetention(this.db, { retentionDays: this.retentionDays, now: this.now() });
      if (run) {
        this.lastRetention = run;
        if (run.dropped_partitions.length > 0 || run.admin_events_deleted > 0)
          this.logger.info(run, "audit: retention applied");
      }
    } catch (err) {
      this.noteError(err, "audit: retention failed");
    }
  }

  async drain(deadlineMs = 10_000): Promise<void> {
    this.stopped = true;
    for (const t of [this.timer, this.fsyncTimer, this.maintenanceTimer]) if (t) clearTimeout(t);
    const deadline = Date.now() + deadlineMs;
    // One more attempt even if the last one failed: the database may be back.
    this.mode = "live";
    while (this.hasWork() && Date.now() < deadline) {
      await this.runOnce();
      if (this.isFailing()) break;
    }
    for (const item of this.queue) if (item.seg) item.seg.spilled = true;
    this.queue = [];
    this.spool.closeActive();
    await this.spool.collect();
    await Promise.all(this.spool.closed.map((s) => s.io));
    const left = this.spool.totals();
    if (left.files > 0)
      this.logger.warn(
        { files: left.files, bytes: left.bytes },
        "audit: records left in the spool; they are written at the next start",
      );
    else this.logger.info({ rowsWritten: this.counters.rowsWritten }, "audit: drained");
  }

  private isFailing(): boolean {
    return this.mode === "spooling";
  }

  private hasWork(): boolean {
    const active = this.spool.activeSegment();
    return this.queue.length > 0 || this.spool.nextSpilled() !== undefined || (active?.spilled ?? false);
  }

  private timerDue = 0;

  /** Arms the loop timer unless it is already due sooner. */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce().then(() => {
        // Under load, write again at once: whatever queued during this insert is the next batch (group commit).
        const backlog =
          this.queue.length >= BACKLOG_ROWS || this.replay !== null || this.spool.nextSpilled() !== undefined;
        this.schedule(this.mode === "spooling" ? RETRY_MS : backlog ? 0 : this.flushMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** One step of the loop; never runs twice at once. */
  private runOnce(): Promise<void> {
    this.running ??= this.step().finally(() => {
      this.running = null;
      // Between steps no batch is in flight: the queue holds every frame still to be read.
      this.slabs.recycle(this.liveTuples());
    });
    return this.running;
  }

  private *liveTuples(): Generator<Buffer> {
    for (const q of this.queue) if (q.tuple) yield q.tuple;
  }

  private async step(): Promise<void> {
    try {
      // While failing, only the active segment may hold spilled rows: close it so the retry replays it.
      if (this.mode === "spooling" && !this.spool.nextSpilled() && this.spool.activeSegment()?.spilled)
        this.spool.closeActive();
      // Spooled rows are older than queued ones: replay them first so rows arrive in order.
      if (this.spool.nextSpilled() || this.replay) {
        await this.replayChunk();
      } else if (this.queue.length > 0) {
        await this.writeQueued();
      } else if (this.spool.activeSegment()?.spilled) {
        // Everything in memory is written; close the segment that holds spilled rows so it can be replayed.
        this.spool.closeActive();
      } else {
        const active = this.spool.activeSegment();
        // Idle: start a fresh segment once this one is all written, so the spool does not grow without bound.
        if (active && active.bytes > 0 && active.pending === 0) this.spool.closeActive();
      }
      if (this.mode === "spooling") {
        this.mode = "live";
        // Rows spooled during the outage sit in the active segment: close it now, before new records are queued,
        // so it is replayed ahead of them.
        if (this.spool.activeSegment()?.spilled) this.spool.closeActive();
        this.writeLog.succeeded({ mode: "live", rowsWritten: this.counters.rowsWritten });
      }
      await this.spool.collect();
    } catch (err) {
      this.counters.writeErrors++;
      const summary = errSummary(err);
      this.lastError = summary.message;
      this.writeLog.failed({ err: summary, mode: "spooling", stats: this.statsForLog() });
      if (this.mode === "live") {
        this.mode = "spooling";
        // Everything queued is already in the spool files; mark them for replay and free the memory.
        for (const item of this.queue)
          if (item.seg) {
            item.seg.pending--;
            item.seg.spilled = true;
          }
        const unspooled = this.queue.filter((q) => !q.seg);
        for (const q of unspooled) q.sent = true;
        this.queue = unspooled.slice(0, this.queueSize);
      }
    }
  }

  private async writeQueued(): Promise<void> {
    const batch = this.queue.slice(0, BATCH_ROWS);
    const tuples = batch.flatMap((q) => (q.tuple && !q.sent ? [q.tuple] : []));
    await this.insert(() => batch.map(rowOf), tuples.length === batch.length ? tuples : null);
    this.queue.splice(0, batch.length);
    for (const q of batch) if (q.seg) q.seg.pending--;
  }

  private async replayChunk(): Promise<void> {
    if (!this.replay) {
      const seg = this.spool.nextSpilled()!;
      const { rows, torn } = await readSegmentRows(seg);
      if (torn > 0) this.logger.warn({ file: seg.file, torn }, "audit: skipped unreadable spool records");
      this.replay = { seg, rows, next: 0 };
    }
    const r = this.replay;
    const rows = r.rows.slice(r.next, r.next + BATCH_ROWS);
    // A spooled row may have been stored before the process stopped: never COPY it.
    await this.insert(() => rows, null);
    r.next += rows.length;
    if (r.next >= r.rows.length) {
      this.replay = null;
      r.seg.spilled = false;
      r.seg.pending = 0;
      await this.spool.remove(r.seg);
      this.logger.info({ file: r.seg.file, rows: r.rows.length }, "audit: spool segment replayed");
    }
  }

  /**
   * `tuples`: the batch's COPY tuples when none was ever sent, else null (INSERT, skipping what is stored). `rowsOf`
   * is called only when the batch takes the INSERT path.
   */
  private async insert(rowsOf: () => NewAuditLogRow[], tuples: Buffer[] | null): Promise<void> {
    let rows: NewAuditLogRow[] | undefined;
    const batchRows = () => (rows ??= rowsOf());
    let inserted: number;
    try {
      inserted =
        tuples && this.copyFrom
          ? await this.copyOrInsert(this.copyFrom, batchRows, tuples)
          : await this.insertCreatingPartitions(batchRows());
    } catch (err) {
      if (!isRowDataError(err)) throw err;
      inserted = await this.insertIsolating(batchRows(), err);
    }
    this.counters.rowsWritten += inserted;
    this.lastFlushAt = this.now();
  }

  /**
   * COPY first; when the database refuses the batch (a missing partition, a duplicate request id, a bad value) it
   * stored nothing, so the INSERT path, which creates partitions, skips duplicates and isolates bad rows, takes it.
   * A lost connection is thrown: the batch is then replayed from the spool with INSERT, so an ambiguous commit
   * cannot duplicate rows.
   */
  private async copyOrInsert(
    copyFrom: CopyFrom,
    rows: () => NewAuditLogRow[],
    tuples: Buffer[],
  ): Promise<number> {
    const into = this.payloadBufferFor(tuples);
    try {
      const written = await copyAuditTuples(copyFrom, tuples, into);
      this.payloadBuffer = into ?? null;
      return written;
    } catch (err) {
      if (!(err instanceof CopyRefusedError)) throw err;
      return await this.insertCreatingPartitions(rows());
    }
  }

  /**
   * The buffer to build this batch's payload in: the last one if large enough, a new one to keep if not, none for a
   * batch too large to keep a buffer for. Taken from the writer until the COPY succeeds: while it runs the socket
   * reads it, and after a failure it may still.
   */
  private payloadBufferFor(tuples: Buffer[]): Buffer | undefined {
    let buffer = this.payloadBuffer;
    this.payloadBuffer = null;
    // 64: room for the payload's header and trailer.
    const size = tuples.reduce((n, t) => n + t.length, 64);
    if (size > PAYLOAD_KEEP_BYTES) return undefined;
    if (!buffer || buffer.length < size)
      buffer = Buffer.allocUnsafeSlow(Math.min(PAYLOAD_KEEP_BYTES, Math.max(2 * size, 1 << 20)));
    return buffer;
  }

  private async insertCreatingPartitions(rows: NewAuditLogRow[]): Promise<number> {
    try {
      return await insertAuditRows(this.db, rows);
    } catch (err) {
      if (!isMissingPartitionError(err)) throw err;
      const days = new Set(rows.map((r) => utcDay(new Date(r.ts)).getTime()));
      for (const day of days) await ensureDayPartition(this.db, new Date(day));
      return await insertAuditRows(this.db, rows);
    }
  }

  /**
   * The database refused something in these rows: halve the batch until the row it refuses is alone, write the
   * rest, and set that row aside in the quarantine file. Retrying the whole batch would fail forever and hold up
   * every record behind it. A connection error on the way is thrown: the batch is retried whole (no duplicates).
   */
  private async insertIsolating(rows: NewAuditLogRow[], err: unknown): Promise<number> {
    if (rows.length === 1) {
      this.quarantine(rows[0]!, err);
      return 0;
    }
    const mid = rows.length >> 1;
    let inserted = 0;
    for (const half of [rows.slice(0, mid), rows.slice(mid)]) {
      try {
        inserted += await this.insertCreatingPartitions(half);
      } catch (e) {
        if (!isRowDataError(e)) throw e;
        inserted += await this.insertIsolating(half, e);
      }
    }
    return inserted;
  }

  private quarantine(row: NewAuditLogRow, err: unknown): void {
    const summary = errSummary(err);
    // The row keeps its bodies, so the file is as sensitive as the spool; the log names only the request.
    fs.appendFileSync(this.quarantineFile, `${JSON.stringify({ error: summary, row })}\n`, { mode: 0o600 });
    this.counters.quarantined++;
    this.logger.error(
      { err: summary, requestId: row.request_id, file: this.quarantineFile },
      "audit: the database refused a record; kept in the quarantine file",
    );
  }

  private lastErrorLogAt = 0;

  private noteError(err: unknown, message: string): void {
    const summary = errSummary(err);
    this.lastError = summary.message;
    // A failing database would otherwise log once per batch attempt.
    const t = Date.now();
    if (t - this.lastErrorLogAt >= 5_000) {
      this.lastErrorLogAt = t;
      this.logger.error({ err: summary, stats: this.statsForLog() }, message);
    }
  }

  private statsForLog() {
    const s = this.spool.totals();
    return {
      queueDepth: this.queue.length,
      spoolFiles: s.files,
      spoolBytes: s.bytes,
      writeErrors: this.counters.writeErrors,
    };
  }
}
