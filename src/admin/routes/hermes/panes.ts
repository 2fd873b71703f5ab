/**
 * @module The read-only Hermes panes (issue 20), registered as one group: they share one pane context (its
 * SQLite worker is closed at shutdown). Every route is `GET /api/admin/tenants/:id/hermes/<pane>…?profile=`.
 */
import type { Hono } from "hono";
import type { Deps } from "../../../app/create-deps.js";
import { createPaneContext } from "../../../hermes/panes/pane-context.js";
import { registerCronRoutes } from "./cron.js";
import { registerInsightRoutes } from "./insights.js";
import { registerIntegrationRoutes } from "./integrations.js";
import { registerMemoryKanbanRoutes } from "./memory-kanban.js";
import { registerSessionRoutes } from "./sessions.js";
import { registerSkillRoutes } from "./skills.js";
import { registerSystemRoutes } from "./system.js";

export function registerHermesPaneRoutes(app: Hono, deps: Deps): void {
  const { ctx, close } = createPaneContext(
    { db: deps.database.db, config: deps.config.hermes },
    { secretKeySet: deps.config.secrets.secretKey !== undefined, logger: deps.logger },
  );
  deps.lifecycle.onClose("hermes panes (SQLite reader)", close);

  registerSessionRoutes(app, ctx);
  registerInsightRoutes(app, ctx);
  registerSkillRoutes(app, ctx);
  registerIntegrationRoutes(app, ctx);
  registerCronRoutes(app, ctx);
  registerMemoryKanbanRoutes(app, ctx);
  registerSystemRoutes(app, ctx);
}
