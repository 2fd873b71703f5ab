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

export type AdminEventFilter = {
  actor?: string;
  /** Exact action (`tenant.update`) or a prefix ending in a dot (`tenant.`). */
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Only events with a smaller id (keyset pagination, newest first). */
  beforeId?: number;
};

export type AdminEvent = {
  id: number;
  ts: Date;
  actor: string;
  ip: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  diff: unknown;
};

/** Newest first; `limit` rows at most. */
export async function listAdminEvents(
  db: Kysely<DB>,
  filter: AdminEventFilter,
  limit: number,
): Promise<AdminEvent[]> {
  let q = db.selectFrom("admin_events").selectAll().orderBy("id", "desc").limit(limit);
  if (filter.actor !== undefined) q = q.where("actor", "=", filter.actor);
  if (filter.action !== undefined) {
    q = filter.action.endsWith(".")
      ? q.where("action", "like", `${filter.action.replace(/[\\%_]/g, "\\$&")}%`)
      : q.where("action", "=", filter.action);
  }
  if (filter.targetType !== undefined) q = q.where("target_type", "=", filter.targetType);
  if (filter.targetId !== undefined) q = q.where("target_id", "=", filter.targetId);
  if (filter.from !== undefined) q = q.where("ts", ">=", filter.from);
  if (filter.to !== undefined) q = q.where("ts", "<", filter.to);
  if (filter.beforeId !== undefined) q = q.where("id", "<", filter.beforeId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    ts: r.ts,
    actor: r.actor,
    ip: r.ip,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    // jsonb comes back parsed from pg and PGlite alike.
    diff: r.diff,
  }));
}
