/**
 * @module Gateway instances and what they hold reserved (see migration 0003): register, heartbeat, leave, and give
 * back the reservations of instances that stopped without leaving. Lock order as everywhere: usage_instances, then
 * usage_monthly, then usage_reservations.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema.js";

type Db = Kysely<DB>;

/** SQLSTATE the admission raises for an instance whose row is gone: it was taken for dead and must register anew. */
export const INSTANCE_UNREGISTERED = "HC001";

export function isInstanceUnregistered(err: unknown): boolean {
  return (err as { code?: unknown })?.code === INSTANCE_UNREGISTERED;
}

export async function registerInstance(db: Db, id: string): Promise<void> {
  await sql`INSERT INTO usage_instances (id) VALUES (${id}) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`.execute(
    db,
  );
}

/** False when the row is gone: another instance took this one for dead and gave its reservations back. */
export async function heartbeatInstance(db: Db, id: string): Promise<boolean> {
  const result = await sql`UPDATE usage_instances SET heartbeat_at = now() WHERE id = ${id}`.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/**
 * At a clean stop, once every reservation is settled: removes the instance and its empty ledger rows. An instance
 * that still holds something stays registered, and is reclaimed like a dead one once its heartbeat is stale.
 */
export async function leaveInstance(db: Db, id: string): Promise<boolean> {
  return await db.transaction().execute(async (tx) => {
    await sql`DELETE FROM usage_reservations WHERE instance_id = ${id} AND tokens = 0`.execute(tx);
    const result = await sql`
      DELETE FROM usage_instances i WHERE i.id = ${id}
        AND NOT EXISTS (SELECT 1 FROM usage_reservations r WHERE r.instance_id = i.id)`.execute(tx);
    return Number(result.numAffectedRows ?? 0n) === 1;
  });
}

export type InstanceSummary = {
  id: string;
  started_at: string;
  heartbeat_age_seconds: number;
  tokens_reserved: number;
};

/** Registered instances, oldest first, with what each holds reserved (the admin status shows them). */
export async function listInstances(db: Db): Promise<InstanceSummary[]> {
  const result = await sql<{ id: string; started_at: Date; age: number | string; tokens: number | string }>`
    SELECT i.id, i.started_at, extract(epoch FROM now() - i.heartbeat_at) AS age,
      COALESCE((SELECT sum(r.tokens) FROM usage_reservations r WHERE r.instance_id = i.id), 0) AS tokens
    FROM usage_instances i ORDER BY i.started_at, i.id`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    started_at: new Date(r.started_at).toISOString(),
    heartbeat_age_seconds: Math.max(0, Math.round(Number(r.age))),
    tokens_reserved: Number(r.tokens),
  }));
}

export type Reclaimed = { instances: string[]; tokens: number };

/**
 * Gives back everything instances silent for `staleAfterMs` hold reserved and removes them. Safe on several
 * instances at once (SKIP LOCKED: each stale instance is reclaimed by one of them). Times are the database's.
 */
export async function reclaimStaleInstances(db: Db, staleAfterMs: number): Promise<Reclaimed> {
  return await db.transaction().execute(async (tx) => {
    const stale = await sql<{ id: string }>`
      SELECT id FROM usage_instances
      WHERE heartbeat_at < now() - make_interval(secs => ${staleAfterMs / 1000}::float8)
      ORDER BY id FOR UPDATE SKIP LOCKED`.execute(tx);
    const ids = stale.rows.map((r) => r.id);
    if (ids.length === 0) return { instances: [], tokens: 0 };
    await sql`
      SELECT 1 FROM usage_monthly u
      WHERE (u.api_user_id, u.month) IN (
        SELECT api_user_id, month FROM usage_reservations WHERE instance_id = ANY(${ids}::text[]))
      ORDER BY u.api_user_id, u.month FOR UPDATE`.execute(tx);
    const freed = await sql<{ tokens: number | string | null }>`
      WITH gone AS (
        DELETE FROM usage_reservations WHERE instance_id = ANY(${ids}::text[])
        RETURNING api_user_id, month, tokens
      ),
      per_month AS (SELECT api_user_id, month, sum(tokens) AS tokens FROM gone GROUP BY api_user_id, month),
      upd AS (
        UPDATE usage_monthly u SET tokens_reserved = GREATEST(0, u.tokens_reserved - p.tokens), updated_at = now()
        FROM per_month p WHERE u.api_user_id = p.api_user_id AND u.month = p.month
      )
      SELECT sum(tokens) AS tokens FROM per_month`.execute(tx);
    await sql`DELETE FROM usage_instances WHERE id = ANY(${ids}::text[])`.execute(tx);
    return { instances: ids, tokens: Number(freed.rows[0]?.tokens ?? 0) };
  });
}
