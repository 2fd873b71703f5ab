/**
 * @module /api/admin/tenants/:id/hermes/…: the tenant's Hermes state. Every view that reads the Hermes home takes
 * `?profile=<name>` (default: the active profile) and answers with the profile it read. Reading never writes to the
 * home.
 */
import type { Hono } from "hono";
import type { Deps } from "../../../app/create-deps.js";
import { listTenantProfiles, type HermesContext } from "../../../hermes/hermes-scope.js";
import { registerHermesAccountRoutes } from "./accounts.js";
import { registerHermesHealthRoutes } from "./health.js";
import { registerHermesModelRoutes } from "./model.js";
import { registerHermesProxyRoutes } from "./proxies.js";
import { registerHermesPaneRoutes } from "./panes.js";

export type { ProfilesView } from "../../../hermes/hermes-scope.js";

export function hermesContext(deps: Deps): HermesContext {
  return { db: deps.database.db, config: deps.config.hermes };
}

export function registerHermesRoutes(app: Hono, deps: Deps): void {
  const ctx = hermesContext(deps);

  app.get("/api/admin/tenants/:id/hermes/profiles", async (c) => {
    return c.json(await listTenantProfiles(ctx, c.req.param("id")));
  });
  registerHermesAccountRoutes(app, ctx);
  registerHermesModelRoutes(app, ctx, deps);
  registerHermesHealthRoutes(app, deps);
  registerHermesProxyRoutes(app, deps);
  registerHermesPaneRoutes(app, deps);
}
