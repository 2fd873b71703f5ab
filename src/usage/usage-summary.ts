/**
 * @module The admin's usage overview for a range of UTC days, from the audit log (every recorded request, rejected
 * ones included): totals, one entry per day of the range, and the top users and models by tokens.
 */
import type { Kysely } from "kysely";
import {
  auditStatsByDay,
  topAuditModels,
  topAuditUsers,
  type AuditStatsFilter,
  type DayStats,
  type ModelStats,
  type OutcomeCounts,
  type TokenSums,
  type UserStats,
} from "../audit/audit-stats.repository.js";
import type { DB } from "../db/schema.js";
import { daysBetween } from "./usage-period.js";

export type UsageSummaryQuery = {
  /** `YYYY-MM-DD`, inclusive. */
  from: string;
  /** `YYYY-MM-DD`, inclusive. */
  to: string;
  tenantId?: string | undefined;
  apiUserId?: string | undefined;
  top: number;
};

export type UsageSummary = {
  from: string;
  to: string;
  totals: OutcomeCounts & TokenSums;
  daily: (OutcomeCounts & TokenSums & { day: string })[];
  topUsers: UserStats[];
  topModels: ModelStats[];
};

const ZERO: OutcomeCounts & TokenSums = {
  requests: 0,
  ok: 0,
  clientErrors: 0,
  rateLimited: 0,
  quotaExceeded: 0,
  upstreamErrors: 0,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
};

function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export async function usageSummary(db: Kysely<DB>, query: UsageSummaryQuery): Promise<UsageSummary> {
  const next = dayAfter(query.to);
  const filter: AuditStatsFilter = {
    from: new Date(`${query.from}T00:00:00Z`),
    to: new Date(`${next}T00:00:00Z`),
    apiUserId: query.apiUserId,
    tenantId: query.tenantId,
  };
  const [days, topUsers, topModels] = await Promise.all([
    auditStatsByDay(db, filter),
    topAuditUsers(db, filter, query.top),
    topAuditModels(db, filter, query.top),
  ]);
  const byDay = new Map<string, DayStats>(days.map((d) => [d.day, d]));
  const totals = { ...ZERO };
  const daily = daysBetween(query.from, next, new Date(`${query.to}T00:00:00Z`)).map((day) => {
    const d = byDay.get(day) ?? { ...ZERO, day };
    for (const k of Object.keys(ZERO) as (keyof typeof ZERO)[]) totals[k] += d[k];
    return d;
  });
  return { from: query.from, to: query.to, totals, daily, topUsers, topModels };
}
