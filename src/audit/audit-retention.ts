/**
 * @module Audit retention: drops whole day partitions older than the retention (never a mass DELETE) and trims the
 * admin action trail, under a transaction-scoped advisory lock so only one instance runs it at a time.
 */
import { sql, type Kysely } from "kysely";
import { deleteAdminEventsBefore } from "../admin-events/admin-events.repository.js";
import type { DB } from "../db/schema.js";
import { addDays, dropPartition, listDayPartitions } from "./audit-partitions.js";

/** Arbitrary constant shared by every instance: "hermes audit retention". */
export const RETENTION_LOCK_KEY = 0x4845524d4553_01n;

export type RetentionRun = {
  at: string;
  /** Records older than this are gone (partitions ending at or before it were dropped). */
  cutoff: string;
  dropped_partitions: string[];
  admin_events_deleted: number;
};

/**
 * Drops every day partition that ends at or before now − retentionDays, so a record is kept at least
 * retentionDays and at most one day longer. Returns null when another instance holds the lock.
 */
export async function runAuditRetention(
  db: Kysely<DB>,
  options: { retentionDays: number; now: Date },
): Promise<RetentionRun | null> {
  const cutoff = addDays(options.now, -options.retentionDays);
  return db.transaction().execute(async (trx) => {
    const lock = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY.toString()}::bigint) AS locked`.execute(trx);
    if (!lock.rows[0]?.locked) return null;
    // Dropping a partition locks audit_log briefly; never wait long behind a slow reader.
    await sql`SET LOCAL lock_timeout = '10s'`.execute(trx);
    const dropped: string[] = [];
    for (const p of await listDayPartitions(trx)) {
      if (addDays(p.day, 1) > cutoff) break;
      await dropPartition(trx, p.name);
      dropped.push(p.name);
    }
    const adminEventsDeleted = await deleteAdminEventsBefore(trx, cutoff);
    return {
      at: options.now.toISOString(),
      cutoff: cutoff.toISOString(),
      dropped_partitions: dropped,
      admin_events_deleted: adminEventsDeleted,
    };
  });
}
