/**
 * @module Reads Hermes' SQLite databases off the main thread. One worker thread (started on first use) owns every
 * connection: each file is opened read-only on its real path (so committed WAL content is seen, unlike a copy of
 * the main file), with a 5 s busy timeout and a few retries after busy/locked/I/O errors, and kept open in a small
 * LRU (8 files, closed after 30 s idle or when the file is replaced on disk). A read that takes longer than the
 * deadline terminates the worker, so a runaway query can neither hang a request nor hold a lock for long.
 *
 * What SQLite's own reader creates: opening a WAL database read-only when Hermes has no connection open makes
 * SQLite create an empty `-wal` and the `-shm` index next to it (same owner and mode as the database). Nothing
 * else is ever written.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { SQLITE_WORKER_SOURCE, type SqliteWorkerOptions } from "./sqlite-worker-source.js";

export type SqliteFailure =
  /** The file is gone (between confinement and open). */
  | "not_present"
  | "not_regular"
  /** Permission denied, or SQLite could not open it (e.g. a WAL database whose -shm cannot be created). */
  | "unreadable"
  | "corrupt"
  /** Still busy, locked or failing I/O after the retries. */
  | "busy"
  /** The statement failed (an unexpected schema, or a bug of ours). */
  | "query"
  | "timeout"
  | "error";

export class SqliteReadError extends Error {
  override name = "SqliteReadError";
  constructor(
    readonly kind: SqliteFailure,
    /** SQLite's or the OS's error code (e.g. SQLITE_BUSY), never a message. */
    readonly code: string,
  ) {
    super(`SQLite read failed: ${kind}${code ? ` (${code})` : ""}`);
  }
}

export type SqliteSchema = {
  /** Every table and view with its columns, as `PRAGMA table_info` gives them. */
  tables: Record<string, string[]>;
  /** `wal`, `delete`… as the file's header says. */
  journalMode: string;
};

export type Statement = { sql: string; params?: readonly (string | number | bigint | null)[] };

export type SqliteReader = {
  /** Tables and columns of the database at `file` (a confined real path). */
  schema(file: string): Promise<SqliteSchema>;
  /** Runs the statements in one read transaction; one array of rows per statement. */
  read(file: string, statements: readonly Statement[]): Promise<Record<string, unknown>[][]>;
  close(): Promise<void>;
};

export type SqliteReaderOptions = {
  busyTimeoutMs?: number;
  retries?: number;
  maxHandles?: number;
  idleMs?: number;
  /** A request taking longer than this terminates the worker (its connections go with it). */
  deadlineMs?: number;
};

type Reply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; kind: SqliteFailure; code: string };
type Pending = { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout };

export function createSqliteReader(options: SqliteReaderOptions = {}): SqliteReader {
  const workerData: SqliteWorkerOptions = {
    modulePath: createRequire(import.meta.url).resolve("better-sqlite3"),
    busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
    retries: options.retries ?? 3,
    maxHandles: options.maxHandles ?? 8,
    idleMs: options.idleMs ?? 30_000,
  };
  const deadlineMs = options.deadlineMs ?? 30_000;
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (err: Error) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(err);
    }
  };

  const stop = (w: Worker, err: Error) => {
    if (worker === w) worker = null;
    failAll(err);
    void w.terminate();
  };

  const start = (): Worker => {
    const w = new Worker(SQLITE_WORKER_SOURCE, { eval: true, workerData });
    // Never keeps the process alive on its own; shutdown closes it explicitly.
    w.unref();
    w.on("message", (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      clearTimeout(p.timer);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new SqliteReadError(reply.kind, reply.code));
    });
    w.on("error", () => stop(w, new SqliteReadError("error", "worker_crashed")));
    w.on("exit", () => {
      if (worker === w) worker = null;
      failAll(new SqliteReadError("error", "worker_exited"));
    });
    return w;
  };

  const call = (msg: Record<string, unknown>): Promise<unknown> => {
    const w = (worker ??= start());
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => stop(w, new SqliteReadError("timeout", "deadline")), deadlineMs);
      pending.set(id, { resolve, reject, timer });
      w.postMessage({ ...msg, id });
    });
  };

  return {
    schema: (file) => call({ op: "schema", file }) as Promise<SqliteSchema>,
    read: (file, statements) =>
      call({
        op: "read",
        file,
        statements: statements.map((s) => ({ sql: s.sql, params: s.params ?? [] })),
      }) as Promise<Record<string, unknown>[][]>,
    async close() {
      const w = worker;
      if (!w) return;
      await call({ op: "close" }).catch(() => undefined);
      worker = null;
      await w.terminate();
    },
  };
}
