/**
 * @module The table of contents of the admin API. The session guard and the permission check are mounted on
 * /api/admin/* before any route, so every route registered here, or added to this list later, is guarded without
 * further thought.
 */
import type { Hono } from "hono";
import type { Deps } from "../../app/create-deps.js";
import { requireSession } from "../middleware/session.js";
import { enforcePermissions } from "../permissions.js";
import { registerAdminAccountRoutes } from "./admins/index.js";
import { registerApiUserRoutes } from "./api-users/index.js";
import { registerUsageRoutes } from "./api-users/usage.js";
import { registerAdminEventRoutes } from "./events/index.js";
import { registerHermesRoutes } from "./hermes/index.js";
import { registerLogRoutes } from "./logs/index.js";
import { registerStatusRoutes } from "./status/index.js";
import { registerTenantRoutes } from "./tenants/index.js";
import { registerUsageSummaryRoutes } from "./usage/index.js";

export function registerAdminRoutes(app: Hono, deps: Deps): void {
  app.use("/api/admin/*", requireSession({ auth: deps.adminAuth, trustProxy: deps.config.http.trustProxy }));
  // Then the role: one table (permissions.ts) names what every route needs; unlisted routes are owner-only.
  app.use("/api/admin/*", enforcePermissions({ logger: deps.logger }));

  registerStatusRoutes(app, deps);
  registerLogRoutes(app, deps);
  registerTenantRoutes(app, deps);
  registerHermesRoutes(app, deps);
  registerApiUserRoutes(app, deps);
  registerUsageRoutes(app, deps);
  registerUsageSummaryRoutes(app, deps);
  registerAdminEventRoutes(app, deps);
  registerAdminAccountRoutes(app, deps);
}
