/**
 * @module Day partitions of audit_log (UTC days, named audit_log_pYYYYMMDD): created ahead and on demand,
 * listed and dropped by retention. Works the same on PostgreSQL and PGlite.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { DB } from "../db/schema.js";

const DAY_MS = 86_400_000;
const PARTITION_PREFIX = "audit_log_p";
const PARTITION_NAME = /^audit_log_p(\d{4})(\d{2})(\d{2})$/;

/** Midnight UTC of the day `date` falls in. */
export function utcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

export function partitionNameFor(day: Date): string {
  return `${PARTITION_PREFIX}${utcDay(day).toISOString().slice(0, 10).replace(/-/g, "")}`;
}

/** The day a partition name stands for, or null for a table that is not one of ours. */
export function partitionDay(name: string): Date | null {
  const m = PARTITION_NAME.exec(name);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z`) : null;
}

/** Creates the partitions for every UTC day from `from` to `to` inclusive; existing ones are left alone. */
export async function ensureDayPartitions(db: Kysely<DB>, from: Date, to: Date): Promise<string[]> {
  const created: string[] = [];
  for (let day = utcDay(from); day <= to; day = addDays(day, 1)) {
    if (await ensureDayPartition(db, day)) created.push(partitionNameFor(day));
  }
  return created;
}

/** Creates the day's partition unless it exists; true if this call created it. Safe against a concurrent creator. */
export async function ensureDayPartition(db: Kysely<DB>, day: Date): Promise<boolean> {
  const start = utcDay(day);
  const name = partitionNameFor(start);
  const exists = await sql<{ found: boolean }>`SELECT to_regclass(${name}) IS NOT NULL AS found`.execute(db);
  if (exists.rows[0]?.found) return false;
  // Identifiers and bounds come from our own date formatting, never from input.
  const ddl = `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF audit_log FOR VALUES FROM ('${start.toISOString()}') TO ('${addDays(start, 1).toISOString()}')`;
  try {
    await sql.raw(ddl).execute(db);
    return true;
  } catch (err) {
    // Another instance created it between our check and our CREATE: duplicate_table or the catalog's unique index.
    const code = (err as { code?: string }).code;
    if (code === "42P07" || code === "23505") return false;
    throw err;
  }
}

/** True for PostgreSQL's "no partition of relation ... found for row". */
export function isMissingPartitionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "23514" && /no partition of relation/i.test(e.message ?? "");
}

export type DayPartition = { name: string; day: Date };

/** Our day partitions of audit_log, oldest first. */
export async function listDayPartitions(db: Kysely<DB> | Transaction<DB>): Promise<DayPartition[]> {
  const result = await sql<{ relname: string }>`
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_log'::regclass`.execute(db);
  return result.rows
    .map((r) => ({ name: r.relname, day: partitionDay(r.relname) }))
    .filter((p): p is DayPartition => p.day !== null)
    .sort((a, b) => a.day.getTime() - b.day.getTime());
}

export async function dropPartition(db: Transaction<DB>, name: string): Promise<void> {
  if (!PARTITION_NAME.test(name)) throw new Error(`not an audit partition: ${name}`);
  await sql.raw(`DROP TABLE IF EXISTS ${name}`).execute(db);
}
