/**
 * @module Table types for Kysely. Column names are snake_case, as in the database.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string, string>;

export type GatewayName = "pre" | "post";

export interface TenantsTable {
  id: string;
  name: string;
  pre_upstream_url: string | null;
  post_upstream_url: string | null;
  /** Encrypted (`v1:` AES-256-GCM) or, without HERMES_SECRET_KEY, `plain:` prefixed. Never returned by the API. */
  upstream_api_key: string | null;
  upstream_api_key_fingerprint: string | null;
  /** The tenant's Hermes home (absolute path inside HERMES_STATE_ROOTS); null = none (the default tenant: HERMES_HOME). */
  hermes_home: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ApiUsersTable {
  id: string;
  name: string;
  tenant_id: string;
  gateways: ColumnType<GatewayName[], GatewayName[], GatewayName[]>;
  /** Requests per minute; null = unlimited. */
  rpm_limit: number | null;
  monthly_token_cap: number | null;
  status: "active" | "revoked";
  key_digest: string;
  key_prefix: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** When the key was last rotated away (null: never); its old keys answer 410. */
  last_rotated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface RetiredKeysTable {
  key_digest: string;
  api_user_id: string;
  reason: "rotated" | "revoked";
  key_prefix: string;
  retired_at: Timestamp;
  /** A rotated key keeps working until then (same user, limits and counter); null = stopped at rotation. */
  grace_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface UsageMonthlyTable {
  api_user_id: string;
  /** First day of the calendar month, UTC. */
  month: ColumnType<string, string, string>;
  tokens_used: ColumnType<number, number | undefined, number>;
  tokens_reserved: ColumnType<number, number | undefined, number>;
  requests: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

/** A running gateway instance; its reservations are given back when its heartbeat goes stale. */
export interface UsageInstancesTable {
  id: string;
  started_at: Timestamp;
  heartbeat_at: Timestamp;
}

/** What each instance holds reserved per user and month (advances and requests in flight). */
export interface UsageReservationsTable {
  instance_id: string;
  api_user_id: string;
  month: ColumnType<string, string, string>;
  tokens: number;
}

export interface UsageDailyTable {
  api_user_id: string;
  day: ColumnType<string, string, string>;
  tokens: ColumnType<number, number | undefined, number>;
  requests: ColumnType<number, number | undefined, number>;
}

export interface AuditLogTable {
  id: Generated<number>;
  ts: Timestamp;
  request_id: string;
  gateway: GatewayName;
  api_user_id: string | null;
  api_user_name: string | null;
  tenant_id: string | null;
  method: string;
  path: string;
  model: string | null;
  status: number;
  stream: boolean;
  latency_ms: number;
  ttfb_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  usage_source: "provider" | "estimated" | null;
  client_ip: string | null;
  user_agent: string | null;
  error_code: string | null;
  aborted: boolean;
  request_body: string | null;
  request_bytes: number | null;
  request_truncated: boolean;
  response_body: string | null;
  response_bytes: number | null;
  response_truncated: boolean;
}

export interface AdminSessionsTable {
  token_digest: string;
  username: string;
  admin_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export type AdminRole = "owner" | "admin" | "auditor" | "viewer";

export interface AdminAccountsTable {
  id: string;
  username: string;
  role: AdminRole;
  status: ColumnType<"active" | "disabled", "active" | "disabled" | undefined, "active" | "disabled">;
  /** env: the HERMES_ADMIN_USERNAME owner (break-glass); local: password; sso: signs in through OIDC only. */
  kind: "local" | "sso" | "env";
  password_hash: string | null;
  sso_issuer: string | null;
  sso_subject: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  last_login_at: Timestamp | null;
}

/** An OIDC login in flight, keyed by the state's SHA-256 digest; deleted when the callback uses it. */
export interface AdminOidcLoginsTable {
  state_digest: string;
  nonce: string;
  code_verifier: string;
  next_path: string;
  expires_at: Timestamp;
}

/** What a rotate with an Idempotency-Key produced, so a retry answers with the same new key. */
export interface KeyRotationRequestsTable {
  api_user_id: string;
  idempotency_digest: string;
  /** SHA-256 of the request body: the same Idempotency-Key with another body is refused. */
  request_digest: string;
  new_key_digest: string;
  /** The new key, AES-256-GCM sealed under a key derived from HERMES_SECRET_KEY; null without one. */
  new_key_sealed: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface AdminEventsTable {
  id: Generated<number>;
  ts: CreatedAt;
  actor: string;
  ip: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  diff: Json | null;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

/** One upstream health probe; rows older than 24 hours are deleted by the background prober. */
export interface HermesUpstreamProbesTable {
  id: Generated<number>;
  tenant_id: string;
  gateway: GatewayName;
  ts: Timestamp;
  trigger: "background" | "manual";
  url: string;
  ok: boolean;
  latency_ms: number | null;
  http_status: number | null;
  /** Which request answered: `health` (GET <origin>/health) or `models` (GET <base>/models). */
  probe: "health" | "models" | null;
  upstream: string | null;
  authenticated: boolean | null;
  error: string | null;
}

/** Matches what rate-limiter-flexible's RateLimiterPostgres expects, so it can run with `tableCreated: true`. */
export interface RateLimitsTable {
  key: string;
  points: number;
  expire: number | null;
}

export interface DB {
  tenants: TenantsTable;
  api_users: ApiUsersTable;
  retired_keys: RetiredKeysTable;
  usage_monthly: UsageMonthlyTable;
  usage_daily: UsageDailyTable;
  usage_instances: UsageInstancesTable;
  usage_reservations: UsageReservationsTable;
  audit_log: AuditLogTable;
  admin_sessions: AdminSessionsTable;
  admin_accounts: AdminAccountsTable;
  admin_oidc_logins: AdminOidcLoginsTable;
  key_rotation_requests: KeyRotationRequestsTable;
  admin_events: AdminEventsTable;
  app_settings: AppSettingsTable;
  rate_limits: RateLimitsTable;
  hermes_upstream_probes: HermesUpstreamProbesTable;
}

export type TenantRow = Selectable<TenantsTable>;
export type NewTenantRow = Insertable<TenantsTable>;
export type TenantUpdate = Updateable<TenantsTable>;
export type ApiUserRow = Selectable<ApiUsersTable>;
export type NewApiUserRow = Insertable<ApiUsersTable>;
export type ApiUserUpdate = Updateable<ApiUsersTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
export type AdminEventRow = Selectable<AdminEventsTable>;
