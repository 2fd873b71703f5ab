/**
 * @module The monthly-cap admission as one database function: lock the user's month row, check the cap, and reserve
 * what the request needs plus, if there is room, a small advance (a lease) the instance hands out to its next
 * requests without another round trip. One call, one transaction; the row lock serialises concurrent admissions
 * across every instance, so the cap cannot be overshot.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // The advance is bounded by a quarter of the headroom left after the request, so one instance never holds most of
  // what remains and a key near its cap falls back to exact, per-request reservations.
  await sql`
    CREATE FUNCTION reserve_monthly_tokens(p_user text, p_month date, p_need bigint, p_advance bigint, p_cap bigint)
    RETURNS TABLE (admitted boolean, granted bigint, used_total bigint, reserved_total bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      cur_used bigint;
      cur_reserved bigint;
      headroom bigint;
      g bigint;
    BEGIN
      -- Background-grade durability: the row lock is released without waiting for the WAL flush. A database crash
      -- can lose reservations of the last milliseconds, whose requests fail with the database anyway.
      PERFORM set_config('synchronous_commit', 'off', true);
      IF p_need > p_cap THEN
        SELECT u.tokens_used, u.tokens_reserved INTO cur_used, cur_reserved
          FROM usage_monthly u WHERE u.api_user_id = p_user AND u.month = p_month;
        RETURN QUERY SELECT false, 0::bigint, COALESCE(cur_used, 0), COALESCE(cur_reserved, 0);
        RETURN;
      END IF;
      SELECT u.tokens_used, u.tokens_reserved INTO cur_used, cur_reserved
        FROM usage_monthly u WHERE u.api_user_id = p_user AND u.month = p_month FOR UPDATE;
      IF NOT FOUND THEN
        INSERT INTO usage_monthly AS u (api_user_id, month, tokens_used, tokens_reserved, requests, updated_at)
          VALUES (p_user, p_month, 0, 0, 0, now()) ON CONFLICT (api_user_id, month) DO NOTHING;
        SELECT u.tokens_used, u.tokens_reserved INTO cur_used, cur_reserved
          FROM usage_monthly u WHERE u.api_user_id = p_user AND u.month = p_month FOR UPDATE;
      END IF;
      headroom := p_cap - cur_used - cur_reserved;
      IF headroom < p_need THEN
        RETURN QUERY SELECT false, 0::bigint, cur_used, cur_reserved;
        RETURN;
      END IF;
      g := p_need + LEAST(GREATEST(p_advance, 0), (headroom - p_need) / 4);
      UPDATE usage_monthly u SET tokens_reserved = u.tokens_reserved + g, updated_at = now()
        WHERE u.api_user_id = p_user AND u.month = p_month;
      RETURN QUERY SELECT true, g, cur_used, cur_reserved + g;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS reserve_monthly_tokens(text, date, bigint, bigint, bigint)`.execute(db);
}
