/**
 * @module POST /v1/embeddings: Embeddings (usage has prompt tokens only).
 */
import type { Hono } from "hono";
import { proxyRequest, type ProxyContext } from "../proxy.js";

export function registerEmbeddings(app: Hono, ctx: ProxyContext): void {
  app.post("/v1/embeddings", (c) => proxyRequest(c, ctx, "embeddings"));
}
