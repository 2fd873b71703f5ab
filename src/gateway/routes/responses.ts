/**
 * @module POST /v1/responses: The Responses API, streamed or not (usage arrives in response.completed).
 */
import type { Hono } from "hono";
import { proxyRequest, type ProxyContext } from "../proxy.js";

export function registerResponses(app: Hono, ctx: ProxyContext): void {
  app.post("/v1/responses", (c) => proxyRequest(c, ctx, "responses"));
}
