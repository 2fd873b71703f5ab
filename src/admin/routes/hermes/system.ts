/**
 * @module GET /api/admin/tenants/:id/hermes/status, …/logs?file=, …/storage, …/profile-summaries, …/security: is
 * this Hermes healthy, what does it log, how much disk does it take, and how safe is the gateway's setup for it.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { PaneContext } from "../../../hermes/panes/pane-context.js";
import { getSecurity } from "../../../hermes/security/security.js";
import { getStatus } from "../../../hermes/system/gateway-status.js";
import { tailLog } from "../../../hermes/system/log-tail.js";
import { listProfileSummaries } from "../../../hermes/system/profile-summaries.js";
import { getStorage } from "../../../hermes/system/storage.js";
import { parseQuery } from "../../validation.js";
import { pageLimit } from "./pane-query.js";
import { hermesScopeOf } from "./profile-query.js";

export type { StatusView } from "../../../hermes/system/gateway-status.js";
export type { LogTailView } from "../../../hermes/system/log-tail.js";
export type { ProfileSummariesView } from "../../../hermes/system/profile-summaries.js";
export type { SecurityView } from "../../../hermes/security/security.js";
export type { StorageView } from "../../../hermes/system/storage.js";

const LogsQuery = z.object({
  file: z.string({ error: "must be a string" }).min(1, "is required").max(80, "is too long"),
  level: z
    .enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], {
      error: "must be DEBUG, INFO, WARNING, ERROR or CRITICAL",
    })
    .optional(),
  q: z.string({ error: "must be a string" }).min(1, "must not be empty").max(200, "is too long").optional(),
  limit: pageLimit(1000, 200),
  before: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be >= 0")
    .optional(),
});

export function registerSystemRoutes(app: Hono, ctx: PaneContext): void {
  const base = "/api/admin/tenants/:id/hermes";

  app.get(`${base}/status`, async (c) => c.json(await getStatus(await hermesScopeOf(c, ctx))));

  app.get(`${base}/logs`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    return c.json(await tailLog(scope, parseQuery(c, LogsQuery)));
  });

  app.get(`${base}/storage`, async (c) => c.json(await getStorage(await hermesScopeOf(c, ctx))));
  app.get(`${base}/profile-summaries`, async (c) =>
    c.json(await listProfileSummaries(await hermesScopeOf(c, ctx))),
  );
  app.get(`${base}/security`, async (c) => c.json(await getSecurity(ctx, await hermesScopeOf(c, ctx))));
}
