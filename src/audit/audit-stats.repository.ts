/**
 * @module Aggregates over the audit log for the admin's usage views: requests by outcome and tokens, per UTC day,
 * per API user and per model, and the approximate number of rows stored. Outcomes: `ok` is a status below 400,
 * `rate_limited` a 429 `rate_limit_exceeded`, `quota_exceeded` a 429 `insufficient_quota`, `upstream_errors` any
 * 5xx, `client_errors` every other 4xx.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema.js";

type Db = Kysely<DB>;

export type OutcomeCounts = {
  requests: number;
  ok: number;
  clientErrors: number;
  rateLimited: number;
  quotaExceeded: number;
  upstreamErrors: number;
};

export type TokenSums = { promptTokens: number; completionTokens: number; totalTokens: number };

export type AuditStatsFilter = {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  apiUserId?: string | undefined;
  tenantId?: string | undefined;
};

type OutcomeColumns = {
  requests: number;
  ok: number;
  all_4xx: number;
  rate_limited: number;
  quota_exceeded: number;
  upstream_errors: number;
};

type TokenColumns = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

// count() and sum() of int4 columns are int8, which both drivers hand over as JS numbers (db/database.ts).
const OUTCOME_COLUMNS = sql`
  count(*) AS requests,
  count(*) FILTER (WHERE status < 400) AS ok,
  count(*) FILTER (WHERE status BETWEEN 400 AND 499) AS all_4xx,
  count(*) FILTER (WHERE status = 429 AND error_code = 'rate_limit_exceeded') AS rate_limited,
  count(*) FILTER (WHERE status = 429 AND error_code = 'insufficient_quota') AS quota_exceeded,
  count(*) FILTER (WHERE status >= 500) AS upstream_errors`;
const TOKEN_COLUMNS = sql`
  COALESCE(sum(prompt_tokens), 0)::int8 AS prompt_tokens,
  COALESCE(sum(completion_tokens), 0)::int8 AS completion_tokens,
  COALESCE(sum(total_tokens), 0)::int8 AS total_tokens`;

function outcomes(r: OutcomeColumns): OutcomeCounts {
  const rateLimited = Number(r.rate_limited);
  const quotaExceeded = Number(r.quota_exceeded);
  return {
    requests: Number(r.requests),
    ok: Number(r.ok),
    clientErrors: Number(r.all_4xx) - rateLimited - quotaExceeded,
    rateLimited,
    quotaExceeded,
    upstreamErrors: Number(r.upstream_errors),
  };
}

function tokens(r: TokenColumns): TokenSums {
  return {
    promptTokens: Number(r.prompt_tokens),
    completionTokens: Number(r.completion_tokens),
    totalTokens: Number(r.total_tokens),
  };
}

function where(f: AuditStatsFilter) {
  return sql`ts >= ${f.from} AND ts < ${f.to}
    ${f.apiUserId !== undefined ? sql`AND api_user_id = ${f.apiUserId}` : sql``}
    ${f.tenantId !== undefined ? sql`AND tenant_id = ${f.tenantId}` : sql``}`;
}

export type DayStats = OutcomeCounts & TokenSums & { day: string };
export type UserStats = OutcomeCounts &
  TokenSums & { apiUserId: string; apiUserName: string | null; tenantId: string | null };
export type ModelStats = OutcomeCounts & TokenSums & { model: string };

/** Per UTC day (`YYYY-MM-DD`), only days with records, in day order. */
export async function auditStatsByDay(db: Db, filter: AuditStatsFilter): Promise<DayStats[]> {
  const result = await sql<OutcomeColumns & TokenColumns & { day: string }>`
    SELECT to_char(g.utc_day, 'YYYY-MM-DD') AS day, g.* FROM (
      SELECT (ts AT TIME ZONE 'UTC')::date AS utc_day, ${OUTCOME_COLUMNS}, ${TOKEN_COLUMNS}
      FROM audit_log WHERE ${where(filter)} GROUP BY 1
    ) g ORDER BY g.utc_day`.execute(db);
  return result.rows.map((r) => ({ day: r.day, ...outcomes(r), ...tokens(r) }));
}

/**
 * The `top` users by total tokens (then requests), with their current name and tenant, or the last ones the log
 * recorded for a user deleted since.
 */
export async function topAuditUsers(db: Db, filter: AuditStatsFilter, top: number): Promise<UserStats[]> {
  const result = await sql<
    OutcomeColumns & TokenColumns & { api_user_id: string; name: string | null; tenant_id: string | null }
  >`
    SELECT g.*, COALESCE(u.name, g.logged_name) AS name, COALESCE(u.tenant_id, g.logged_tenant) AS tenant_id
    FROM (
      SELECT api_user_id, max(api_user_name) AS logged_name, max(tenant_id) AS logged_tenant,
        ${OUTCOME_COLUMNS}, ${TOKEN_COLUMNS}
      FROM audit_log WHERE ${where(filter)} AND api_user_id IS NOT NULL GROUP BY api_user_id
      ORDER BY total_tokens DESC, requests DESC, api_user_id LIMIT ${top}
    ) g LEFT JOIN api_users u ON u.id = g.api_user_id
    ORDER BY g.total_tokens DESC, g.requests DESC, g.api_user_id`.execute(db);
  return result.rows.map((r) => ({
    apiUserId: r.api_user_id,
    apiUserName: r.name,
    tenantId: r.tenant_id,
    ...outcomes(r),
    ...tokens(r),
  }));
}

/** The `top` models by total tokens (then requests); records without a model are left out. */
export async function topAuditModels(db: Db, filter: AuditStatsFilter, top: number): Promise<ModelStats[]> {
  const result = await sql<OutcomeColumns & TokenColumns & { model: string }>`
    SELECT model, ${OUTCOME_COLUMNS}, ${TOKEN_COLUMNS}
    FROM audit_log WHERE ${where(filter)} AND model IS NOT NULL GROUP BY model
    ORDER BY total_tokens DESC, requests DESC, model LIMIT ${top}`.execute(db);
  return result.rows.map((r) => ({ model: r.model, ...outcomes(r), ...tokens(r) }));
}

/**
 * Rows in audit_log, approximately: per day partition the planner's estimate scaled to the partition's current
 * size, or an exact count for a partition never analysed (a new one, or any on the embedded database).
 */
export async function approximateAuditRows(db: Db): Promise<number> {
  const result = await sql<{ name: string; reltuples: number; relpages: number; pages: number }>`
    SELECT c.relname AS name, c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages,
      (pg_relation_size(c.oid) / current_setting('block_size')::int8) AS pages
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_log'::regclass`.execute(db);
  let total = 0;
  for (const p of result.rows) {
    const pages = Number(p.pages);
    if (pages === 0) continue;
    if (p.reltuples >= 0 && Number(p.relpages) > 0) {
      total += Math.round((p.reltuples / Number(p.relpages)) * pages);
    } else {
      // The name comes from the catalog (audit_log_pYYYYMMDD), never from input.
      const n = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.id(p.name)}`.execute(db);
      total += Number(n.rows[0]?.n ?? 0);
    }
  }
  return total;
}
