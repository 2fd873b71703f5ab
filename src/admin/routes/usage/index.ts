/**
 * @module GET /api/admin/usage: requests, outcomes and tokens over a range of UTC days (default the last 30), per
 * day, with the top users and models; all tenants or one, all users or one. Read from the audit log.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import { usageSummary } from "../../../usage/usage-summary.js";
import { parseQuery } from "../../validation.js";

export const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 30;
const DAY_MS = 86_400_000;

/** A calendar date `YYYY-MM-DD` (no 2026-02-30). */
const isoDay = z
  .string({ error: "must be a date as YYYY-MM-DD" })
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    "must be a date as YYYY-MM-DD",
  );
const id = z.string().min(1, "must not be empty").max(200, "must be at most 200 characters");

export const UsageSummaryQuery = z
  .object({
    from: isoDay.optional(),
    to: isoDay.optional(),
    tenant_id: id.optional(),
    api_user_id: id.optional(),
    top: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(100, "must be at most 100")
      .default(10),
  })
  .transform((q) => {
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    const from =
      q.from ??
      new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
    return { ...q, from, to, days: (Date.parse(to) - Date.parse(from)) / DAY_MS + 1 };
  })
  .refine((q) => q.days >= 1, { message: "must not be after to", path: ["from"] })
  .refine((q) => q.days <= MAX_RANGE_DAYS, {
    message: `must be at most ${MAX_RANGE_DAYS} days before to`,
    path: ["from"],
  });
export type UsageSummaryQuery = z.input<typeof UsageSummaryQuery>;

type TokenTotals = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

export type UsageSummaryResponse = {
  from: string;
  /** Inclusive. */
  to: string;
  totals: {
    requests: number;
    ok: number;
    /** Status 400 or above, including rate_limited and quota_exceeded. */
    errors: number;
    rate_limited: number;
    quota_exceeded: number;
  } & TokenTotals;
  /** Every day of the range, zeros included. */
  daily: ({ day: string; requests: number; ok: number; errors: number } & TokenTotals)[];
  top_users: {
    api_user_id: string;
    api_user_name: string | null;
    tenant_id: string | null;
    requests: number;
    total_tokens: number;
  }[];
  top_models: { model: string; requests: number; total_tokens: number }[];
};

const tokenTotals = (t: { promptTokens: number; completionTokens: number; totalTokens: number }) => ({
  prompt_tokens: t.promptTokens,
  completion_tokens: t.completionTokens,
  total_tokens: t.totalTokens,
});

export function registerUsageSummaryRoutes(app: Hono, deps: Deps): void {
  app.get("/api/admin/usage", async (c) => {
    const q = parseQuery(c, UsageSummaryQuery);
    const s = await usageSummary(deps.database.db, {
      from: q.from,
      to: q.to,
      tenantId: q.tenant_id,
      apiUserId: q.api_user_id,
      top: q.top,
    });
    const body: UsageSummaryResponse = {
      from: s.from,
      to: s.to,
      totals: {
        requests: s.totals.requests,
        ok: s.totals.ok,
        errors: s.totals.requests - s.totals.ok,
        rate_limited: s.totals.rateLimited,
        quota_exceeded: s.totals.quotaExceeded,
        ...tokenTotals(s.totals),
      },
      daily: s.daily.map((d) => ({
        day: d.day,
        requests: d.requests,
        ok: d.ok,
        errors: d.requests - d.ok,
        ...tokenTotals(d),
      })),
      top_users: s.topUsers.map((u) => ({
        api_user_id: u.apiUserId,
        api_user_name: u.apiUserName,
        tenant_id: u.tenantId,
        requests: u.requests,
        total_tokens: u.totalTokens,
      })),
      top_models: s.topModels.map((m) => ({
        model: m.model,
        requests: m.requests,
        total_tokens: m.totalTokens,
      })),
    };
    return c.json(body);
  });
}
