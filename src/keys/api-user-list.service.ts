/**
 * @module API users as the admin sees them: each with this month's usage (the same usage_monthly row the cap
 * admission reads), when the budget resets and its status badges; and the server-side paged, searched, filtered
 * and sorted list of them.
 */
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import { monthUsageByUser, type MonthUsage } from "../usage/usage-report.js";
import { monthOf, monthResetAt } from "../usage/usage-period.js";
import { apiUserBadges, RATE_LIMITED_WINDOW_MS, type Badge } from "./api-user-badges.js";
import {
  countApiUsers,
  selectApiUserPage,
  selectRateLimitedUsers,
  type ApiUserListFilter,
  type ApiUserListRow,
  type ApiUserSortKey,
  type ApiUserStatusFilter,
  type ListMoment,
} from "./api-user-list.repository.js";
import { displayPrefix, KEY_PREFIX } from "./key-format.js";
import { apiUserRowToApiUser, type ApiUser } from "./keys.service.js";

export type { ApiUserSortKey, ApiUserStatusFilter };

export type ApiUserOverview = {
  user: ApiUser;
  /** `month` is `YYYY-MM` (UTC); `resetAt` the first instant of the next month, when the budget starts afresh. */
  usage: MonthUsage & { month: string; resetAt: Date };
  badges: Badge[];
};

export type ApiUserListQuery = {
  tenantId?: string | undefined;
  status?: ApiUserStatusFilter | undefined;
  /** A prefix of the name (any case), or of the key prefix when it starts with `hms_`. */
  q?: string | undefined;
  sort: ApiUserSortKey;
  descending: boolean;
  /** 1-based. */
  page: number;
  limit: number;
};

export type ApiUserPage = { data: ApiUserOverview[]; total: number };

function momentOf(now: Date): ListMoment {
  return { month: monthOf(now), rateLimitedSince: new Date(now.getTime() - RATE_LIMITED_WINDOW_MS) };
}

function overview(user: ApiUser, usage: MonthUsage, rateLimited: boolean, now: Date): ApiUserOverview {
  return {
    user,
    usage: { ...usage, month: monthOf(now).slice(0, 7), resetAt: monthResetAt(now) },
    badges: apiUserBadges({
      status: user.status,
      monthlyTokenCap: user.monthlyTokenCap,
      tokensCommitted: usage.tokensUsed + usage.tokensReserved,
      rateLimited,
      lastRotatedAt: user.lastRotatedAt,
      lastUsedAt: user.lastUsedAt,
    }),
  };
}

/** The search text as a filter: a key prefix is compared as the list shows it (`hms_` + 8 characters at most). */
function searchFilter(q: string | undefined): Pick<ApiUserListFilter, "namePrefix" | "keyPrefix"> {
  const text = q?.trim() ?? "";
  if (text === "") return {};
  if (text.toLowerCase().startsWith(KEY_PREFIX))
    return { keyPrefix: displayPrefix(KEY_PREFIX + text.slice(4)) };
  return { namePrefix: text.toLowerCase() };
}

/** Users with their usage, budget reset and badges, in the order given (two queries for any number of users). */
export async function describeApiUsers(
  db: Kysely<DB>,
  users: readonly ApiUser[],
  now = new Date(),
): Promise<ApiUserOverview[]> {
  const ids = users.map((u) => u.id);
  const at = momentOf(now);
  const [usage, limited] = await Promise.all([
    monthUsageByUser(db, ids, at.month.slice(0, 7)),
    selectRateLimitedUsers(db, ids, at.rateLimitedSince),
  ]);
  return users.map((u) =>
    overview(u, usage.get(u.id) ?? { tokensUsed: 0, tokensReserved: 0, requests: 0 }, limited.has(u.id), now),
  );
}

/** One page of the filtered, sorted list, and how many users match in all. */
export async function pageApiUsers(
  db: Kysely<DB>,
  query: ApiUserListQuery,
  now = new Date(),
): Promise<ApiUserPage> {
  const at = momentOf(now);
  const filter: ApiUserListFilter = {
    tenantId: query.tenantId,
    status: query.status,
    ...searchFilter(query.q),
  };
  const [rows, total] = await Promise.all([
    selectApiUserPage(db, filter, at, {
      sort: query.sort,
      descending: query.descending,
      offset: (query.page - 1) * query.limit,
      limit: query.limit,
    }),
    countApiUsers(db, filter, at),
  ]);
  const limited = await selectRateLimitedUsers(
    db,
    rows.map((r) => r.id),
    at.rateLimitedSince,
  );
  return {
    data: rows.map((r: ApiUserListRow) =>
      overview(
        apiUserRowToApiUser(r),
        {
          tokensUsed: Number(r.tokens_used),
          tokensReserved: Number(r.tokens_reserved),
          requests: Number(r.requests),
        },
        limited.has(r.id),
        now,
      ),
    ),
    total,
  };
}
