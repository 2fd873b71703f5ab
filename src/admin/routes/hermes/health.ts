/**
 * @module GET /api/admin/tenants/:id/hermes/health (latest probe and 24-hour history of the tenant's pre and post
 * upstream) and POST …/health/probe (probe now; answered from a few-seconds cache when just probed).
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import { tenantNotFound } from "../../../tenants/tenants.service.js";
import { parseJsonBody } from "../../validation.js";

export type { HealthView } from "../../../hermes/upstream-health.js";

const EmptyBody = z.strictObject({});

export function registerHermesHealthRoutes(app: Hono, deps: Deps): void {
  app.get("/api/admin/tenants/:id/hermes/health", async (c) => {
    const id = c.req.param("id");
    const view = await deps.hermesHealth.view(id);
    if (!view) throw tenantNotFound();
    return c.json(view);
  });

  app.post("/api/admin/tenants/:id/hermes/health/probe", async (c) => {
    await parseJsonBody(c, EmptyBody);
    const id = c.req.param("id");
    const view = await deps.hermesHealth.probeNow(id);
    if (!view) throw tenantNotFound();
    return c.json(view);
  });
}
