/**
 * @module One Hermes SQLite database (a profile's state.db, the root's kanban.db) as a pane sees it: confined like
 * every other file, described by a source status (`ok`, `not_present`, `corrupt`, `refused`), and read through the
 * worker with its schema at hand, so a pane asks `has("sessions", "title")` before it names a column. Hermes adds
 * columns often (state.db went from schema v21 to v30 in six weeks); nothing here requires one.
 */
import fs from "node:fs/promises";
import { AppError } from "../../errors/app-error.js";
import { confinePath, REFUSAL_MESSAGES } from "../hermes-paths.js";
import { SqliteReadError, type SqliteReader, type SqliteSchema, type Statement } from "./sqlite-reader.js";

export type DbSource = {
  path: string;
  status: "ok" | "not_present" | "corrupt" | "refused";
  reason: string | null;
  modified_at: string | null;
  /** The main file, and its write-ahead log (committed content not yet checkpointed into the main file). */
  size_bytes: number | null;
  wal_bytes: number | null;
  journal_mode: string | null;
};

export type HermesDb = {
  file: string;
  schema: SqliteSchema;
  has(table: string, column?: string): boolean;
  /** `alias.column` when the column exists, else the fallback SQL (`NULL` unless given). */
  col(table: string, alias: string, column: string, fallback?: string): string;
  read(statements: readonly Statement[]): Promise<Record<string, unknown>[][]>;
};

export type OpenedDb = { source: DbSource; db: HermesDb | null };

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return null;
  }
}

function source(path: string, fields: Partial<DbSource> & Pick<DbSource, "status">): DbSource {
  return {
    path,
    reason: null,
    modified_at: null,
    size_bytes: null,
    wal_bytes: null,
    journal_mode: null,
    ...fields,
  };
}

const UNREADABLE_REASON =
  "SQLite could not open it read-only (permissions, or a WAL database whose -shm file cannot be created)";

/** The error a pane answers with when the database stays busy: a 503 the console can retry. */
export function busyError(what: string): AppError {
  return new AppError("service_unavailable", `${what} is busy (Hermes is writing to it); try again shortly.`);
}

/** Maps a read failure to the source status it means, or rethrows what is not about the file. */
export function failureSource(path: string, err: unknown, what: string): DbSource {
  if (!(err instanceof SqliteReadError)) throw err;
  switch (err.kind) {
    case "not_present":
      return source(path, { status: "not_present" });
    case "not_regular":
      return source(path, { status: "refused", reason: REFUSAL_MESSAGES.not_regular });
    case "unreadable":
      return source(path, { status: "refused", reason: UNREADABLE_REASON });
    case "corrupt":
      return source(path, { status: "corrupt", reason: "not a readable SQLite database" });
    case "busy":
    case "timeout":
      throw busyError(what);
    default:
      throw new AppError("internal", `Reading ${what} failed.`, { cause: err });
  }
}

/**
 * Confines `path`, opens it through the reader and returns its schema; a missing, refused or corrupt file is a
 * source status with no db, never an exception.
 */
export async function openHermesDb(
  reader: SqliteReader,
  roots: readonly string[],
  path: string,
  what: string,
): Promise<OpenedDb> {
  const confined = await confinePath(roots, path);
  if (confined.status === "not_present") return { source: source(path, { status: "not_present" }), db: null };
  if (confined.status === "refused") {
    return {
      source: source(path, { status: "refused", reason: REFUSAL_MESSAGES[confined.reason] }),
      db: null,
    };
  }
  const file = confined.realPath;
  let schema: SqliteSchema;
  try {
    schema = await reader.schema(file);
  } catch (err) {
    return { source: failureSource(path, err, what), db: null };
  }
  const st = await fs.stat(file).catch(() => null);
  const db: HermesDb = {
    file,
    schema,
    has: (table, column) => {
      const cols = schema.tables[table];
      return cols !== undefined && (column === undefined || cols.includes(column));
    },
    col: (table, alias, column, fallback = "NULL") =>
      schema.tables[table]?.includes(column) ? `${alias}.${column}` : fallback,
    read: (statements) => reader.read(file, statements),
  };
  return {
    source: source(path, {
      status: "ok",
      modified_at: st ? new Date(st.mtimeMs).toISOString() : null,
      size_bytes: st?.size ?? null,
      wal_bytes: await sizeOf(`${file}-wal`),
      journal_mode: schema.journalMode,
    }),
    db,
  };
}

/**
 * Runs a pane's reads on an opened database. A database that turns out corrupt (or vanishes) part-way answers
 * `empty` with that status; a busy one is a 503; anything else is rethrown.
 */
export async function readPane<T>(
  opened: OpenedDb,
  what: string,
  empty: T,
  read: (db: HermesDb) => Promise<T>,
): Promise<{ source: DbSource; value: T }> {
  if (!opened.db) return { source: opened.source, value: empty };
  try {
    return { source: opened.source, value: await read(opened.db) };
  } catch (err) {
    return { source: failureSource(opened.source.path, err, what), value: empty };
  }
}

/** Columns a pane would use that this database lacks (`table.column`, or `table` for a whole table). */
export function missingColumns(db: HermesDb, wanted: Record<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [table, columns] of Object.entries(wanted)) {
    if (!db.has(table)) out.push(table);
    else for (const c of columns) if (!db.has(table, c)) out.push(`${table}.${c}`);
  }
  return out;
}

export type Where = {
  add(term: string, ...params: (string | number)[]): void;
  readonly terms: string[];
  readonly params: (string | number)[];
  /** `WHERE a AND b`, or "" without terms. */
  sql(): string;
};

/** Builds a WHERE clause term by term, with its parameters in order. */
export function where(): Where {
  const terms: string[] = [];
  const params: (string | number)[] = [];
  return {
    add(term, ...p) {
      terms.push(term);
      params.push(...p);
    },
    terms,
    params,
    sql: () => (terms.length ? `WHERE ${terms.join(" AND ")}` : ""),
  };
}
