/**
 * @module audit_log queries: batched inserts that a replay cannot duplicate, and the keyset-paginated reads the
 * admin list, detail and export use.
 */
import type { Kysely } from "kysely";
import type { DB, NewAuditLogRow } from "../db/schema.js";

/**
 * Inserts rows in one statement; a row whose (request_id, ts) is already stored is skipped, so replaying a spool
 * after an ambiguous commit never duplicates. Returns how many rows were new.
 */
export async function insertAuditRows(db: Kysely<DB>, rows: readonly NewAuditLogRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto("audit_log")
    .values(rows as NewAuditLogRow[])
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
