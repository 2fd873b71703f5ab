/**
 * @module The OpenAI-compatible gateway app, served twice: pre-Hermes (:8645) and post-Hermes (:8646).
 */
import type { Hono } from "hono";
import type { Deps } from "../app/create-deps.js";
import type { Gateway } from "../config/config.js";
import { createBaseApp } from "../http/create-app.js";

export type GatewayAppOptions = { gateway: Gateway };

export function createGatewayApp(deps: Deps, options: GatewayAppOptions): Hono {
  return createBaseApp({
    listener: options.gateway,
    envelope: "openai",
    logger: deps.logger,
    readiness: deps.readiness,
  });
}
