/**
 * @module Usage queries: the one conditional admission upsert on the request path, and the batched settlement
 * that moves reservations into used tokens, counts requests per day and stamps last use.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema.js";

type Db = Kysely<DB>;

export type MonthlyTotals = { tokensUsed: number; tokensReserved: number };

/**
 * Adds `estimate` to the month's reservation if used + reserved + estimate stays within `cap`, in one statement.
 * The row lock taken by ON CONFLICT DO UPDATE serialises concurrent admissions, so the cap cannot be overshot.
 * Returns the totals after the reservation, or null when it would exceed the cap.
 */
export async function reserveMonthlyTokens(
  db: Db,
  input: { apiUserId: string; month: string; estimate: number; cap: number },
): Promise<MonthlyTotals | null> {
  const { apiUserId, month, estimate, cap } = input;
  // synchronous_commit off for this one statement: the row lock is released without waiting for the WAL flush,
  // so concurrent admissions of one key are not serialised on fsync. A database crash can lose reservations of
  // the last few milliseconds, whose requests fail with the database anyway.
  const result = await sql<{ tokens_used: number; tokens_reserved: number }>`
    WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS v)
    INSERT INTO usage_monthly AS u (api_user_id, month, tokens_used, tokens_reserved, requests, updated_at)
    SELECT ${apiUserId}, ${month}::date, 0, ${estimate}::bigint, 0, now()
    FROM async_commit
    WHERE ${estimate}::bigint <= ${cap}::bigint
    ON CONFLICT (api_user_id, month) DO UPDATE
      SET tokens_reserved = u.tokens_reserved + EXCLUDED.tokens_reserved, updated_at = now()
      WHERE u.tokens_used + u.tokens_reserved + EXCLUDED.tokens_reserved <= ${cap}::bigint
    RETURNING u.tokens_used, u.tokens_reserved`.execute(db);
  const row = result.rows[0];
  return row ? { tokensUsed: Number(row.tokens_used), tokensReserved: Number(row.tokens_reserved) } : null;
}

export async function readMonthlyTotals(db: Db, apiUserId: string, month: string): Promise<MonthlyTotals> {
  const row = await db
    .selectFrom("usage_monthly")
    .select(["tokens_used", "tokens_reserved"])
    .where("api_user_id", "=", apiUserId)
    .where("month", "=", month)
    .executeTakeFirst();
  return { tokensUsed: row?.tokens_used ?? 0, tokensReserved: row?.tokens_reserved ?? 0 };
}

export type MonthlySettlement = {
  apiUserId: string;
  month: string;
  used: number;
  released: number;
  requests: number;
};
export type DailySettlement = { apiUserId: string; day: string; tokens: number; requests: number };
export type LastUse = { apiUserId: string; at: Date };

/**
 * Applies one batch (already aggregated per user and period). Rows of users deleted meanwhile are skipped: their
 * usage rows went with them.
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
            sql`(${m.apiUserId}::text, ${m.month}::date, ${m.used}::bigint, ${m.released}::bigint, ${m.requests}::bigint)`,
        ),
      );
      await sql`
        WITH v (api_user_id, month, used, released, requests) AS (VALUES ${values}),
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
