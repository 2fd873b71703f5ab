/**
 * @module POST /v1/completions: Legacy text completions, streamed or not.
 */
import type { Hono } from "hono";
import { proxyRequest, type ProxyContext } from "../proxy.js";

export function registerCompletions(app: Hono, ctx: ProxyContext): void {
  app.post("/v1/completions", (c) => proxyRequest(c, ctx, "completions"));
}
