/**
 * @module The admin's API users list as queries: one page of users with this month's usage (filtered, searched,
 * sorted), the count of all matches, and which users the gateway refused for their rate limit a moment ago. The
 * default order, the tenant filter, both searches, the name sort and the cap filters read an index (migration 0007);
 * the last-use and tokens sorts order every match (those columns change per request and are not indexed).
 * bench/admin-api.ts times them with 100,000 users.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from "kysely";
import type { ApiUserRow, DB } from "../db/schema.js";
import type { Badge } from "./api-user-badges.js";

type Db = Kysely<DB>;

/** A filter per badge: the users whose badges include it. */
export type ApiUserStatusFilter = Badge;
export type ApiUserSortKey = "created_at" | "name" | "last_used_at" | "tokens_used";

export type ApiUserListFilter = {
  tenantId?: string | undefined;
  status?: ApiUserStatusFilter | undefined;
  /** Lowercase; matched against the lowercased name. */
  namePrefix?: string | undefined;
  /** Matched case-sensitively against the key prefix (`hms_…`). */
  keyPrefix?: string | undefined;
};

/** Where "now" is for the filters: the usage month (`YYYY-MM-01`) and the start of the rate-limit window. */
export type ListMoment = { month: string; rateLimitedSince: Date };

export type ApiUserListRow = ApiUserRow & { tokens_used: number; tokens_reserved: number; requests: number };

type From = ExpressionBuilder<DB & { a: DB["api_users"]; m: DB["usage_monthly"] }, "a" | "m">;

/** `LIKE` text matching values that start with `prefix`, wildcards in it taken literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, "\\$&")}%`;
}

const committed = sql<number>`(COALESCE(m.tokens_used, 0) + COALESCE(m.tokens_reserved, 0))`;

/** The users refused with 429 `rate_limit_exceeded` since `since` (the audit log lags by ≤ one flush). */
function rateLimitedIds(db: Db, since: Date) {
  return db
    .selectFrom("audit_log")
    .select("audit_log.api_user_id")
    .where("audit_log.ts", ">=", since)
    .where("audit_log.status", "=", 429)
    .where("audit_log.error_code", "=", "rate_limit_exceeded")
    .where("audit_log.api_user_id", "is not", null);
}

function statusCondition(db: Db, eb: From, status: ApiUserStatusFilter, at: ListMoment): Expression<SqlBool> {
  switch (status) {
    case "active":
    case "revoked":
      return eb("a.status", "=", status);
    case "rotated":
      return eb("a.last_rotated_at", "is not", null);
    case "never_used":
      return eb("a.last_used_at", "is", null);
    case "over_cap":
      return sql<SqlBool>`(a.monthly_token_cap IS NOT NULL AND ${committed} >= a.monthly_token_cap)`;
    case "near_cap":
      return sql<SqlBool>`(a.monthly_token_cap IS NOT NULL AND ${committed} < a.monthly_token_cap
        AND ${committed} * 10 >= a.monthly_token_cap * 9)`;
    case "rate_limited":
      return sql<SqlBool>`a.id IN ${rateLimitedIds(db, at.rateLimitedSince)}`;
  }
}

function filtered(db: Db, filter: ApiUserListFilter, at: ListMoment) {
  return db
    .selectFrom("api_users as a")
    .leftJoin("usage_monthly as m", (join) =>
      join.onRef("m.api_user_id", "=", "a.id").on("m.month", "=", at.month),
    )
    .where((eb) => {
      const conditions: Expression<SqlBool>[] = [];
      if (filter.tenantId !== undefined) conditions.push(eb("a.tenant_id", "=", filter.tenantId));
      if (filter.namePrefix !== undefined)
        conditions.push(sql<SqlBool>`lower(a.name) COLLATE "C" LIKE ${likePrefix(filter.namePrefix)}`);
      if (filter.keyPrefix !== undefined)
        conditions.push(sql<SqlBool>`a.key_prefix COLLATE "C" LIKE ${likePrefix(filter.keyPrefix)}`);
      if (filter.status !== undefined) conditions.push(statusCondition(db, eb, filter.status, at));
      return eb.and(conditions);
    });
}

/**
 * One page in `sort` order, ties broken by id. A never-used key counts as the least recently used one: first in
 * `last_used_at` order, last in `-last_used_at` order.
 */
export async function selectApiUserPage(
  db: Db,
  filter: ApiUserListFilter,
  at: ListMoment,
  order: { sort: ApiUserSortKey; descending: boolean; offset: number; limit: number },
): Promise<ApiUserListRow[]> {
  const dir = sql.raw(order.descending ? "DESC" : "ASC");
  const first = {
    created_at: sql`a.created_at ${dir}`,
    name: sql`lower(a.name) COLLATE "C" ${dir}`,
    last_used_at: sql`a.last_used_at ${dir} NULLS ${sql.raw(order.descending ? "LAST" : "FIRST")}`,
    tokens_used: sql`COALESCE(m.tokens_used, 0) ${dir}`,
  }[order.sort];
  const rows = await filtered(db, filter, at)
    .selectAll("a")
    .select([
      sql<number>`COALESCE(m.tokens_used, 0)`.as("tokens_used"),
      sql<number>`COALESCE(m.tokens_reserved, 0)`.as("tokens_reserved"),
      sql<number>`COALESCE(m.requests, 0)`.as("requests"),
    ])
    .orderBy(first)
    .orderBy(sql`a.id ${dir}`)
    .offset(order.offset)
    .limit(order.limit)
    .execute();
  return rows;
}

export async function countApiUsers(db: Db, filter: ApiUserListFilter, at: ListMoment): Promise<number> {
  const row = await filtered(db, filter, at)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Which of `apiUserIds` were refused for their rate limit since `since`. */
export async function selectRateLimitedUsers(
  db: Db,
  apiUserIds: readonly string[],
  since: Date,
): Promise<Set<string>> {
  if (apiUserIds.length === 0) return new Set();
  const rows = await rateLimitedIds(db, since)
    .where("audit_log.api_user_id", "in", [...apiUserIds])
    .distinct()
    .execute();
  return new Set(rows.map((r) => r.api_user_id!));
}
