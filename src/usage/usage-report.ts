/**
 * @module Read-only usage queries for the admin: this month's totals per API user, and one user's month with its
 * daily breakdown. Months and days are UTC calendar periods, as the cap enforcement counts them. Tokens and requests
 * come from the usage tables the cap is enforced with; the split of requests by outcome from the audit log.
 */
import { sql, type Kysely } from "kysely";
import { auditStatsByDay, type OutcomeCounts } from "../audit/audit-stats.repository.js";
import type { DB } from "../db/schema.js";
import { daysBetween } from "./usage-period.js";

export type MonthUsage = { tokensUsed: number; tokensReserved: number; requests: number };
export type Outcomes = Omit<OutcomeCounts, "requests">;
export type DayUsage = { day: string; tokens: number; requests: number } & Outcomes;
export type MonthReport = MonthUsage & { month: string; daily: DayUsage[]; outcomes: Outcomes };

const NO_OUTCOMES: Outcomes = { ok: 0, clientErrors: 0, rateLimited: 0, quotaExceeded: 0, upstreamErrors: 0 };

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

function addOutcomes(into: Outcomes, o: Outcomes): void {
  into.ok += o.ok;
  into.clientErrors += o.clientErrors;
  into.rateLimited += o.rateLimited;
  into.quotaExceeded += o.quotaExceeded;
  into.upstreamErrors += o.upstreamErrors;
}

/**
 * One user's month: totals, and every day of it up to `now` (none for a month still to come) with its tokens,
 * requests and outcome counts, zeros included.
 */
export async function monthReport(
  db: Kysely<DB>,
  apiUserId: string,
  month: string,
  now = new Date(),
): Promise<MonthReport> {
  const { first, next } = monthBounds(month);
  // to_char: both drivers would otherwise turn a `date` into a local-time JS Date.
  const [totals, usageDays, auditDays] = await Promise.all([
    monthUsageByUser(db, [apiUserId], month),
    db
      .selectFrom("usage_daily")
      .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day"), "tokens", "requests"])
      .where("api_user_id", "=", apiUserId)
      .where("day", ">=", first)
      .where("day", "<", next)
      .execute(),
    auditStatsByDay(db, {
      apiUserId,
      from: new Date(`${first}T00:00:00Z`),
      to: new Date(`${next}T00:00:00Z`),
    }),
  ]);
  const usageByDay = new Map(usageDays.map((d) => [d.day, d]));
  const auditByDay = new Map(auditDays.map((d) => [d.day, d]));
  const outcomes = { ...NO_OUTCOMES };
  const daily = daysBetween(first, next, now).map((day): DayUsage => {
    const u = usageByDay.get(day);
    const a = auditByDay.get(day);
    const o: Outcomes = a
      ? {
          ok: a.ok,
          clientErrors: a.clientErrors,
          rateLimited: a.rateLimited,
          quotaExceeded: a.quotaExceeded,
          upstreamErrors: a.upstreamErrors,
        }
      : { ...NO_OUTCOMES };
    addOutcomes(outcomes, o);
    return { day, tokens: Number(u?.tokens ?? 0), requests: Number(u?.requests ?? 0), ...o };
  });
  return { month, ...(totals.get(apiUserId) ?? { ...EMPTY }), daily, outcomes };
}
