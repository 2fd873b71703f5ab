/**
 * @module The admin action trail: who changed what, when, from where. Rows are written inside the transaction of
 * the change they describe, so a change and its record commit or fail together.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";

/** Who performs an admin action: an admin username with their IP, or the service itself. */
export type Actor = { username: string; ip: string | null };

export const SYSTEM_ACTOR: Actor = { username: "system", ip: null };

export type AdminEventInput = {
  action: string;
  targetType?: string;
  targetId?: string;
  /** A secret-free before/after diff or details object. */
  diff?: Record<string, unknown>;
};

export async function insertAdminEvent(
  db: Kysely<DB> | Transaction<DB>,
  actor: Actor,
  event: AdminEventInput,
): Promise<void> {
  await db
    .insertInto("admin_events")
    .values({
      actor: actor.username,
      ip: actor.ip,
      action: event.action,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      diff: event.diff === undefined ? null : JSON.stringify(event.diff),
    })
    .execute();
}

/** Retention: deletes action-trail rows older than `cutoff`; returns how many went. */
export async function deleteAdminEventsBefore(
  db: Kysely<DB> | Transaction<DB>,
  cutoff: Date,
): Promise<number> {
  const result = await db.deleteFrom("admin_events").where("ts", "<", cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
