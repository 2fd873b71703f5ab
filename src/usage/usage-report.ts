/**
 * @module Read-only usage queries for the admin: this month's totals per API user, and one user's month with its
 * daily breakdown. Months and days are UTC calendar periods, as the cap enforcement counts them.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema.js";

export type MonthUsage = { tokensUsed: number; tokensReserved: number; requests: number };
export type DayUsage = { day: string; tokens: number; requests: number };
export type MonthReport = MonthUsage & { month: string; daily: DayUsage[] };

const EMPTY: MonthUsage = { tokensUsed: 0, tokensReserved: 0, requests: 0 };

/** `YYYY-MM` of `at` in UTC. */
export function monthKey(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** `YYYY-MM` → the first and the day after the last day of that month, as `YYYY-MM-DD`. */
function monthBounds(month: string): { first: string; next: string } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { first: `${month}-01`, next };
}

/** Totals of `month` (`YYYY-MM`) for each of `apiUserIds`; users without a row get zeros. */
export async function monthUsageByUser(
  db: Kysely<DB>,
  apiUserIds: readonly string[],
  month: string,
): Promise<Map<string, MonthUsage>> {
  const result = new Map<string, MonthUsage>(apiUserIds.map((id) => [id, { ...EMPTY }]));
  if (apiUserIds.length === 0) return result;
  const rows = await db
    .selectFrom("usage_monthly")
    .select(["api_user_id", "tokens_used", "tokens_reserved", "requests"])
    .where("api_user_id", "in", [...apiUserIds])
    .where("month", "=", monthBounds(month).first)
    .execute();
  for (const r of rows) {
    result.set(r.api_user_id, {
      tokensUsed: Number(r.tokens_used),
      tokensReserved: Number(r.tokens_reserved),
      requests: Number(r.requests),
    });
  }
  return result;
}

/** One user's month: totals plus each day that saw traffic, in day order. */
export async function monthReport(db: Kysely<DB>, apiUserId: string, month: string): Promise<MonthReport> {
  const totals = (await monthUsageByUser(db, [apiUserId], month)).get(apiUserId) ?? { ...EMPTY };
  const { first, next } = monthBounds(month);
  // to_char: both drivers would otherwise turn a `date` into a local-time JS Date.
  const daily = await db
    .selectFrom("usage_daily")
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day"), "tokens", "requests"])
    .where("api_user_id", "=", apiUserId)
    .where("day", ">=", first)
    .where("day", "<", next)
    .orderBy("usage_daily.day", "asc")
    .execute();
  return {
    month,
    ...totals,
    daily: daily.map((d) => ({ day: d.day, tokens: Number(d.tokens), requests: Number(d.requests) })),
  };
}
