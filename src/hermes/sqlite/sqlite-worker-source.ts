/**
 * @module The code of the worker thread that runs every read of a Hermes SQLite database (state.db, kanban.db).
 * It is plain CommonJS run with `new Worker(code, { eval: true })`: a .ts worker file cannot be loaded by Node 20
 * under the test runner, and this keeps the build a plain `tsc`. It knows nothing of Hermes: it opens files
 * read-only, runs the statements it is sent inside one read transaction, and answers rows or an error kind.
 *
 * Why a worker: better-sqlite3 is synchronous, and a read may wait up to the busy timeout (5 s) for a writer or
 * scan a million messages; on the main thread that would stall the gateways' event loop with it.
 */

/** Sent with `workerData`. */
export type SqliteWorkerOptions = {
  /** The resolved path of better-sqlite3's entry point (the worker's `require` has no package context). */
  modulePath: string;
  busyTimeoutMs: number;
  /** Retries after a busy/locked/I/O error, with 50, 100, 200… ms pauses. */
  retries: number;
  maxHandles: number;
  idleMs: number;
};

export const SQLITE_WORKER_SOURCE = String.raw`
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const Database = require(workerData.modulePath);
const { busyTimeoutMs, retries, maxHandles, idleMs } = workerData;
const MAX_STATEMENTS = 128;

// file -> { db, dev, ino, usedAt, statements: Map<sql, Statement>, schema, schemaVersion }
const handles = new Map();
const pause = new Int32Array(new SharedArrayBuffer(4));

function closeHandle(file) {
  const h = handles.get(file);
  if (!h) return;
  handles.delete(file);
  try { h.db.close(); } catch (_) { /* already closed */ }
}

function notRegular() {
  const err = new Error("not a regular file");
  err.code = "HCP_NOT_REGULAR";
  return err;
}

function handleFor(file) {
  // lstat, not stat: the main thread confined the real path, so a link appearing here is a swap since then.
  const st = fs.lstatSync(file);
  if (!st.isFile()) throw notRegular();
  let h = handles.get(file);
  if (h && (h.dev !== st.dev || h.ino !== st.ino)) {
    // Replaced on disk (a restore or a repair): never keep reading the old inode.
    closeHandle(file);
    h = undefined;
  }
  if (!h) {
    while (handles.size >= maxHandles) closeHandle(handles.keys().next().value);
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    h = { db, dev: st.dev, ino: st.ino, usedAt: 0, statements: new Map(), schema: null, schemaVersion: -1 };
  }
  handles.delete(file);
  handles.set(file, h); // most recently used last
  h.usedAt = Date.now();
  return h;
}

function prepare(h, sql) {
  let s = h.statements.get(sql);
  if (!s) {
    if (h.statements.size >= MAX_STATEMENTS) h.statements.clear();
    s = h.db.prepare(sql);
    h.statements.set(sql, s);
  }
  return s;
}

function schemaOf(h) {
  const version = h.db.pragma("schema_version", { simple: true });
  if (h.schema && h.schemaVersion === version) return h.schema;
  const tables = {};
  const rows = h.db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").all();
  const columns = h.db.prepare("SELECT name FROM pragma_table_info(?)").pluck();
  for (const row of rows) tables[row.name] = columns.all(row.name);
  h.schema = { tables, journalMode: String(h.db.pragma("journal_mode", { simple: true })) };
  h.schemaVersion = version;
  return h.schema;
}

function kindOf(err) {
  const code = String((err && err.code) || "");
  if (code === "ENOENT" || code === "ENOTDIR") return "not_present";
  if (code === "HCP_NOT_REGULAR") return "not_regular";
  if (code === "EACCES" || code === "EPERM" || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_PERM")
    || code.startsWith("SQLITE_AUTH")) return "unreadable";
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB" || code === "SQLITE_FORMAT") return "corrupt";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") || code.startsWith("SQLITE_IOERR")
    || code === "SQLITE_PROTOCOL" || code === "SQLITE_READONLY_RECOVERY" || code === "SQLITE_READONLY_CANTINIT"
    || code === "SQLITE_READONLY_CANTLOCK") return "busy";
  if (code === "SQLITE_ERROR") return "query";
  return "error";
}

function attempt(msg) {
  const h = handleFor(msg.file);
  if (msg.op === "schema") return schemaOf(h);
  const statements = msg.statements.map((s) => ({ stmt: prepare(h, s.sql), params: s.params || [] }));
  // One read transaction, so a page and its total come from the same snapshot of the database.
  return h.db.transaction(() => statements.map(({ stmt, params }) => stmt.all(...params)))();
}

function run(msg) {
  for (let n = 0; ; n++) {
    try {
      return { id: msg.id, ok: true, result: attempt(msg) };
    } catch (err) {
      const kind = kindOf(err);
      if (kind === "busy" || kind === "corrupt") closeHandle(msg.file);
      if (kind === "busy" && n < retries) {
        Atomics.wait(pause, 0, 0, 50 * 2 ** n);
        continue;
      }
      // Only the code travels: SQLite's messages can name tables and columns, never data, but need not leave.
      return { id: msg.id, ok: false, kind, code: String((err && err.code) || "") };
    }
  }
}

parentPort.on("message", (msg) => {
  if (msg.op === "close") {
    for (const file of [...handles.keys()]) closeHandle(file);
    parentPort.postMessage({ id: msg.id, ok: true, result: null });
    return;
  }
  parentPort.postMessage(run(msg));
});

// Idle handles are closed, so the worker does not hold files Hermes may want to move or delete.
setInterval(() => {
  const now = Date.now();
  for (const [file, h] of [...handles]) if (now - h.usedAt > idleMs) closeHandle(file);
}, Math.max(1000, Math.floor(idleMs / 2))).unref();
`;
