/**
 * @module Several admins with roles (issue 23): admin accounts (local argon2id or SSO), sessions tied to an account,
 * OIDC logins in flight (state, nonce, PKCE verifier), rotation grace deadlines on retired keys and the
 * idempotency records of key rotations.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE admin_accounts (
      id text PRIMARY KEY,
      -- Local accounts: a username; SSO accounts: the e-mail address (lowercased).
      username text NOT NULL CHECK (char_length(username) BETWEEN 1 AND 320),
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'auditor', 'viewer')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      kind text NOT NULL CHECK (kind IN ('local', 'sso', 'env')),
      password_hash text,
      sso_issuer text,
      sso_subject text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      last_login_at timestamptz
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX admin_accounts_username_idx ON admin_accounts (lower(username))`.execute(db);
  // The environment owner (HERMES_ADMIN_USERNAME) is one row, renamed in place when the variable changes.
  await sql`CREATE UNIQUE INDEX admin_accounts_env_idx ON admin_accounts (kind) WHERE kind = 'env'`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX admin_accounts_sso_idx ON admin_accounts (sso_issuer, sso_subject)
    WHERE sso_subject IS NOT NULL`.execute(db);
  // Sessions from before accounts existed cannot be tied to one: they end.
  await sql`DELETE FROM admin_sessions`.execute(db);
  await sql`ALTER TABLE admin_sessions
    ADD COLUMN admin_id text NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE`.execute(db);
  await sql`CREATE INDEX admin_sessions_admin_id_idx ON admin_sessions (admin_id)`.execute(db);

  // An OIDC login between the redirect to the provider and the callback; only the state's digest is a key.
  await sql`
    CREATE TABLE admin_oidc_logins (
      state_digest text PRIMARY KEY,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      next_path text NOT NULL,
      expires_at timestamptz NOT NULL
    )`.execute(db);

  // A rotated key keeps working until grace_until (null: it stopped at once).
  await sql`ALTER TABLE retired_keys ADD COLUMN grace_until timestamptz`.execute(db);

  // A retried rotate with the same Idempotency-Key gets the same new key: kept encrypted, for a day at most.
  await sql`
    CREATE TABLE key_rotation_requests (
      api_user_id text NOT NULL REFERENCES api_users (id) ON DELETE CASCADE,
      idempotency_digest text NOT NULL,
      request_digest text NOT NULL,
      new_key_digest text NOT NULL,
      new_key_sealed text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (api_user_id, idempotency_digest)
    )`.execute(db);
  await sql`CREATE INDEX key_rotation_requests_expires_idx ON key_rotation_requests (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS key_rotation_requests, admin_oidc_logins`.execute(db);
  await sql`ALTER TABLE retired_keys DROP COLUMN IF EXISTS grace_until`.execute(db);
  await sql`DELETE FROM admin_sessions`.execute(db);
  await sql`ALTER TABLE admin_sessions DROP COLUMN IF EXISTS admin_id`.execute(db);
  await sql`DROP TABLE IF EXISTS admin_accounts`.execute(db);
}
