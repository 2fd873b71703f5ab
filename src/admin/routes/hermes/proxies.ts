/**
 * @module GET /api/admin/hermes/proxies: the `hermes proxy` children this instance runs for the default tenant
 * (HERMES_PRE_AI_PROVIDER / HERMES_POST_AI_PROVIDER), with state, restarts, last exit and their last output lines
 * (redacted). Each instance runs its own (with several worker processes, the cluster primary runs them for all).
 */
import type { Hono } from "hono";
import type { Deps } from "../../../app/create-deps.js";
import type { ProxyView } from "../../../hermes/hermes-proxies.js";

export type HermesProxiesResponse = { data: ProxyView[] };

export function registerHermesProxyRoutes(app: Hono, deps: Deps): void {
  app.get("/api/admin/hermes/proxies", async (c) => {
    const body: HermesProxiesResponse = { data: await deps.hermesProxies.views() };
    return c.json(body);
  });
}
