/**
 * @module Opens the database: PostgreSQL through `pg` when DATABASE_URL is set, else embedded PGlite in the data dir.
 * Both give the same Kysely<DB>, the same int8-as-number typing, and LISTEN/NOTIFY.
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { from as copyFromStdin } from "pg-copy-streams";
import { FailureLog } from "../logging/failure-log.js";
import type { Logger } from "../logging/logger.js";
import type { DB } from "./schema.js";

export type DatabaseKind = "postgres" | "embedded";

/** Called with a payload, or with null when notifications may have been missed (listener reconnected). */
export type NotificationHandler = (payload: string | null) => void;

/**
 * Bulk-loads a binary COPY payload (copy-binary.ts) into `table (columns)` in one statement, all rows or none;
 * returns how many rows it loaded. Identifiers come from code, never from input.
 */
export type CopyFrom = (table: string, columns: readonly string[], payload: Buffer) => Promise<number>;

/** The database answered a COPY with an error: it stored none of the rows, and the connection is fine. */
export class CopyRefusedError extends Error {
  readonly code: string | undefined;
  constructor(cause: unknown) {
    const summary = errSummary(cause);
    super(summary.message, { cause });
    this.name = "CopyRefusedError";
    this.code = summary.code;
  }
}

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseKind;
  /** Where the data lives, safe to log: a URL without its password, or the embedded data directory. */
  readonly location: string;
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  copyFrom: CopyFrom;
  /** Connections of the pg pool (the metrics endpoint); null for the embedded database, which has no pool. */
  poolStats(): { total: number; idle: number; waiting: number } | null;
  close(): Promise<void>;
}

export type DatabaseOptions = {
  url: string | undefined;
  poolMax: number;
  dataDir: string;
  logger: Logger;
};

const INT8_OID = 20;
// Counts and token totals stay far below 2^53; one JS type from both drivers beats bigint/string juggling.
const parseInt8 = (value: string): number => Number(value);

