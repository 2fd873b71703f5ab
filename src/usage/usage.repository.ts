/**
 * @module Usage queries: the conditional admission (a database function, see migrations) and the batched
 * settlement that moves reservations into used tokens, returns unused advances, counts requests per day and stamps
 * last use.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema.js";

type Db = Kysely<DB>;

export type MonthlyTotals = { tokensUsed: number; tokensReserved: number };

/**
 * Reserves `need` tokens of the user's month if used + reserved + need stays within `cap`, plus up to `advance`
 * more (at most a quarter of the headroom left) for the instance to hand out locally, and notes the grant as held
 * by `instanceId`; one call to the `reserve_monthly_tokens` function, whose row lock serialises concurrent
 * admissions on every instance. The totals are the row's after the call. Fails with INSTANCE_UNREGISTERED when the
 * instance was taken for dead.
 */
export async function reserveMonthlyTokens(
  db: Db,
  input: { instanceId: string; apiUserId: string; month: string; need: number; advance: number; cap: number },
): Promise<MonthlyTotals & { admitted: boolean; granted: number }> {
  const { instanceId, apiUserId, month, need, advance, cap } = input;
  const result = await sql<{
    admitted: boolean;
    granted: number;
    used_total: number;
    reserved_total: number;
  }>`
    SELECT admitted, granted, used_total, reserved_total
    FROM reserve_monthly_tokens(${instanceId}, ${apiUserId}, ${month}::date, ${need}::bigint, ${advance}::bigint, ${cap}::bigint)`.execute(
    db,
  );
  const row = result.rows[0]!;
  return {
    admitted: row.admitted,
    granted: Number(row.granted),
    tokensUsed: Number(row.used_total),
    tokensReserved: Number(row.reserved_total),
  };
}

export type MonthlySettlement = {
  /** The instance whose ledger holds the reservation being released. */
  instanceId: string;
  apiUserId: string;
  month: string;
  used: number;
  released: number;
  requests: number;
};
export type DailySettlement = { apiUserId: string; day: string; tokens: number; requests: number };
export type LastUse = { apiUserId: string; at: Date };

/**
 * Applies one batch (already aggregated per instance, user and period). Rows of users deleted meanwhile are
 * skipped: their usage rows went with them. A release takes off no more than the instance's ledger still holds, so
 * an instance taken for dead, whose reservations were already given back, cannot give them back twice.
 */
export async function applySettlements(
  db: Db,
  batch: { monthly: MonthlySettlement[]; daily: DailySettlement[]; lastUse: LastUse[] },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    // Background bookkeeping: no need to wait for the WAL flush while holding the rows other requests admit on.
    await sql`SELECT set_config('synchronous_commit', 'off', true)`.execute(tx);
    if (batch.monthly.length > 0) {
      const values = sql.join(
        batch.monthly.map(
          (m) =>
            sql`(${m.instanceId}::text, ${m.apiUserId}::text, ${m.month}::date, ${m.used}::bigint, ${m.released}::bigint, ${m.requests}::bigint)`,
        ),
      );
      // Month rows first, in key order (as admissions and reclaims lock them before the ledger): no deadlock with
      // either, nor between two instances' batches.
      await sql`
        SELECT 1 FROM usage_monthly u
        WHERE (u.api_user_id, u.month) IN (SELECT * FROM (VALUES ${sql.join(
          batch.monthly.map((m) => sql`(${m.apiUserId}::text, ${m.month}::date)`),
        )}) AS k (api_user_id, month))
        ORDER BY u.api_user_id, u.month FOR UPDATE`.execute(tx);
      await sql`
        WITH v0 (instance_id, api_user_id, month, used, released, requests) AS (VALUES ${values}),
        -- Stable while this runs: admissions and reclaims change a ledger row only under its month row's lock.
        held AS (
          SELECT r.instance_id, r.api_user_id, r.month, LEAST(r.tokens, v0.released) AS tokens
          FROM usage_reservations r JOIN v0
            ON r.instance_id = v0.instance_id AND r.api_user_id = v0.api_user_id AND r.month = v0.month
          WHERE v0.released > 0
        ),
        freed AS (
          UPDATE usage_reservations r SET tokens = r.tokens - h.tokens
          FROM held h
          WHERE r.instance_id = h.instance_id AND r.api_user_id = h.api_user_id AND r.month = h.month
          RETURNING r.instance_id, r.api_user_id, r.month, h.tokens
        ),
        v AS (
          SELECT v0.api_user_id, v0.month, sum(v0.used) AS used, sum(COALESCE(f.tokens, 0)) AS released,
            sum(v0.requests) AS requests
          FROM v0 LEFT JOIN freed f
            ON f.instance_id = v0.instance_id AND f.api_user_id = v0.api_user_id AND f.month = v0.month
          GROUP BY v0.api_user_id, v0.month
        ),
        upd AS (
          UPDATE usage_monthly u SET
            tokens_used = u.tokens_used + v.used,
            tokens_reserved = GREATEST(0, u.tokens_reserved - v.released),
            requests = u.requests + v.requests,
            updated_at = now()
          FROM v WHERE u.api_user_id = v.api_user_id AND u.month = v.month
          RETURNING u.api_user_id, u.month
        )
        INSERT INTO usage_monthly AS u (api_user_id, month, tokens_used, tokens_reserved, requests, updated_at)
        SELECT v.api_user_id, v.month, v.used, 0, v.requests, now() FROM v
        WHERE NOT EXISTS (SELECT 1 FROM upd WHERE upd.api_user_id = v.api_user_id AND upd.month = v.month)
          AND EXISTS (SELECT 1 FROM api_users a WHERE a.id = v.api_user_id)
        ON CONFLICT (api_user_id, month) DO UPDATE SET
          tokens_used = u.tokens_used + EXCLUDED.tokens_used,
          requests = u.requests + EXCLUDED.requests,
          updated_at = now()`.execute(tx);
    }
    if (batch.daily.length > 0) {
      const values = sql.join(
        batch.daily.map(
          (d) => sql`(${d.apiUserId}::text, ${d.day}::date, ${d.tokens}::bigint, ${d.requests}::bigint)`,
        ),
      );
      await sql`
        INSERT INTO usage_daily AS d (api_user_id, day, tokens, requests)
        SELECT v.api_user_id, v.day, v.tokens, v.requests
        FROM (VALUES ${values}) AS v (api_user_id, day, tokens, requests)
        WHERE EXISTS (SELECT 1 FROM api_users a WHERE a.id = v.api_user_id)
        ON CONFLICT (api_user_id, day) DO UPDATE SET
          tokens = d.tokens + EXCLUDED.tokens, requests = d.requests + EXCLUDED.requests`.execute(tx);
    }
    if (batch.lastUse.length > 0) {
      const values = sql.join(
        batch.lastUse.map((l) => sql`(${l.apiUserId}::text, ${l.at.toISOString()}::timestamptz)`),
      );
      await sql`
        UPDATE api_users a SET last_used_at = v.at
        FROM (VALUES ${values}) AS v (id, at)
        WHERE a.id = v.id AND (a.last_used_at IS NULL OR a.last_used_at < v.at)`.execute(tx);
    }
  });
}
