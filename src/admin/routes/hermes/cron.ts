/**
 * @module GET /api/admin/tenants/:id/hermes/cron, …/cron/:job/outputs, …/cron/:job/outputs/:output: the profile's
 * scheduled jobs with their runs, and their outputs listed and read on demand (capped, redacted).
 */
import type { Hono } from "hono";
import { z } from "zod";
import {
  getCronOutput,
  JOB_ID,
  listCronJobs,
  listCronOutputs,
  OUTPUT_NAME,
} from "../../../hermes/cron/cron.js";
import type { PaneContext } from "../../../hermes/panes/pane-context.js";
import { parseQuery } from "../../validation.js";
import { pageLimit, pathParam } from "./pane-query.js";
import { hermesScopeOf } from "./profile-query.js";

export type { CronOutputsView, CronOutputView, CronView } from "../../../hermes/cron/cron.js";

const OutputsQuery = z.object({
  limit: pageLimit(500, 100),
  before: z.string({ error: "must be a string" }).regex(OUTPUT_NAME, "must be an output name").optional(),
});

export function registerCronRoutes(app: Hono, ctx: PaneContext): void {
  const base = "/api/admin/tenants/:id/hermes/cron";
  const job = (v: string | undefined) => pathParam(v, "job", JOB_ID, "a cron job id");

  app.get(base, async (c) => c.json(await listCronJobs(ctx, await hermesScopeOf(c, ctx))));

  app.get(`${base}/:job/outputs`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const id = job(c.req.param("job"));
    const q = parseQuery(c, OutputsQuery);
    return c.json(await listCronOutputs(scope, id, { limit: q.limit, before: q.before }));
  });

  app.get(`${base}/:job/outputs/:output`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const id = job(c.req.param("job"));
    const output = pathParam(c.req.param("output"), "output", OUTPUT_NAME, "an output file name");
    return c.json(await getCronOutput(scope, id, output));
  });
}
