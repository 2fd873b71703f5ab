/**
 * @module GET /api/admin/api-users/:id/usage?month=YYYY-MM: a user's month (default: the current UTC month) with its
 * daily breakdown: tokens and requests as the cap counts them, and requests by outcome from the audit log.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import * as keys from "../../../keys/keys.service.js";
import { monthKey, monthReport, type Outcomes } from "../../../usage/usage-report.js";
import { parseQuery } from "../../validation.js";

const UsageQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month as YYYY-MM")
    .optional(),
});

/** Requests by outcome: ok (< 400), 429 rate limit, 429 quota, 5xx, and any other 4xx. */
export type OutcomeCountsResponse = {
  ok: number;
  client_errors: number;
  rate_limited: number;
  quota_exceeded: number;
  upstream_errors: number;
};

export type UsageDayResponse = { day: string; tokens: number; requests: number } & OutcomeCountsResponse;

export type UsageResponse = {
  month: string;
  tokens_used: number;
  tokens_reserved: number;
  monthly_token_cap: number | null;
  requests: number;
  /** Every day of the month up to today (UTC), zeros included. */
  daily: UsageDayResponse[];
  outcomes: OutcomeCountsResponse;
};

export function outcomesToResponse(o: Outcomes): OutcomeCountsResponse {
  return {
    ok: o.ok,
    client_errors: o.clientErrors,
    rate_limited: o.rateLimited,
    quota_exceeded: o.quotaExceeded,
    upstream_errors: o.upstreamErrors,
  };
}

export function registerUsageRoutes(app: Hono, deps: Deps): void {
  const ctx: keys.KeysContext = { db: deps.database.db, keyPepper: deps.config.secrets.keyPepper };

  app.get("/api/admin/api-users/:id/usage", async (c) => {
    const query = parseQuery(c, UsageQuery);
    const user = await keys.getApiUser(ctx, c.req.param("id"));
    const report = await monthReport(deps.database.db, user.id, query.month ?? monthKey(new Date()));
    const body: UsageResponse = {
      month: report.month,
      tokens_used: report.tokensUsed,
      tokens_reserved: report.tokensReserved,
      monthly_token_cap: user.monthlyTokenCap,
      requests: report.requests,
      daily: report.daily.map((d) => ({
        day: d.day,
        tokens: d.tokens,
        requests: d.requests,
        ...outcomesToResponse(d),
      })),
      outcomes: outcomesToResponse(report.outcomes),
    };
    return c.json(body);
  });
}
