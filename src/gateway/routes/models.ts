/**
 * @module GET /v1/models: The tenant's model list (no tokens; still authenticated, limited and recorded).
 */
import type { Hono } from "hono";
import { proxyRequest, type ProxyContext } from "../proxy.js";

export function registerModels(app: Hono, ctx: ProxyContext): void {
  app.get("/v1/models", (c) => proxyRequest(c, ctx, "models"));
}
