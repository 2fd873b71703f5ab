/**
 * @module GET /api/admin/api-users/:id/usage?month=YYYY-MM: a user's month (default: the current UTC month) with its
 * daily breakdown.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import * as keys from "../../../keys/keys.service.js";
import { monthKey, monthReport } from "../../../usage/usage-report.js";
import { parseQuery } from "../../validation.js";

const UsageQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month as YYYY-MM")
    .optional(),
});

export type UsageResponse = {
  month: string;
  tokens_used: number;
  tokens_reserved: number;
  monthly_token_cap: number | null;
  requests: number;
  daily: { day: string; tokens: number; requests: number }[];
};

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
      daily: report.daily,
    };
    return c.json(body);
  });
}
