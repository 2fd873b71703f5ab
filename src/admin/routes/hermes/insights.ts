/**
 * @module GET /api/admin/tenants/:id/hermes/insights?days=7|30|90: a profile's usage from its state.db, each
 * figure labelled with its source and what it leaves out.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { PaneContext } from "../../../hermes/panes/pane-context.js";
import { getInsights, type InsightWindow } from "../../../hermes/sessions/insights.js";
import { parseQuery } from "../../validation.js";
import { hermesScopeOf } from "./profile-query.js";

export type { InsightsView } from "../../../hermes/sessions/insights.js";

const InsightsQuery = z.object({
  days: z
    .enum(["7", "30", "90"], { error: "must be 7, 30 or 90" })
    .default("30")
    .transform((v) => Number(v) as InsightWindow),
});

export function registerInsightRoutes(app: Hono, ctx: PaneContext): void {
  app.get("/api/admin/tenants/:id/hermes/insights", async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const { days } = parseQuery(c, InsightsQuery);
    return c.json(await getInsights(ctx, scope, days));
  });
}