/** Opens a small pool for one job (the migrations before the cluster's workers start, `npm run migrate`), runs it, and closes the pool. */
export async function withDatabase<T>(
  options: Omit<DatabaseOptions, "poolMax">,
  job: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({ ...options, poolMax: 2 });
  try {
    return await job(database);
  } finally {
    await database.close();
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openEmbedded(options);
}

/** Strips credentials from a connection URL so it can be logged or shown. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    u.search = "";
    return u.toString();
  } catch {
    return "postgres://<unparseable>";
  }
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const types = {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax,
    // Fail fast instead of hanging when the database is down; readiness and requests then answer 503.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: "hermes-control-plane",
    types,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (err) => options.logger.warn({ err: errSummary(err) }, "database: idle connection error"));
  // pg-pool listens for errors only while a client is idle; a backend terminated while a client is checked out
  // would otherwise raise an unhandled 'error' and kill the process. The query in flight still rejects.
  pool.on("connect", (client) => {
    client.on("error", (err) => options.logger.warn({ err: errSummary(err) }, "database: connection lost"));
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const listener = createPgListener(url, types, options.logger);

  return {
    db,
    kind: "postgres",
    location: redactDatabaseUrl(url),
    listen: listener.listen,
    notify: async (channel, payload) => {
      await sql`SELECT pg_notify(${channel}, ${payload})`.execute(db);
    },
    copyFrom: pgCopyFrom(pool),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await listener.close();
      await db.destroy();
    },
  };
}

const copyStatement = (table: string, columns: readonly string[], source: string) =>
  `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")}) FROM ${source} (FORMAT binary)`;

/** COPY … FROM STDIN on a pooled connection (pg has no COPY of its own; pg-copy-streams speaks that protocol). */
export function pgCopyFrom(pool: pg.Pool): CopyFrom {
  return async (table, columns, payload) => {
    const client = await pool.connect();
    let broken = false;
    try {
      const stream = client.query(copyFromStdin(copyStatement(table, columns, "STDIN")));
      await pipeline(Readable.from([payload]), stream);
      return stream.rowCount;
    } catch (err) {
      // The server refusing the data leaves the connection usable; anything else (a lost socket) does not, and
      // leaves unknown whether the rows were committed.
      if (err instanceof pg.DatabaseError) throw new CopyRefusedError(err);
      broken = true;
      throw err;
    } finally {
      client.release(broken);
    }
  };
}

/** One dedicated connection for LISTEN, reconnecting with backoff; a reconnect tells handlers to assume a miss. */
function createPgListener(url: string, types: pg.CustomTypesConfig, logger: Logger) {
  const handlers = new Map<string, Set<NotificationHandler>>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  const reconnectLog = new FailureLog(logger, "database: listener reconnect");

  const notifyAll = (payloadFor: (channel: string) => string | null, channels = [...handlers.keys()]) => {
    for (const ch of channels) for (const h of handlers.get(ch) ?? []) h(payloadFor(ch));
  };

  const connect = async (isReconnect: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 5_000 });
    c.on("notification", (msg) => {
      for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? "");
    });
    c.on("error", (err) => {
      logger.warn({ err: errSummary(err) }, "database: listener connection lost");
      scheduleReconnect();
    });
    c.on("end", () => scheduleReconnect());
    await c.connect();
    for (const ch of handlers.keys()) await c.query(`LISTEN ${quoteIdent(ch)}`);
    client = c;
    if (isReconnect) notifyAll(() => null);
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    client = null;
    // 1 s, doubling while the database stays away, up to 10 s.
    retryTimer = setTimeout(
      () => {
        retryTimer = null;
        connect(true).then(
          () => reconnectLog.succeeded(),
          (err) => {
            reconnectLog.failed({ err: errSummary(err) });
            scheduleReconnect();
          },
        );
      },
      Math.min(1_000 * 2 ** reconnectLog.count, 10_000),
    );
    retryTimer.unref();
  };

  const ensureConnected = async () => {
    if (client) return;
    connecting ??= connect(false).finally(() => (connecting = null));
    await connecting;
  };

  return {
    listen: async (channel: string, handler: NotificationHandler) => {
      let set = handlers.get(channel);
      const isNew = !set;
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(handler);
      try {
        await ensureConnected();
        if (isNew && client) await client.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (err) {
        // Keep the handler; the reconnect loop subscribes it once the database is back.
        logger.warn({ err: errSummary(err) }, "database: LISTEN failed, will retry");
        scheduleReconnect();
      }
      return async () => {
        set.delete(handler);
      };
    },
    close: async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}

async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  const dir = path.resolve(options.dataDir, "pglite");
  fs.mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: dir, parsers: { [INT8_OID]: parseInt8 } });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  options.logger.info(
    { dataDir: dir },
    `database: using the embedded PostgreSQL (PGlite) in ${dir}; set DATABASE_URL for production`,
  );
  return {
    db,
    kind: "embedded",
    location: dir,
    poolStats: () => null,
    listen: async (channel, handler) => {
      const unsubscribe = await pglite.listen(channel, (payload) => handler(payload));
      return unsubscribe;
    },
    notify: async (channel, payload) => {
      await sql`SELECT pg_notify(${channel}, ${payload})`.execute(db);
    },
    // PGlite reads COPY input from its /dev/blob device.
    copyFrom: async (table, columns, payload) => {
      try {
        const result = await pglite.query(copyStatement(table, columns, "'/dev/blob'"), [], {
          // The cast only satisfies the DOM typing of Blob, which the console's type check (admin-ui/) also loads.
          blob: new Blob([payload as Uint8Array<ArrayBuffer>]),
        });
        return result.affectedRows ?? 0;
      } catch (err) {
        // In-process: an error is always the database's answer, never a lost connection.
        throw new CopyRefusedError(err);
      }
    },
    // Destroying Kysely closes PGlite (kysely-pglite-dialect >= 1.3.1), which flushes it to disk.
    close: () => db.destroy(),
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Error fields safe to log: pg errors can carry a connection string in their message only via our own code. */
export function errSummary(err: unknown): { message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { message: err.message, ...(typeof code === "string" ? { code } : {}) };
  }
  return { message: String(err) };
}
