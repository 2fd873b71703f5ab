/**
 * @module Which instance holds which reservation, so that those of an instance that died without a shutdown
 * (`kill -9`, OOM) are given back instead of counting against the key until the month ends.
 * Every running gateway registers a row in usage_instances and refreshes its heartbeat; each admission adds what it
 * reserves to the instance's usage_reservations row, each settlement takes it off again (never more than the row
 * holds), and any instance returns the reservations of instances whose heartbeat is stale. An admission by an
 * instance whose row is gone (it was taken for dead) fails with SQLSTATE HC001, so it registers afresh instead of
 * reserving where no one will give it back.
 * Lock order everywhere: usage_instances, then usage_monthly, then usage_reservations.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE usage_instances (
      id text PRIMARY KEY,
      started_at timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE usage_reservations (
      instance_id text NOT NULL,
      api_user_id text NOT NULL REFERENCES api_users (id) ON DELETE CASCADE,
      month date NOT NULL,
      tokens bigint NOT NULL CHECK (tokens >= 0),
      PRIMARY KEY (instance_id, api_user_id, month)
    )`.execute(db);
  // A new overload: the five-argument one stays for instances of the previous version during a rolling upgrade.
  await sql`
    CREATE FUNCTION reserve_monthly_tokens(
      p_instance text, p_user text, p_month date, p_need bigint, p_advance bigint, p_cap bigint)
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
      -- Held until commit: a reclaim of this instance waits for this admission, then returns it with the rest.
      PERFORM 1 FROM usage_instances i WHERE i.id = p_instance FOR KEY SHARE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'usage instance % is not registered', p_instance USING ERRCODE = 'HC001';
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
      -- The advance is bounded by a quarter of the headroom left after the request, so one instance never holds
      -- most of what remains and a key near its cap falls back to exact, per-request reservations.
      g := p_need + LEAST(GREATEST(p_advance, 0), (headroom - p_need) / 4);
      UPDATE usage_monthly u SET tokens_reserved = u.tokens_reserved + g, updated_at = now()
        WHERE u.api_user_id = p_user AND u.month = p_month;
      INSERT INTO usage_reservations AS r (instance_id, api_user_id, month, tokens)
        VALUES (p_instance, p_user, p_month, g)
        ON CONFLICT (instance_id, api_user_id, month) DO UPDATE SET tokens = r.tokens + EXCLUDED.tokens;
      RETURN QUERY SELECT true, g, cur_used, cur_reserved + g;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS reserve_monthly_tokens(text, text, date, bigint, bigint, bigint)`.execute(
    db,
  );
  await sql`DROP TABLE IF EXISTS usage_reservations, usage_instances`.execute(db);
}
