/**
 * @module GET /api/admin/tenants/:id/hermes/mcp, …/hooks, …/webhooks, …/tools: how the profile is wired to the
 * outside, from its config.yaml and side files. No header, env or webhook secret value is ever sent.
 */
import type { Hono } from "hono";
import { listHooks } from "../../../hermes/integrations/hooks.js";
import { listMcpServers } from "../../../hermes/integrations/mcp.js";
import { listToolsets } from "../../../hermes/integrations/tools.js";
import { listWebhooks } from "../../../hermes/integrations/webhooks.js";
import type { PaneContext } from "../../../hermes/panes/pane-context.js";
import { hermesScopeOf } from "./profile-query.js";

export type { HooksView } from "../../../hermes/integrations/hooks.js";
export type { McpView } from "../../../hermes/integrations/mcp.js";
export type { ToolsView } from "../../../hermes/integrations/tools.js";
export type { WebhooksView } from "../../../hermes/integrations/webhooks.js";

export function registerIntegrationRoutes(app: Hono, ctx: PaneContext): void {
  const base = "/api/admin/tenants/:id/hermes";
  app.get(`${base}/mcp`, async (c) => c.json(await listMcpServers(await hermesScopeOf(c, ctx))));
  app.get(`${base}/hooks`, async (c) => c.json(await listHooks(await hermesScopeOf(c, ctx))));
  app.get(`${base}/webhooks`, async (c) => c.json(await listWebhooks(await hermesScopeOf(c, ctx))));
  app.get(`${base}/tools`, async (c) => c.json(await listToolsets(await hermesScopeOf(c, ctx))));
}
