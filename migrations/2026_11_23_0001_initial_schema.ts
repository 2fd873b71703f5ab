/**
 * @module The whole schema for the mission: tenants, API users and keys, usage, the day-partitioned audit log,
 * admin sessions and action trail, settings and the shared rate-limit table.
 */
import { sql, type Kysely } from "kysely";

const UP_SQL = `
    CREATE TABLE tenants (
      id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
      pre_upstream_url text,
      post_upstream_url text,
      upstream_api_key text,
      upstream_api_key_fingerprint text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE api_users (
      id text PRIMARY KEY,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
      tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE RESTRICT,
      gateways text[] NOT NULL
        CHECK (cardinality(gateways) BETWEEN 1 AND 2 AND gateways <@ ARRAY['pre', 'post']::text[]),
      rpm_limit integer CHECK (rpm_limit > 0),
      monthly_token_cap bigint CHECK (monthly_token_cap >= 0),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
      key_digest text NOT NULL UNIQUE,
      key_prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    CREATE INDEX api_users_tenant_id_idx ON api_users (tenant_id);

    -- Digests of keys that were rotated away or revoked, so they answer 410 instead of 401.
    -- Deleting the user deletes these too: a deleted user's key is simply unknown (401).
    CREATE TABLE retired_keys (
      key_digest text PRIMARY KEY,
      api_user_id text NOT NULL REFERENCES api_users (id) ON DELETE CASCADE,
      reason text NOT NULL CHECK (reason IN ('rotated', 'revoked')),
      key_prefix text NOT NULL,
      retired_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX retired_keys_api_user_id_idx ON retired_keys (api_user_id);

    -- One row per user per calendar month (UTC). The admission update reserves into tokens_reserved
    -- conditionally on the cap; settlement moves the reservation into tokens_used.
    CREATE TABLE usage_monthly (
      api_user_id text NOT NULL REFERENCES api_users (id) ON DELETE CASCADE,
      month date NOT NULL CHECK (extract(day FROM month) = 1),
      tokens_used bigint NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
      tokens_reserved bigint NOT NULL DEFAULT 0 CHECK (tokens_reserved >= 0),
      requests bigint NOT NULL DEFAULT 0 CHECK (requests >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (api_user_id, month)
    );

    CREATE TABLE usage_daily (
      api_user_id text NOT NULL REFERENCES api_users (id) ON DELETE CASCADE,
      day date NOT NULL,
      tokens bigint NOT NULL DEFAULT 0,
      requests bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (api_user_id, day)
    );

    -- The audit log, partitioned by day so retention drops whole partitions. No foreign keys:
    -- records outlive the users and tenants they name.
    CREATE SEQUENCE audit_log_id_seq AS bigint;
    CREATE TABLE audit_log (
      id bigint NOT NULL DEFAULT nextval('audit_log_id_seq'),
      ts timestamptz NOT NULL,
      request_id text NOT NULL,
      gateway text NOT NULL CHECK (gateway IN ('pre', 'post')),
      api_user_id text,
      api_user_name text,
      tenant_id text,
      method text NOT NULL,
      path text NOT NULL,
      model text,
      status integer NOT NULL,
      stream boolean NOT NULL DEFAULT false,
      latency_ms integer NOT NULL,
      ttfb_ms integer,
      prompt_tokens integer,
      completion_tokens integer,
      total_tokens integer,
      usage_source text CHECK (usage_source IN ('provider', 'estimated')),
      client_ip text,
      user_agent text,
      error_code text,
      aborted boolean NOT NULL DEFAULT false,
      request_body text,
      request_bytes integer,
      request_truncated boolean NOT NULL DEFAULT false,
      response_body text,
      response_bytes integer,
      response_truncated boolean NOT NULL DEFAULT false,
      PRIMARY KEY (ts, id),
      -- Replaying a spool after a crash must not duplicate: request ids are server-generated and unique.
      UNIQUE (request_id, ts)
    ) PARTITION BY RANGE (ts);
    CREATE INDEX audit_log_api_user_ts_idx ON audit_log (api_user_id, ts, id);
    CREATE INDEX audit_log_tenant_ts_idx ON audit_log (tenant_id, ts, id);
    CREATE INDEX audit_log_id_idx ON audit_log (id);

    CREATE TABLE admin_sessions (
      token_digest text PRIMARY KEY,
      username text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      ip text,
      user_agent text
    );
    CREATE INDEX admin_sessions_expires_at_idx ON admin_sessions (expires_at);

    -- Who changed what: logins, key and tenant changes, with a secret-free before/after diff.
    CREATE TABLE admin_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ts timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      ip text,
      action text NOT NULL,
      target_type text,
      target_id text,
      diff jsonb
    );
    CREATE INDEX admin_events_ts_idx ON admin_events (ts, id);
    CREATE INDEX admin_events_target_idx ON admin_events (target_type, target_id, ts);

    CREATE TABLE app_settings (
      key text PRIMARY KEY,
      value text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- Shared store for rate-limiter-flexible's RateLimiterPostgres (its own layout), used across replicas.
    CREATE TABLE rate_limits (
      key varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    );
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per call: PGlite's extended protocol takes no multi-statement strings.
  for (const statement of splitStatements(UP_SQL)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS rate_limits, app_settings, admin_events, admin_sessions, audit_log,
    usage_daily, usage_monthly, retired_keys, api_users, tenants CASCADE`.execute(db);
  await sql`DROP SEQUENCE IF EXISTS audit_log_id_seq`.execute(db);
}

/** Splits on semicolons at line ends; the statements here hold no semicolons inside literals. */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0);
}
