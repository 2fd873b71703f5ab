/**
 * @module Every OpenAI-compatible route the gateways serve; anything else under /v1 is a 404 in OpenAI's envelope.
 */
import type { Hono } from "hono";
import type { ProxyContext } from "../proxy.js";
import { registerChatCompletions } from "./chat-completions.js";
import { registerCompletions } from "./completions.js";
import { registerEmbeddings } from "./embeddings.js";
import { registerModels } from "./models.js";
import { registerResponses } from "./responses.js";

export function registerGatewayRoutes(app: Hono, ctx: ProxyContext): void {
  registerChatCompletions(app, ctx);
  registerCompletions(app, ctx);
  registerEmbeddings(app, ctx);
  registerResponses(app, ctx);
  registerModels(app, ctx);
}
