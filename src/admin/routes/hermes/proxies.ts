/**
 * @module GET /api/admin/hermes/proxies: the `hermes proxy` children this instance runs for the default tenant
 * (HERMES_PRE_AI_PROVIDER / HERMES_POST_AI_PROVIDER), with state, restarts, last exit and their last output lines
 * (redacted). Each instance runs its own; this is the answering instance's view.
 */
import type { Hono } from "hono";
import type { Deps } from "../../../app/create-deps.js";
import type { ProxyOutputLine, ProxyStatus } from "../../../hermes/hermes-proxies.js";

export type HermesProxiesResponse = { data: (ProxyStatus & { output: ProxyOutputLine[] })[] };

export function registerHermesProxyRoutes(app: Hono, deps: Deps): void {
  app.get("/api/admin/hermes/proxies", (c) => {
    const body: HermesProxiesResponse = {
      data: deps.hermesProxies.list().map((p) => ({ ...p.status(), output: p.output() })),
    };
    return c.json(body);
  });
}
