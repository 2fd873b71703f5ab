/**
 * @module POST /v1/chat/completions: Chat completions, streamed or not.
 */
import type { Hono } from "hono";
import { proxyRequest, type ProxyContext } from "../proxy.js";

export function registerChatCompletions(app: Hono, ctx: ProxyContext): void {
  app.post("/v1/chat/completions", (c) => proxyRequest(c, ctx, "chat"));
}
