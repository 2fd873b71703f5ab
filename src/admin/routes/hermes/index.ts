/**
 * @module /api/admin/tenants/:id/hermes/…: the tenant's Hermes state. Every view that reads the Hermes home takes
 * `?profile=<name>` (default: the active profile) and answers with the profile it read. Reading never writes to the
 * home.
 */
import type { Hono } from "hono";
import type { Deps } from "../../../app/create-deps.js";
import { listTenantProfiles, type HermesContext } from "../../../hermes/hermes-scope.js";
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

  registerHermesPaneRoutes(app, deps);
}
